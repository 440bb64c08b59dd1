"""``serve()`` as ``python -m assistant serve`` will run it (a real process on a free port), and an app
that opens its own searcher at start-up."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from assistant.api import create_app

from .conftest import running

REPO = Path(__file__).resolve().parents[3]


def test_app_opens_the_searcher_once_at_startup(index_settings, api_accounts, api_key, monkeypatch):
    import index.api

    opened = []
    real = index.api.open_searcher
    monkeypatch.setattr(index.api, "open_searcher", lambda s: opened.append(s) or real(s))
    app = create_app(index_settings, accounts=api_accounts)
    with running(app) as url:
        for _ in range(3):
            r = httpx.post(f"{url}/v1/chat/completions", headers={"Authorization": f"Bearer {api_key}"}, timeout=60,
                           json={"model": "playbook", "messages": [{"role": "user", "content": "福袋多久发一次？"}]})
            assert r.status_code == 200 and r.json()["sources"]
    assert len(opened) == 1


def test_serve_runs_uvicorn_on_127_0_0_1(index_settings, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(index_settings.data_dir, data)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PLAYBOOK_DATA_DIR": str(data), "PLAYBOOK_CARDS_DIR": str(index_settings.cards_dir)}
    code = f"from settings import load_settings; from assistant.api import serve; serve(load_settings(), port={port})"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read()
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.3)
        assert r.json() == {"status": "ok"} and "server" not in r.headers
        assert httpx.get(f"http://127.0.0.1:{port}/v1/models").status_code == 401
        assert (data / "accounts.sqlite3").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
