"""Fixtures of the API tests: a real uvicorn server on 127.0.0.1 (a free port, a background thread)
serving the shipped handbook's index (the session's ``searcher``), and accounts with API keys."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import pytest
import uvicorn
from argon2 import PasswordHasher

from assistant.accounts import AccountStore, ApiRatePolicy
from assistant.api import ApiOptions, create_app

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # real argon2id, cheap for tests


@contextmanager
def running(app) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class Recorder:
    """An ``on_exchange`` hook that keeps what it was given."""

    def __init__(self):
        self.calls = []

    def __call__(self, user, messages, answer):
        self.calls.append((user, messages, answer))


@pytest.fixture(scope="module")
def api_accounts(tmp_path_factory) -> AccountStore:
    store = AccountStore(tmp_path_factory.mktemp("api-accounts"), hasher=FAST_HASHER)
    store.add_user("douya", "streamer", "correct horse")
    store.add_user("laoban", "operator", "battery staple")
    return store


@pytest.fixture(scope="module")
def api_key(api_accounts) -> str:
    return api_accounts.create_key("douya").key


@pytest.fixture(scope="module")
def exchanges() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module")
def api_url(index_settings, searcher, api_accounts, exchanges) -> Iterator[str]:
    options = ApiOptions(rate=ApiRatePolicy(rate_per_minute=6000, burst=500))
    app = create_app(index_settings, searcher=searcher, accounts=api_accounts, options=options, on_exchange=exchanges)
    with running(app) as url:
        yield url


@pytest.fixture
def client(api_url, api_key):
    from openai import OpenAI

    with OpenAI(base_url=f"{api_url}/v1", api_key=api_key, max_retries=0, timeout=60) as c:
        yield c
