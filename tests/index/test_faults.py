"""kill -9 of a rebuild at its checkpoints, and concurrent rebuilds (real subprocesses)."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from index.api import index_status, open_searcher, rebuild
from index.store import EmbeddedLayout

from .index_helpers import cli_env, run_cli, settings_for, start_paused_rebuild


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


@pytest.mark.slow
def test_kill_9_at_random_moments(built, small_cards):
    env = cli_env(built.data_dir, small_cards)
    import subprocess
    import sys

    from .index_helpers import REPO_ROOT

    for i, delay in enumerate((0.8, 1.6, 2.4, 3.2)):
        edit(small_cards, f"random kill {i}")
        proc = subprocess.Popen([sys.executable, "-m", "index", "rebuild"], cwd=REPO_ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()
        proc.wait(timeout=30)
        serving_ok(built)
    rebuild(built)
    serving_ok(built)


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


def test_concurrent_rebuild_waits_or_fails_clearly(built, small_cards):
    env = cli_env(built.data_dir, small_cards)
    edit(small_cards, "concurrent")
    holder = start_paused_rebuild(env, "locked", seconds=4)
    try:
        t0 = time.perf_counter()
        second = run_cli(["rebuild", "--json"], env)
        assert second.returncode == 1
        assert "another rebuild is running" in second.stderr and "--wait" in second.stderr
        assert "Traceback" not in second.stderr and second.stdout.strip() == ""
        assert time.perf_counter() - t0 < 10

        waited = run_cli(["rebuild", "--json", "--wait", "60"], env)
        assert waited.returncode == 0, waited.stderr
        # the first rebuild did the work; the waiting one found the index up to date
        assert json.loads(waited.stdout.strip().splitlines()[-1])["chunks_embedded"] == 0
    finally:
        out, err = holder.communicate(timeout=120)
    assert holder.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1])["cards_changed"] == 1
    serving_ok(built)


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


def _mount(args: list[str]) -> bool:
    import subprocess

    try:
        return subprocess.run(["mount", *args], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _umount(path) -> None:
    import subprocess

    subprocess.run(["umount", str(path)], capture_output=True, timeout=20)


def test_disk_full_is_clear_and_nothing_is_lost(tmp_path, small_cards):
    """A real full file system (a small tmpfs): the rebuild fails clearly, the index keeps serving."""
    mnt = tmp_path / "small-fs"
    mnt.mkdir()
    if not _mount(["-t", "tmpfs", "-o", "size=900k", "tmpfs", str(mnt)]):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        settings = settings_for(mnt / "data", small_cards)
        rebuild(settings)
        before = serving_ok(settings)
        edit(small_cards, "disk full")
        proc = run_cli(["rebuild", "--json"], cli_env(settings.data_dir, small_cards))
        assert proc.returncode == 1, proc.stderr
        assert "disk is full" in proc.stderr and "unchanged" in proc.stderr and "Traceback" not in proc.stderr
        assert serving_ok(settings, before) == before
        assert EmbeddedLayout(settings).generation_names() == [before]  # the partial generation was removed
    finally:
        _umount(mnt)


def test_read_only_data_dir_still_serves(tmp_path, small_cards):
    settings = settings_for(tmp_path / "data", small_cards)
    rebuild(settings)
    ro = tmp_path / "ro"
    ro.mkdir()
    if not _mount(["--bind", str(settings.data_dir), str(ro)]):
        pytest.skip("cannot bind-mount here (needs root)")
    try:
        if not _mount(["-o", "remount,ro,bind", str(ro)]):
            pytest.skip("cannot remount read-only here")
        env = cli_env(ro, small_cards)
        proc = run_cli(["search", "福袋什么时候发", "--json"], env)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["results"][0]["card_id"] == "fudai-c"
        assert run_cli(["status", "--json"], env).returncode == 0
        edit(small_cards, "read-only")
        proc = run_cli(["rebuild"], env)
        assert proc.returncode == 1 and "read-only" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        _umount(ro)
