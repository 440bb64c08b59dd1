"""``kill -9`` of real rebuilds at random moments; a second rebuild beside a running one."""

from __future__ import annotations

import json
import random
import select
import subprocess
import time
from collections.abc import Callable
from typing import Any

from reliability.data import QUERIES, edit_card, leftovers, serving_snapshot
from reliability.procs import PY, REPO_ROOT, cli_env, kill_tree, run_module


def start_rebuild(env: dict, *args: str) -> subprocess.Popen:
    """``python -m index rebuild ARGS`` in its own process group (output piped)."""
    return subprocess.Popen([PY, "-m", "index", "rebuild", *args], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def start_paused_rebuild(env: dict, stage: str, seconds: float = 120, extra_args: tuple = ("--json",),
                         timeout: float = 120) -> subprocess.Popen:
    """A rebuild that stops at checkpoint ``stage`` (the project's test hook ``PLAYBOOK_INDEX_TEST_PAUSE``)
    for ``seconds``; returns once it is there. AssertionError if it never gets there."""
    proc = start_rebuild(dict(env, PLAYBOOK_INDEX_TEST_PAUSE=f"{stage}:{seconds}"), *extra_args)
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.5)
        if ready:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            if line.strip() == f"index-checkpoint {stage}":
                return proc
        if proc.poll() is not None:
            break
    kill_tree(proc)
    raise AssertionError(f"rebuild never reached checkpoint {stage}: {''.join(seen)}")


def kill_rebuild_experiment(settings, kills: int = 10, seed: int = 20261209, span: tuple[float, float] = (0.2, 1.0),
                            log: Callable[[str], None] | None = None) -> dict:
    """``kill -9`` a real ``python -m index rebuild`` at ``kills`` seeded random moments.

    Two calibration runs measure how long an uninterrupted rebuild takes (T, the faster); kill moments are
    stratified over ``span`` x T (one per slice, at a seeded random point inside it) so that they cover
    start-up, embedding, writing and switching. After each kill: the serving index must answer exactly
    as before (or, if the kill came after the pointer switch, serve the complete new generation), a
    long-lived Searcher keeps answering, ``status --json`` works, and the next rebuild completes and
    removes every leftover.
    """
    from index.api import index_status, open_searcher, rebuild

    rng = random.Random(seed)
    env = cli_env(settings.data_dir, settings.cards_dir)
    # T is the faster of two uninterrupted runs: the first one is cold (imports, model load from disk)
    # and, alone, would put the late kill moments after a warm rebuild has already finished
    runs = []
    for k in range(2):
        edit_card(settings.cards_dir, 9000 + k)
        t0 = time.monotonic()
        proc = start_rebuild(env, "--json")
        try:
            _out, err = proc.communicate(timeout=300)
        finally:
            kill_tree(proc)
        runs.append(time.monotonic() - t0)
        assert proc.returncode == 0, err
    calibration = min(runs)
    long_lived = open_searcher(settings)
    records = []
    try:
        for i in range(kills):
            before = serving_snapshot(settings)
            edit_card(settings.cards_dir, i)
            lo, hi = span
            delay = calibration * (lo + (hi - lo) * (i + rng.random()) / kills)
            proc = start_rebuild(env, "--json")
            started = time.monotonic()
            try:
                while time.monotonic() - started < delay and proc.poll() is None:
                    time.sleep(0.01)
                running = proc.poll() is None
                kill_tree(proc)
            finally:
                kill_tree(proc)
                for stream in (proc.stdout, proc.stderr):
                    if stream:
                        stream.close()
            rec: dict[str, Any] = {"kill": i + 1, "delay_s": round(delay, 2), "killed_while_running": running,
                                   "exit": proc.returncode}
            rec.update(leftovers(settings))
            after = serving_snapshot(settings)
            switched = after["status"]["generation"] != before["status"]["generation"]
            rec["switched_before_kill"] = switched
            rec["same_as_before"] = after == before
            rec["serves"] = bool(after["search"][QUERIES[0]])
            status = run_module("index", ["status", "--json"], env, timeout=60)
            rec["cli_status_ok"] = status.returncode == 0 and json.loads(status.stdout)["generation"] == after["status"]["generation"]
            try:
                rec["long_lived_serves"] = bool(long_lived.search(QUERIES[1], k=3))
            except Exception as exc:  # noqa: BLE001 - recorded, asserted by the caller
                rec["long_lived_serves"] = False
                rec["long_lived_error"] = f"{type(exc).__name__}: {exc}"
            t1 = time.monotonic()
            try:
                summary = rebuild(settings)
                rec["next_rebuild_ok"] = summary.cards_changed == (0 if switched else 1) and not leftovers(settings)["orphan_generations"]
            except Exception as exc:  # noqa: BLE001
                rec["next_rebuild_ok"] = False
                rec["next_rebuild_error"] = f"{type(exc).__name__}: {exc}"
            rec["next_rebuild_s"] = round(time.monotonic() - t1, 2)
            rec["no_temp_files_after"] = not leftovers(settings)["temp_files"]
            rec["generation_after"] = index_status(settings).generation
            records.append(rec)
            if log:
                log(json.dumps(rec, ensure_ascii=False))
    finally:
        long_lived.close()
    # the very next rebuild from the command line completes too
    edit_card(settings.cards_dir, 9999)
    final = run_module("index", ["rebuild", "--json"], env, timeout=300)
    return {
        "calibration_s": round(calibration, 2),
        "kills": records,
        "final_cli_rebuild_exit": final.returncode,
        "final_cli_rebuild": final.stdout.strip().splitlines()[-1] if final.stdout.strip() else final.stderr[-500:],
    }


def concurrent_rebuild_experiment(settings, pause_s: float = 6.0) -> dict:
    """A rebuild holding the lock (paused by the project's test hook) and a second one beside it: the
    second fails at once (``no_wait``), a third with ``--wait`` waits for the first (``wait``); after
    them, what a reader sees (``serving``)."""
    env = cli_env(settings.data_dir, settings.cards_dir)
    edit_card(settings.cards_dir, 7001)
    first = start_paused_rebuild(env, "locked", seconds=pause_s)
    result: dict[str, Any] = {}
    try:
        locked_at = time.monotonic()
        second = run_module("index", ["rebuild", "--json"], env, timeout=120)
        result["no_wait"] = {"exit": second.returncode, "stdout": second.stdout.strip(), "stderr": second.stderr.strip(),
                             "seconds": round(time.monotonic() - locked_at, 2)}
        t = time.monotonic()
        third = run_module("index", ["rebuild", "--json", "--wait", "120"], env, timeout=200)
        result["wait"] = {"exit": third.returncode, "stdout": third.stdout.strip(), "stderr": third.stderr.strip()[-500:],
                          "seconds": round(time.monotonic() - t, 2)}
        out, _err = first.communicate(timeout=200)
        result["first"] = {"exit": first.returncode, "stdout": out.strip()}
    finally:
        kill_tree(first)
    result["serving"] = serving_snapshot(settings)
    return result
