"""Index history and rollback (embedded mode; server mode: test_history_server.py): the kept generations
with what each changed, a card added and then rolled away from the command line, a rebuild after a
rollback, card files restored, refusals, and a rollback under load that loses no request."""

from __future__ import annotations

import json
import textwrap
import threading
import time

import pytest

from index.api import (
    GenerationUnknownError,
    RollbackRefusedError,
    index_history,
    index_status,
    open_searcher,
    rebuild,
    rollback,
    serving_state,
)
from index.store import KEEP_PREVIOUS, EmbeddedLayout
from reliability.procs import cli_env
from tests.index.conftest import run_cli

NEW_CARD = textwrap.dedent("""\
    ---
    id: clips-e
    title: 直播切片怎么剪
    topics: [clips]
    stage: post
    ---
    ## 怎么做

    1. 把成交高峰的片段剪成三十秒的切片，发到短视频。
    """)


def add_card(cards) -> None:
    (cards / "traffic" / "clips-e.md").write_text(NEW_CARD, encoding="utf-8")


def found(settings, query="直播切片怎么剪", k=3) -> list[str]:
    s = open_searcher(settings)
    try:
        return [r.card_id for r in s.search(query, k=k)]
    finally:
        s.close()


def test_history_newest_first_with_what_each_generation_changed(small_settings, small_cards):
    rebuild(small_settings)
    add_card(small_cards)
    rebuild(small_settings)
    path = small_cards / "live-ops" / "fudai-c.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n- 福袋也可以预告切片。\n", encoding="utf-8")
    (small_cards / "fulfillment" / "refund-d.md").unlink()
    rebuild(small_settings)
    history = index_history(small_settings)
    assert [h.generation for h in history] == ["gen-000003", "gen-000002", "gen-000001"]
    assert [h.serving for h in history] == [True, False, False]
    assert [h.cards for h in history] == [4, 5, 4]
    newest, middle, first = (h.to_json() for h in history)
    assert {k: newest[k] for k in ("generation", "cards", "serving")} == {"generation": "gen-000003", "cards": 4, "serving": True}
    assert newest["changes"] == {"added": [], "changed": ["fudai-c"], "removed": ["refund-d"]}
    assert middle["changes"] == {"added": ["clips-e"], "changed": [], "removed": []} and middle["parent"] == "gen-000001"
    assert sorted(first["changes"]["added"]) == ["fudai-c", "lineup-b", "refund-d", "warm-a"]
    assert all(h.restorable and h.built_at.endswith("Z") for h in history)


def test_at_least_five_earlier_generations_are_kept(small_settings, small_cards):
    rebuild(small_settings)
    path = small_cards / "traffic" / "warm-a.md"
    for i in range(KEEP_PREVIOUS + 2):
        path.write_text(path.read_text(encoding="utf-8") + f"\n- 第{i}次修改。\n", encoding="utf-8")
        rebuild(small_settings)
    history = index_history(small_settings)
    assert KEEP_PREVIOUS >= 5 and len(history) == KEEP_PREVIOUS + 1
    assert history[0].serving and all(h.changes.changed == ("warm-a",) for h in history)
    # after a rollback to the oldest kept one, the next build still keeps every other generation
    rollback(small_settings, history[-1].generation)
    path.write_text(path.read_text(encoding="utf-8") + "\n- 回滚后再改。\n", encoding="utf-8")
    summary = rebuild(small_settings)
    after = index_history(small_settings)
    assert after[0].generation == summary.generation and after[0].parent == history[-1].generation
    assert len(after) == KEEP_PREVIOUS + 1
    assert len(EmbeddedLayout(small_settings).generation_names()) == KEEP_PREVIOUS + 1


