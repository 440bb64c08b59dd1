"""The stages of a rebuild, as a progress callback names them (in Chinese: maintainers read them).

A rebuild calls ``progress(done, total, stage)``: every stage it runs starts at ``(0, total)`` and ends
at ``(total, total)``, in this order (a stage with nothing to do reports ``(0, 0)`` and counts as done):

    检查卡片 (cards)  ->  嵌入向量 (chunks to embed)  ->  写入向量 (chunks)  ->  关键词索引 (1)
    ->  校验新版本 (1)  ->  切换到新版本 (1)

A no-op rebuild runs the first stage only. :class:`StageLog` remembers the last report of each stage, for
a page or a summary that shows how far each stage got.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

STAGE_CARDS = "检查卡片"
STAGE_EMBED = "嵌入向量"
STAGE_VECTORS = "写入向量"
STAGE_KEYWORD = "关键词索引"
STAGE_VALIDATE = "校验新版本"
STAGE_SWITCH = "切换到新版本"
REBUILD_STAGES = (STAGE_CARDS, STAGE_EMBED, STAGE_VECTORS, STAGE_KEYWORD, STAGE_VALIDATE, STAGE_SWITCH)
UNITS = {STAGE_CARDS: "张卡片", STAGE_EMBED: "个片段", STAGE_VECTORS: "个片段"}


@dataclass
class StageLog:
    """The last ``(done, total)`` of every stage reported, in the order they started; usable as a callback."""

    stages: dict[str, tuple[int, int]] = field(default_factory=dict)

    def __call__(self, done: int, total: int, stage: str) -> None:
        self.stages[stage] = (int(done), int(total))

    def complete(self) -> bool:
        """Every stage that started also reached its total."""
        return all(done >= total for done, total in self.stages.values())

    def lines(self) -> list[str]:
        """``检查卡片 107/107 张卡片``, one line per stage."""
        return [describe(stage, done, total) for stage, (done, total) in self.stages.items()]

    def to_json(self) -> list[dict]:
        return [{"stage": s, "done": d, "total": t} for s, (d, t) in self.stages.items()]


def describe(stage: str, done: int, total: int) -> str:
    """One stage as a maintainer reads it: ``嵌入向量 5/5 个片段``, ``嵌入向量：无需处理``."""
    if total <= 0:
        return f"{stage}：无需处理"
    unit = UNITS.get(stage, "")
    return f"{stage} {done}/{total}{(' ' + unit) if unit else ''}"


@contextmanager
def stage_progress(stream=None) -> Iterator[Callable[[int, int, str], None]]:
    """A rebuild progress callback for a command line: on a terminal one bar per stage that stays on
    screen at its total; otherwise, once the work has completed, one line per stage (``嵌入向量 5/5 个片段``)."""
    stream = stream or sys.stderr
    if stream.isatty():
        from tqdm import tqdm

        bars: dict[str, tqdm] = {}

        def draw(done: int, total: int, stage: str) -> None:
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(total=max(total, 0), desc=stage, unit="", file=stream, leave=True,
                                         bar_format="{desc} {bar} {n_fmt}/{total_fmt}")
            bar.total = max(total, 0)
            bar.n = done
            bar.refresh()
            if done >= total:
                bar.close()

        try:
            yield draw
        finally:
            for bar in bars.values():
                bar.close()
        return
    log = StageLog()
    yield log
    for text in log.lines():  # when the work is done (never between the stages: readers of stderr watch it)
        print(text, file=stream, flush=True)
