"""Faults around re-indexing: kill -9 at random moments, two rebuilds at once, a read-only data dir,
a full disk. The serving index must keep answering exactly as before, and the next rebuild complete."""

from __future__ import annotations

import errno
import json

import pytest

from tests.hardening import harness


@pytest.mark.slow
def test_kill_9_at_random_moments_never_breaks_the_serving_index(isolated):
    result = harness.kill_rebuild_experiment(isolated, kills=10, seed=20261209)
    records = result["kills"]
    killed = [r for r in records if r["killed_while_running"]]
    assert len(killed) >= 7, records  # the seeded moments land inside the run (not after it finished)
    for r in records:
        assert r["serves"] and r["cli_status_ok"] and r["long_lived_serves"], r
        if not r["switched_before_kill"]:
            assert r["same_as_before"], r  # exactly the same status and search results
        assert r["next_rebuild_ok"] and r["no_temp_files_after"], r
    assert result["final_cli_rebuild_exit"] == 0, result["final_cli_rebuild"]
    assert json.loads(result["final_cli_rebuild"])["cards_changed"] == 1


def test_second_rebuild_exits_clearly_or_waits(isolated):
    result = harness.concurrent_rebuild_experiment(isolated, pause_s=5.0)
    no_wait = result["no_wait"]
    assert no_wait["exit"] == 1, no_wait
    assert "another rebuild is running" in no_wait["stderr"] and "--wait" in no_wait["stderr"]
    assert harness.no_traceback(no_wait["stderr"])
    assert no_wait["seconds"] < 30
    waited = result["wait"]
    assert waited["exit"] == 0, waited
    assert result["first"]["exit"] == 0, result
    first = json.loads(result["first"]["stdout"].splitlines()[-1])
    assert first["cards_changed"] == 1
    # the waiting one ran after the first finished: nothing left to do
    assert json.loads(waited["stdout"].splitlines()[-1])["cards_changed"] == 0


def test_data_dir_under_a_file_is_a_clear_error(hx_index, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    env = harness.cli_env(blocker / "data", hx_index.cards_dir)
    for args in (["rebuild"], ["status", "--json"], ["search", "福袋什么时候发"]):
        proc = harness.run_module("index", args, env, timeout=120)
        assert proc.returncode in (1, 2), (args, proc.returncode, proc.stderr)
        assert proc.stderr.startswith("error: ") and harness.no_traceback(proc.stderr), proc.stderr
    proc = harness.run_module("index", ["rebuild"], env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "not a folder" in proc.stderr or "is a file" in proc.stderr, proc.stderr


@pytest.mark.parametrize("where, err", [
    ("keyword", errno.ENOSPC), ("chunks.json", errno.ENOSPC), ("manifest.json", errno.EROFS),
    ("vectors", errno.ENOSPC), ("pointer", errno.ENOSPC), ("pointer", errno.EROFS),
])
def test_write_failure_inside_a_rebuild_keeps_the_serving_index(isolated, monkeypatch, where, err):
    """ENOSPC / EROFS at each write of a rebuild (patched in-process): a clear IndexWriteError, nothing
    of the new generation left, the serving index answers as before, and the next rebuild works."""
    import index.rebuild as rb
    import index.store as store
    from index.api import rebuild
    from index.errors import IndexWriteError

    before = harness.serving_snapshot(isolated)
    harness.edit_card(isolated.cards_dir, 4242)
    boom = OSError(err, "No space left on device" if err == errno.ENOSPC else "Read-only file system")
    if where in ("chunks.json", "manifest.json"):
        real = rb.write_file_atomic

        def failing(path, data):
            if path.name == where:
                boom.filename = str(path)
                raise boom
            return real(path, data)

        monkeypatch.setattr(rb, "write_file_atomic", failing)
    elif where == "keyword":
        monkeypatch.setattr(rb.KeywordIndex, "save", lambda self, path: (_ for _ in ()).throw(boom))
    elif where == "vectors":
        monkeypatch.setattr(rb, "add_in_batches", lambda *a, **k: (_ for _ in ()).throw(boom))
    else:  # the pointer switch, the very last write
        monkeypatch.setattr(store.EmbeddedLayout, "write_pointer", lambda self, p: (_ for _ in ()).throw(boom))
    with pytest.raises(IndexWriteError) as info:
        rebuild(isolated)
    message = str(info.value)
    assert ("disk is full" if err == errno.ENOSPC else "read-only") in message
    assert "unchanged" in message
    assert harness.leftovers(isolated)["orphan_generations"] == []
    assert harness.serving_snapshot(isolated) == before
    monkeypatch.undo()
    assert rebuild(isolated).cards_changed == 1


needs_root_mounts = pytest.mark.skipif(not harness.namespaces_available(),
                                       reason="needs root and `unshare --mount` for a real read-only or full disk")


@needs_root_mounts
def test_read_only_data_dir_real_mount(isolated):
    result = harness.unwritable_experiment(isolated, "ro")
    assert result["rebuild_exit"] == 1, result
    assert "read-only" in result["message"] and "unchanged" in result["message"], result
    assert not result["traceback"], result
    assert result["serving_unchanged"], result


@needs_root_mounts
def test_full_disk_real_tmpfs(isolated):
    result = harness.unwritable_experiment(isolated, "full")
    assert result["rebuild_exit"] == 1, result
    assert "disk is full" in result["message"] and "unchanged" in result["message"], result
    assert not result["traceback"], result
    assert result["serving_unchanged"], result  # read back on the full disk itself
