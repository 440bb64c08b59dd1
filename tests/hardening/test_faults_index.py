"""Faults around re-indexing, as the reliability report measures them: kill -9 at random moments, two
rebuilds at once, a read-only data dir, a full disk. The serving index must keep answering exactly as
before, and the next rebuild complete. (Kills at each checkpoint and a write failing at each write of a
rebuild: tests/index/test_faults.py.)"""

from __future__ import annotations

import json

import pytest

from reliability.experiments.disks import namespaces_available, unwritable_experiment
from reliability.experiments.kills import concurrent_rebuild_experiment, kill_rebuild_experiment
from reliability.procs import cli_env, no_traceback, run_module


@pytest.mark.slow
def test_kill_9_at_random_moments_never_breaks_the_serving_index(isolated):
    result = kill_rebuild_experiment(isolated, kills=10, seed=20261209)
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
    result = concurrent_rebuild_experiment(isolated, pause_s=5.0)
    no_wait = result["no_wait"]
    assert no_wait["exit"] == 1, no_wait
    assert "another rebuild is running" in no_wait["stderr"] and "--wait" in no_wait["stderr"]
    assert no_traceback(no_wait["stderr"]) and no_wait["stdout"] == ""
    assert no_wait["seconds"] < 10
    waited = result["wait"]
    assert waited["exit"] == 0, waited
    assert result["first"]["exit"] == 0, result
    first = json.loads(result["first"]["stdout"].splitlines()[-1])
    assert first["cards_changed"] == 1
    # the waiting one ran after the first finished: nothing left to do
    last = json.loads(waited["stdout"].splitlines()[-1])
    assert last["cards_changed"] == 0 and last["chunks_embedded"] == 0
    # and a reader sees the first one's generation, searchable
    assert result["serving"]["status"]["generation"] != "" and all(result["serving"]["search"].values())


def test_data_dir_under_a_file_is_a_clear_error(hx_index, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    env = cli_env(blocker / "data", hx_index.cards_dir)
    for args in (["rebuild"], ["status", "--json"], ["search", "福袋什么时候发"]):
        proc = run_module("index", args, env, timeout=120)
        assert proc.returncode in (1, 2), (args, proc.returncode, proc.stderr)
        assert proc.stderr.startswith("error: ") and no_traceback(proc.stderr), proc.stderr
    proc = run_module("index", ["rebuild"], env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "not a folder" in proc.stderr or "is a file" in proc.stderr, proc.stderr


needs_root_mounts = pytest.mark.skipif(not namespaces_available(),
                                       reason="needs root and `unshare --mount` for a real read-only or full disk")


@needs_root_mounts
def test_read_only_data_dir_real_mount(isolated):
    result = unwritable_experiment(isolated, "ro")
    assert result["rebuild_exit"] == 1, result
    assert "read-only" in result["message"] and "unchanged" in result["message"], result
    assert not result["traceback"], result
    assert result["serving_unchanged"], result
    # the read-only folder still serves: in-process, and through `status --json` and `search --json`
    assert result["serves_while_read_only"], result
    assert result["ro_status_exit"] == 0 and result["ro_search_exit"] == 0, result
    assert result["ro_search_top"] == result["expected_top"] is not None, result


@needs_root_mounts
def test_full_disk_real_tmpfs(isolated):
    result = unwritable_experiment(isolated, "full")
    assert result["rebuild_exit"] == 1, result
    assert "disk is full" in result["message"] and "unchanged" in result["message"], result
    assert not result["traceback"], result
    assert result["serving_unchanged"], result  # read back on the full disk itself
    assert result["generations_after"] == [result["serving_generation"]], result  # the partial one was removed
