"""Rollback in server mode, against a real `chroma run` server: a card added and then rolled away, seen by
a second machine (its own data dir) that shares the server's pointer; searches during the rollback."""

from __future__ import annotations

import json
import threading

import pytest

from index.api import index_history, open_searcher, rebuild
from reliability.procs import cli_env
from reliability.servers import CHROMA, ChromaServer
from tests.index.conftest import run_cli
from tests.index.test_history import add_card
from tests.index.test_server_mode import server_settings

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip("the chroma CLI is not installed in this environment")
    root = tmp_path_factory.mktemp("chroma-history")
    with ChromaServer(root / "db") as srv:
        yield srv


def test_card_added_then_rolled_away_in_server_mode(server, tmp_path, small_cards):
    a = server_settings(tmp_path, small_cards, server.port, "a")
    rebuild(a)
    add_card(small_cards)
    assert rebuild(a).cards_added == 1
    b = server_settings(tmp_path, small_cards, server.port, "b")  # another app machine
    other = open_searcher(b)
    assert other.search("直播切片怎么剪", k=1)[0].card_id == "clips-e"
    history = index_history(a)
    assert [(h.generation, h.serving) for h in history] == [("playbook_gen_000002", True), ("playbook_gen_000001", False)]

    env = cli_env(a.data_dir, small_cards, PLAYBOOK_CHROMA_HOST="127.0.0.1", PLAYBOOK_CHROMA_PORT=str(server.port))
    errors: list[BaseException] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            try:
                other.search("福袋什么时候发", k=2)
            except BaseException as exc:  # noqa: BLE001 - any failure is a lost request
                errors.append(exc)

    thread = threading.Thread(target=load)
    thread.start()
    try:
        proc = run_cli(["rollback", "1"], env)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert not errors, errors[:3]
    status = json.loads(run_cli(["status", "--json"], env).stdout)
    assert status["serving_generation"] == "playbook_gen_000001" and status["mode"] == "server"
    assert status["cards_differ"] is True and status["cards_on_disk"]["added"] == ["clips-e"]
    assert other.refresh() is True  # the pointer is on the server: the other machine switches too
    assert "clips-e" not in {r.card_id for r in other.search("直播切片怎么剪", k=4)}
    unknown = run_cli(["rollback", "playbook_gen_000042"], env)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    # and forward again, from the second machine (whose local cache of generation 2 it rebuilds if needed)
    env_b = cli_env(b.data_dir, small_cards, PLAYBOOK_CHROMA_HOST="127.0.0.1", PLAYBOOK_CHROMA_PORT=str(server.port))
    assert run_cli(["rollback", "playbook_gen_000002"], env_b).returncode == 0
    assert other.refresh() is True and other.search("直播切片怎么剪", k=1)[0].card_id == "clips-e"
    other.close()
