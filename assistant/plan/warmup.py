"""Warm-up schedule: the handbook's steps counted back from the show, as timed items and day notes.

The variant is chosen from the inputs - ``big`` for a big-event show, ``daily`` for an account that
streams every day (the default for the other stages), ``regular`` otherwise - and steps and items meant
for other stages are left out. Tasks carry their time in their text (see
``playbook.plan_material.checks.task_timing``): a clock time, a lead before going live on the show day,
"开播后…" (belongs to the show: listed, not scheduled) or "上一场下播前…" the day before (ten minutes
before the previous show in the same slot ends); a task without a time goes to the morning of its day
(90 minutes before going live on the show day). Advice is kept as notes, never scheduled. At most
``MAX_AT_ONCE`` items share a minute; the rest move on by ``SPREAD`` minutes. Every item is before the start.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Sequence

from playbook.plan_material.checks import TASK_BEFORE, task_timing

from assistant.plan.inputs import PlanInputs

MAX_AT_ONCE = 2
SPREAD = 30
SHOW_DAY_VIDEO_LEAD = 120      # minutes before the start: the last warm-up video of the show day
SHOW_DAY_VIDEO_GAP = 180       # minutes between warm-up videos on the show day
DEFAULT_VIDEO_TIMES = {1: ["18:00"], 2: ["12:00", "19:00"], 3: ["10:00", "16:00", "21:00"]}
PREVIOUS_SHOW_LEAD = 10        # "上一场下播前": minutes before the previous show's end
SHOW_DAY_TASK_LEAD = 90        # a show-day task without a time: this long before going live
DAY_TASK_TIME = dt.time(10, 0)  # a task without a time on an earlier day
PAID_WORDS = ("投放", "投流", "加热")
_CN = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class TimedItem:
    at: dt.datetime
    text: str
    kind: str       # video | task | booking
    order: int


@dataclass(frozen=True)
class Warmup:
    variant: str                                   # big | daily | regular
    items: tuple[TimedItem, ...]
    notes: dict                                    # date -> (note, ...)
    live: tuple[str, ...]                          # tasks that belong to the show itself


def variant_of(inputs: PlanInputs) -> str:
    if inputs.stage == "big-event":
        return "big"
    return "daily" if inputs.daily else "regular"


def _cn_number(raw: str) -> float:
    if raw == "半":
        return 0.5
    if raw.isdigit():
        return float(raw)
    if raw.startswith("十"):
        return 10 + _CN.get(raw[1:], 0)
    if "十" in raw:
        tens, _, ones = raw.partition("十")
        return _CN.get(tens, 1) * 10 + _CN.get(ones, 0)
    return float(_CN.get(raw, 0))


def lead_minutes(task: str) -> int:
    """Minutes before the start named in a task ("开播前约一小时" → 60)."""
    match = TASK_BEFORE.search(task)
    if not match:
        return 0
    half = 0.5 if re.search(r"个?\s*半\s*(小时|钟头)", match.group(0)) and match.group(1) != "半" else 0.0
    value = _cn_number(match.group(1)) + half
    return round(value * 60) if match.group(2) in ("小时", "钟头") else round(value)


def _kind(text: str) -> str:
    return "booking" if "预告" in text or "预约" in text else "task"


def warmup_items(inputs: PlanInputs, steps: Sequence, has_budget: bool) -> Warmup:
    start, show_day = inputs.broadcast_at, inputs.broadcast_at.date()
    variant = variant_of(inputs)
    items: list[TimedItem] = []
    notes: dict[dt.date, list[str]] = {}
    live: list[str] = []
    order = 0
    chosen = [s for s in steps if variant in s.variants and (s.stages is None or inputs.stage in s.stages)]
    for step in sorted(chosen, key=lambda s: -s.days_before):
        day = show_day - dt.timedelta(days=step.days_before)
        types = list(step.video_types) or ["预热视频"]
        if step.days_before == 0:
            times = [start - dt.timedelta(minutes=SHOW_DAY_VIDEO_LEAD + SHOW_DAY_VIDEO_GAP * (step.videos - 1 - j))
                     for j in range(step.videos)]
        else:
            clock = list(step.video_times) or DEFAULT_VIDEO_TIMES.get(step.videos) or [
                f"{9 + (12 * j) // max(step.videos - 1, 1):02d}:00" for j in range(step.videos)]
            times = [dt.datetime.combine(day, dt.time.fromisoformat(t)) for t in clock]
        for j, when in enumerate(times):
            order += 1
            items.append(TimedItem(when, f"发布预热视频：{types[j % len(types)]}", "video", order))
        for task in step.tasks:
            if not has_budget and any(w in task for w in PAID_WORDS):
                continue
            order += 1
            timing = task_timing(task, step.days_before)
            if timing == "after":
                live.append(task)
                continue
            if timing == "clock":
                clock_text, _, rest = task.partition(" ")
                when = dt.datetime.combine(day, dt.time.fromisoformat(clock_text))
                text = rest.strip()
            elif timing == "before":
                when, text = start - dt.timedelta(minutes=lead_minutes(task)), task
            elif timing == "previous":
                when = start - dt.timedelta(days=1) + dt.timedelta(minutes=inputs.minutes - PREVIOUS_SHOW_LEAD)
                text = task
            elif step.days_before == 0:   # a show-day task without a time: before going live
                when, text = start - dt.timedelta(minutes=SHOW_DAY_TASK_LEAD), task
            else:                         # a day's task without a time: the morning (spread if taken)
                when, text = dt.datetime.combine(day, DAY_TASK_TIME), task
            items.append(TimedItem(when, text, _kind(text), order))
        if step.notes:
            notes.setdefault(day, []).extend(n for n in step.notes if n not in notes.get(day, []))
    if not any(i.kind == "booking" for i in items):
        first = min((i.at.date() for i in items), default=show_day - dt.timedelta(days=1))
        when = min(dt.datetime.combine(first, dt.time(10, 0)), start - dt.timedelta(minutes=SHOW_DAY_VIDEO_LEAD))
        items.append(TimedItem(when, "发布直播预告并开启预约，让粉丝收到开播提醒", "booking", 0))
    return Warmup(variant, tuple(_spread(items, start)), {d: tuple(v) for d, v in notes.items()}, tuple(live))


def _spread(items: list[TimedItem], start: dt.datetime) -> list[TimedItem]:
    """Items in time order, strictly before the start, at most MAX_AT_ONCE per minute, no repeated text on a day."""
    kept: list[TimedItem] = []
    seen: set[tuple[dt.date, str]] = set()
    taken: dict[dt.datetime, int] = {}
    for item in sorted(items, key=lambda i: (i.at, i.order)):
        at = min(item.at, start - dt.timedelta(minutes=5))
        key = (at.date(), item.text)
        if key in seen and item.kind != "video":
            continue
        seen.add(key)
        step = dt.timedelta(minutes=SPREAD)
        while taken.get(at, 0) >= MAX_AT_ONCE:
            if step > dt.timedelta(0) and at + step >= start - dt.timedelta(minutes=4):
                step = -step          # no room before the start: spread backwards from here on
            at += step
        taken[at] = taken.get(at, 0) + 1
        kept.append(TimedItem(at, item.text, item.kind, item.order))
    return sorted(kept, key=lambda i: (i.at, i.order))