def test_a_card_added_then_rolled_away_from_the_cli(small_settings, small_cards):
    env = cli_env(small_settings.data_dir, small_cards)
    assert run_cli(["rebuild", "--json"], env).returncode == 0
    add_card(small_cards)
    built = run_cli(["rebuild", "--json"], env)
    assert built.returncode == 0, built.stderr
    assert json.loads(built.stdout.splitlines()[-1])["cards_added"] == 1
    searcher = open_searcher(small_settings)
    assert searcher.search("直播切片怎么剪", k=1)[0].card_id == "clips-e"

    history = run_cli(["history", "--json"], env)
    assert history.returncode == 0, history.stderr
    rows = json.loads(history.stdout)
    assert [(r["generation"], r["serving"], r["cards"]) for r in rows] == [("gen-000002", True, 5), ("gen-000001", False, 4)]
    assert all({"generation", "built_at", "cards", "chunks", "serving"} <= set(r) for r in rows)
    assert rows[0]["changes"]["added"] == ["clips-e"]

    back = run_cli(["rollback", "gen-000001"], env)
    assert back.returncode == 0, back.stderr
    assert "gen-000001" in back.stdout
    status = json.loads(run_cli(["status", "--json"], env).stdout)
    assert status["generation"] == status["serving_generation"] == "gen-000001" and status["cards"] == 4
    assert status["cards_differ"] is True and status["cards_on_disk"]["added"] == ["clips-e"]
    searcher.refresh()  # (searchers also switch by themselves within a second)
    assert "clips-e" not in {r.card_id for r in searcher.search("直播切片怎么剪", k=4)}
    assert searcher.card("clips-e") is None
    searcher.close()

    unknown = run_cli(["rollback", "gen-000099"], env)
    assert unknown.returncode == 2 and "gen-000099" in unknown.stderr and "gen-000001" in unknown.stderr
    assert "Traceback" not in unknown.stderr

    # the rollback undoes the card too: its file goes (backed up), and the cards match what serves
    restored = run_cli(["rollback", "1", "--restore-cards", "--json"], env)
    assert restored.returncode == 0, restored.stderr
    result = json.loads(restored.stdout)
    assert result["restored_files"] == ["traffic/clips-e.md"] and not (small_cards / "traffic" / "clips-e.md").exists()
    backup = small_settings.data_dir / "card-backups"
    assert [p.name for p in backup.rglob("*.md")] == ["clips-e.md"]
    status = json.loads(run_cli(["status", "--json"], env).stdout)
    assert status["cards_differ"] is False
    noop = json.loads(run_cli(["rebuild", "--json"], env).stdout.splitlines()[-1])
    assert (noop["cards_added"], noop["cards_changed"], noop["chunks_embedded"]) == (0, 0, 0)


def test_a_rebuild_after_a_rollback_is_incremental_against_the_serving_generation(small_settings, small_cards):
    rebuild(small_settings)
    add_card(small_cards)
    rebuild(small_settings)
    rollback(small_settings, "gen-000001")
    assert found(small_settings)[0] != "clips-e"
    again = rebuild(small_settings)  # the card is still on disk: it is added again, nothing else re-embedded
    assert (again.cards_added, again.cards_unchanged, again.generation) == (1, 4, "gen-000003")
    s = open_searcher(small_settings)
    try:
        assert again.chunks_embedded == sum(1 for c in s.generation.chunks if c.card_id == "clips-e")
        assert s.search("直播切片怎么剪", k=1)[0].card_id == "clips-e"
    finally:
        s.close()
    assert [h.generation for h in index_history(small_settings)] == ["gen-000003", "gen-000002", "gen-000001"]
    assert index_history(small_settings)[0].parent == "gen-000001"
    assert serving_state(small_settings)["cards_differ"] is False


def test_rollback_refusals_leave_the_serving_generation(small_settings, small_cards):
    rebuild(small_settings)
    add_card(small_cards)
    rebuild(small_settings)
    with pytest.raises(GenerationUnknownError) as unknown:
        rollback(small_settings, "nope")
    assert unknown.value.exit_code == 2
    # a generation built with another embedder cannot serve with this one
    manifest = small_settings.index_dir / "gen-000001" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "embedder": "sentence-transformers:other"}), encoding="utf-8")
    with pytest.raises(RollbackRefusedError, match="向量模型"):
        rollback(small_settings, "gen-000001")
    assert index_status(small_settings).generation == "gen-000002"
    # rolling back to the one serving changes nothing
    assert not rollback(small_settings, "2").changed


def test_rollback_under_load_loses_no_request(small_settings, small_cards):
    rebuild(small_settings)
    add_card(small_cards)
    rebuild(small_settings)
    searcher = open_searcher(small_settings)
    errors: list[BaseException] = []
    answers: list[str] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            try:
                results = searcher.search("直播切片怎么剪", k=1)
                answers.append(results[0].card_id if results else "")
            except BaseException as exc:  # noqa: BLE001 - any failure is a lost request
                errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for target in ("gen-000001", "gen-000002", "gen-000001", "gen-000002", "gen-000001"):
            time.sleep(0.4)
            rollback(small_settings, target)
            searcher.refresh()  # what the automatic check does, at once
        time.sleep(0.4)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        searcher.close()
    assert not errors, errors[:3]
    assert len(answers) > 20
    assert "clips-e" in answers and {a for a in answers if a != "clips-e"}  # both generations served
    assert index_status(small_settings).generation == "gen-000001"
