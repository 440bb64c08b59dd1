"""Server mode against a real `chroma run` server on a free loopback port."""

from __future__ import annotations

import pytest

from index.api import StoreUnavailableError, index_status, open_searcher, rebuild
from index.store import KEEP_PREVIOUS
from reliability.data import settings_for
from reliability.procs import cli_env, free_port
from reliability.servers import CHROMA, ChromaServer
from tests.index.conftest import run_cli

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip("the chroma CLI is not installed in this environment")
    root = tmp_path_factory.mktemp("chroma-server")
    with ChromaServer(root / "db") as srv:
        yield srv


def server_settings(tmp_path, cards, port, machine="a"):
    return settings_for(tmp_path / f"data-{machine}", cards, chroma_host="127.0.0.1", chroma_port=port)


def test_server_mode_end_to_end(server, tmp_path, small_cards):
    a = server_settings(tmp_path, small_cards, server.port, "a")
    first = rebuild(a)
    assert first.cards_added == 4 and first.generation.startswith("playbook_gen_")
    st = index_status(a)
    assert st.mode == "server" and st.cards == 4 and str(server.port) in st.location
    searcher = open_searcher(a)
    assert searcher.search("福袋什么时候发", k=1)[0].card_id == "fudai-c"

    # the pointer lives on the server: another machine (own data dir) sees the same generation
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    assert client.get_collection("playbook_meta").metadata["active"] == st.generation
    b = server_settings(tmp_path, small_cards, server.port, "b")
    other = open_searcher(b)  # keyword index rebuilt locally from the collection
    assert other.status().generation == st.generation
    assert [r.card_id for r in other.search("引流款和利润款", k=4)] == [r.card_id for r in searcher.search("引流款和利润款", k=4)]
    assert other.card("lineup-b").keywords == searcher.card("lineup-b").keywords
    assert any(p.name == st.generation for p in (b.index_dir).rglob("playbook_gen_*"))

    # incremental, then delete
    path = small_cards / "live-ops" / "fudai-c.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n- 福袋也可以配合切片预告。\n", encoding="utf-8")
    changed = rebuild(a)
    assert changed.cards_changed == 1 and changed.chunks_embedded == sum(
        1 for c in searcher.generation.chunks if c.card_id == "fudai-c")
    assert other.refresh() is True
    assert "切片预告" in other.card("fudai-c").body
    (small_cards / "fulfillment" / "refund-d.md").unlink()
    assert rebuild(a).cards_removed == 1
    other.refresh()
    assert "refund-d" not in {r.card_id for r in other.search("发货太慢要退款", k=10)}
    assert other.generation.collection.get(where={"card_id": "refund-d"})["ids"] == []
    names = [c.name if not isinstance(c, str) else c for c in client.list_collections()]
    assert len([n for n in names if n.startswith("playbook_gen_")]) <= KEEP_PREVIOUS + 1
    assert rebuild(a).noop


def test_server_down_then_back(server, tmp_path, small_cards):
    a = server_settings(tmp_path, small_cards, server.port, "down")
    rebuild(a)
    searcher = open_searcher(a)
    env = cli_env(a.data_dir, small_cards, PLAYBOOK_CHROMA_HOST="127.0.0.1", PLAYBOOK_CHROMA_PORT=str(server.port))
    server.stop()
    try:
        with pytest.raises(StoreUnavailableError, match=f"127.0.0.1:{server.port}"):
            searcher.search("福袋什么时候发", k=1)
        with pytest.raises(StoreUnavailableError, match="chroma run"):
            open_searcher(a)
        proc = run_cli(["search", "福袋", "--json"], env)
        assert proc.returncode == 1 and "not reachable" in proc.stderr and "Traceback" not in proc.stderr
        proc = run_cli(["rebuild", "--json"], env)
        assert proc.returncode == 1 and "not reachable" in proc.stderr
    finally:
        server.start()
    # recovery without restarting the app
    assert searcher.search("福袋什么时候发", k=1)[0].card_id == "fudai-c"
    proc = run_cli(["status", "--json"], env)
    assert proc.returncode == 0, proc.stderr


def test_unreachable_address_is_clear(tmp_path, small_cards):
    settings = server_settings(tmp_path, small_cards, free_port(), "nowhere")
    with pytest.raises(StoreUnavailableError) as info:
        rebuild(settings)
    assert "PLAYBOOK_CHROMA_HOST" in str(info.value)
    assert not list((settings.index_dir).glob("playbook_gen_*"))
