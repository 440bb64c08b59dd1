"""Rebuild progress: every stage, named in Chinese, reaches its total (library and command line)."""

from __future__ import annotations

import pytest

from index.api import REBUILD_STAGES, StageLog, rebuild
from index.progress import describe
from reliability.procs import cli_env
from tests.index.conftest import run_cli


def test_every_stage_reaches_its_total(small_settings, small_cards):
    calls: list[tuple[int, int, str]] = []
    log = StageLog()

    def both(done, total, stage):
        calls.append((done, total, stage))
        log(done, total, stage)

    rebuild(small_settings, progress=both)
    assert list(log.stages) == list(REBUILD_STAGES)
    assert log.complete(), log.stages
    assert all(done <= total for done, total, _ in calls)
    for stage in REBUILD_STAGES:  # each stage starts at 0 (except the card check, reported once done) and ends at its total
        seen = [(d, t) for d, t, s in calls if s == stage]
        assert seen[-1][0] == seen[-1][1] > 0, (stage, seen)
    assert log.lines()[0] == "检查卡片 4/4 张卡片"

    # one changed card: only its chunks are embedded, and that stage still reaches its total
    path = small_cards / "live-ops" / "fudai-c.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n- 福袋也可以配合切片预告。\n", encoding="utf-8")
    log = StageLog()
    summary = rebuild(small_settings, progress=log)
    assert log.complete() and log.stages["嵌入向量"] == (summary.chunks_embedded, summary.chunks_embedded)
    # nothing changed: the card check only, complete
    log = StageLog()
    assert rebuild(small_settings, progress=log).noop
    assert list(log.stages) == ["检查卡片"] and log.complete()


@pytest.mark.pure
def test_stage_descriptions():
    assert describe("嵌入向量", 5, 5) == "嵌入向量 5/5 个片段"
    assert describe("关键词索引", 1, 1) == "关键词索引 1/1"
    assert describe("嵌入向量", 0, 0) == "嵌入向量：无需处理"
    log = StageLog()
    log(0, 3, "嵌入向量")
    assert not log.complete()
    log(3, 3, "嵌入向量")
    assert log.complete() and log.to_json() == [{"stage": "嵌入向量", "done": 3, "total": 3}]


def test_cli_rebuild_prints_each_stage_at_its_total(small_settings, small_cards):
    proc = run_cli(["rebuild", "--json"], cli_env(small_settings.data_dir, small_cards))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    for stage in REBUILD_STAGES:
        line = next(line for line in lines if line.startswith(stage))
        done, total = line.split()[1].split("/")
        assert done == total, line
    assert proc.stdout.splitlines()[-1].startswith('{"cards_added": 4')
