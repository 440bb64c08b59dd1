"""A real `chroma run` server on 127.0.0.1 that stops and comes back: the CLI says so clearly
(exit 1, the address named), the app shows a readable error, and both recover by themselves."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from streamlit.testing.v1 import AppTest

from reliability.data import QUESTIONS, settings_for
from reliability.procs import cli_env, no_traceback, REPO_ROOT, run_module, wait_until
from reliability.servers import CHROMA, ChromaServer

pytestmark = [pytest.mark.server, pytest.mark.skipif(not CHROMA.exists(), reason="the chroma CLI is not installed")]
QUESTION = QUESTIONS[0]


@pytest.fixture(scope="module")
def chroma(tmp_path_factory):
    root = tmp_path_factory.mktemp("chroma")
    with ChromaServer(root / "db") as server:
        yield server


@pytest.fixture(scope="module")
def server_index(chroma, hx_index, tmp_path_factory):
    """The base cards indexed into the server (module-wide; tests only read it)."""
    from index.api import rebuild

    root = tmp_path_factory.mktemp("chroma-index")
    cards = root / "cards"
    shutil.copytree(hx_index.cards_dir, cards)
    settings = settings_for(root / "data", cards, chroma_host="127.0.0.1", chroma_port=chroma.port)
    rebuild(settings)
    return settings


def env_of(settings) -> dict:
    return cli_env(settings.data_dir, settings.cards_dir, PLAYBOOK_CHROMA_HOST=settings.chroma_host,
                           PLAYBOOK_CHROMA_PORT=settings.chroma_port)


def search_json(env) -> list:
    proc = run_module("index", ["search", QUESTION, "--k", "3", "--json"], env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [(r["card_id"], r["score"]) for r in json.loads(proc.stdout)["results"]]


def assert_names_the_server(proc, chroma) -> None:
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("error: "), proc.stderr
    assert chroma.address in proc.stderr and "not reachable" in proc.stderr, proc.stderr
    assert no_traceback(proc.stdout, proc.stderr)


def test_cli_while_the_server_is_down_and_after_it_is_back(chroma, server_index):
    env = env_of(server_index)
    before = search_json(env)
    assert before
    chroma.stop()
    try:
        for module, args in (("index", ["search", QUESTION, "--json"]), ("index", ["status", "--json"]),
                             ("index", ["rebuild"]), ("assistant", ["ask", QUESTION, "--json"])):
            t = time.monotonic()
            proc = run_module(module, args, env, timeout=120)
            assert_names_the_server(proc, chroma)
            assert time.monotonic() - t < 60  # no endless retrying
    finally:
        chroma.start()
    assert search_json(env) == before  # same results once it is back


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "error", "warning", "info", "caption") for e in getattr(at, kind))


def ask(at: AppTest, question: str = QUESTION) -> AppTest:
    at.chat_input[0].set_value(question)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_app_and_searcher_while_the_server_is_down_and_after_it_is_back(chroma, server_index, app_env, tmp_path):
    from index.api import open_searcher
    from index.errors import StoreUnavailableError

    app_env(server_index, PLAYBOOK_CHROMA_HOST="127.0.0.1", PLAYBOOK_CHROMA_PORT=str(chroma.port))
    at = AppTest.from_file(str(REPO_ROOT / "ui" / "app.py"), default_timeout=90).run()
    ask(at)
    assert len(at.chat_message) == 2 and "\\[1\\]" in at.chat_message[1].markdown[0].value  # a link to source 1
    long_lived = open_searcher(server_index)
    assert long_lived.search(QUESTION, k=3)

    chroma.stop()
    try:
        with pytest.raises(StoreUnavailableError, match=chroma.address):
            long_lived.search("福袋什么时候发", k=3)
        ask(at, "福袋什么时候发效果最好？")
        errors = [e.value for e in at.error]
        assert errors and any(chroma.address in e for e in errors), errors
        assert not any("Traceback" in e for e in errors)
        # a fresh session (nothing cached for this data dir) on a server that is down
        fresh_data = tmp_path / "fresh-data"
        app_env(settings_for(fresh_data, server_index.cards_dir), PLAYBOOK_CHROMA_HOST="127.0.0.1",
                PLAYBOOK_CHROMA_PORT=str(chroma.port))
        fresh = AppTest.from_file(str(REPO_ROOT / "ui" / "app.py"), default_timeout=90).run()
        assert not fresh.exception, [e.value for e in fresh.exception]
        fresh.switch_page("views/handbook.py").run()
        assert not fresh.exception
        assert any(chroma.address in e.value for e in fresh.error), [e.value for e in fresh.error]
    finally:
        chroma.start()

    # back: the same long-lived searcher and the same app session answer again, no restart
    assert wait_until(lambda: bool(long_lived.search(QUESTION, k=3)), 30, 0.5)
    app_env(server_index, PLAYBOOK_CHROMA_HOST="127.0.0.1", PLAYBOOK_CHROMA_PORT=str(chroma.port))
    ask(at, "引流款和利润款的比例怎么定？")
    last = at.chat_message[-1]
    assert last.name == "assistant" and "\\[1\\]" in last.markdown[0].value, texts(at)
    long_lived.close()
