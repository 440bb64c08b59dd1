"""Faults inside a rebuild: kill -9 at each checkpoint (real subprocesses), a write failing at each write.

The experiments behind the reliability figures (kill -9 at random moments, two rebuilds at once, a real
read-only or full disk) are asserted in tests/hardening/test_faults_index.py.
"""

from __future__ import annotations

import errno
import os
import signal
import time

import pytest

from index.api import IndexWriteError, index_status, open_searcher, rebuild
from index.store import EmbeddedLayout
from reliability.data import leftovers, serving_snapshot, settings_for
from reliability.experiments.kills import start_paused_rebuild
from reliability.procs import cli_env
from tests.index.conftest import run_cli


def edit(cards_dir, text: str) -> None:
    path = cards_dir / "live-ops" / "fudai-c.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n- {text}\n", encoding="utf-8")


def serving_ok(settings, expect_generation: str | None = None) -> str:
    status = index_status(settings)
    if expect_generation:
        assert status.generation == expect_generation
    s = open_searcher(settings)
    try:
        assert s.search("福袋什么时候发", k=1)[0].card_id == "fudai-c"
        assert s.status() == status
    finally:
        s.close()
    return status.generation


def kill_at(settings, cards_dir, stage: str) -> None:
    before = index_status(settings).generation
    edit(cards_dir, f"kill at {stage}")
    proc = start_paused_rebuild(cli_env(settings.data_dir, cards_dir), stage)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    after = serving_ok(settings)
    if stage == "switched":
        assert after != before  # the pointer was replaced before the kill
    else:
        assert after == before  # the serving generation is untouched
    summary = rebuild(settings)  # the next rebuild cleans up and completes
    assert summary.cards_changed == (0 if stage == "switched" else 1)
    serving_ok(settings)
    layout = EmbeddedLayout(settings)
    pointer = layout.read_pointer()
    assert set(layout.generation_names()) <= set(pointer.kept())
    assert not [p for p in settings.index_dir.iterdir() if ".tmp-" in p.name]


@pytest.fixture
def built(tmp_path, small_cards):
    settings = settings_for(tmp_path / "data", small_cards)
    rebuild(settings)
    return settings


@pytest.mark.parametrize("stage", ["vectors", "validated"])
def test_kill_9_during_rebuild_keeps_serving(built, small_cards, stage):
    kill_at(built, small_cards, stage)


@pytest.mark.slow
def test_kill_9_at_every_checkpoint(built, small_cards):
    for stage in ("locked", "embedded", "vectors", "keyword", "manifest", "validated", "switched"):
        kill_at(built, small_cards, stage)


def test_kill_9_during_first_build(tmp_path, small_cards):
    settings = settings_for(tmp_path / "data", small_cards)
    proc = start_paused_rebuild(cli_env(settings.data_dir, small_cards), "manifest")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    proc = run_cli(["status"], cli_env(settings.data_dir, small_cards))
    assert proc.returncode == 1 and "python -m index rebuild" in proc.stderr
    assert rebuild(settings).cards_added == 4
    serving_ok(settings)


def test_searcher_keeps_serving_while_rebuild_switches(built, small_cards):
    searcher = open_searcher(built)
    old = searcher.status().generation
    edit(small_cards, "切片也要发")
    proc = start_paused_rebuild(cli_env(built.data_dir, small_cards), "validated", seconds=1)
    assert searcher.search("福袋", k=1)[0].card_id == "fudai-c"
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    time.sleep(1.1)
    searcher.search("福袋", k=1)  # picks up the new generation by itself
    assert searcher.status().generation != old
    assert "切片也要发" in searcher.card("fudai-c").body
    searcher.close()


@pytest.mark.parametrize("where, err", [
    ("keyword", errno.ENOSPC), ("chunks.json", errno.ENOSPC), ("manifest.json", errno.EROFS),
    ("vectors", errno.ENOSPC), ("pointer", errno.ENOSPC), ("pointer", errno.EROFS),
])
def test_write_failure_inside_a_rebuild_keeps_the_serving_index(built, small_cards, monkeypatch, where, err):
    """ENOSPC / EROFS at each write of a rebuild (patched in-process): a clear IndexWriteError, nothing
    of the new generation left, the serving index answers as before, and the next rebuild works."""
    import index.store as store
    import index.writer as writer

    before = serving_snapshot(built)
    edit(small_cards, f"write failure at {where}")
    boom = OSError(err, "No space left on device" if err == errno.ENOSPC else "Read-only file system")
    if where in ("chunks.json", "manifest.json"):
        real = writer.write_file_atomic

        def failing(path, data):
            if path.name == where:
                boom.filename = str(path)
                raise boom
            return real(path, data)

        monkeypatch.setattr(writer, "write_file_atomic", failing)
    elif where == "keyword":
        monkeypatch.setattr(writer.KeywordIndex, "save", lambda self, path: (_ for _ in ()).throw(boom))
    elif where == "vectors":
        monkeypatch.setattr(writer, "add_in_batches", lambda *a, **k: (_ for _ in ()).throw(boom))
    else:  # the pointer switch, the very last write
        monkeypatch.setattr(store.EmbeddedLayout, "write_pointer", lambda self, p: (_ for _ in ()).throw(boom))
    with pytest.raises(IndexWriteError) as info:
        rebuild(built)
    message = str(info.value)
    assert ("disk is full" if err == errno.ENOSPC else "read-only") in message
    assert "unchanged" in message
    assert leftovers(built)["orphan_generations"] == []
    assert EmbeddedLayout(built).generation_names() == [before["status"]["generation"]]  # the partial one is gone
    assert serving_snapshot(built) == before
    monkeypatch.undo()
    assert rebuild(built).cards_changed == 1
