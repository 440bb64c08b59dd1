"""Where the show is in its run of show at a given moment: the 主播屏 (cue card) on a second screen.

Works on the plan JSON (a saved plan or a fresh one): the blocks are laid on the timeline from
``inputs.broadcast_at``, across midnight too. Before the start the first block is "next"; after the
end there is none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class CuePosition:
    current: Mapping[str, Any] | None
    next: Mapping[str, Any] | None
    index: int                    # of the current block, -1 before the start or after the end
    minutes_left: int             # in the current block (or until the start)
    started: bool
    ended: bool


def _timeline(plan: Mapping[str, Any]) -> list[tuple[dt.datetime, dt.datetime, Mapping[str, Any]]]:
    start = dt.datetime.fromisoformat(str(plan["inputs"]["broadcast_at"]))
    out, at = [], start
    for block in plan.get("run_of_show") or []:
        minutes = int(block.get("minutes") or 0)
        if not minutes:
            h1, m1 = map(int, block["start"].split(":"))
            h2, m2 = map(int, block["end"].split(":"))
            minutes = ((h2 * 60 + m2) - (h1 * 60 + m1)) % 1440 or 1440
        out.append((at, at + dt.timedelta(minutes=minutes), block))
        at += dt.timedelta(minutes=minutes)
    return out


def cue_position(plan: Mapping[str, Any], now: dt.datetime) -> CuePosition:
    timeline = _timeline(plan)
    if not timeline:
        return CuePosition(None, None, -1, 0, False, True)
    if now < timeline[0][0]:
        left = int((timeline[0][0] - now).total_seconds() // 60)
        return CuePosition(None, timeline[0][2], -1, left, False, False)
    for i, (lo, hi, block) in enumerate(timeline):
        if lo <= now < hi:
            nxt = timeline[i + 1][2] if i + 1 < len(timeline) else None
            left = max(1, int((hi - now).total_seconds() // 60 + (1 if (hi - now).total_seconds() % 60 else 0)))
            return CuePosition(block, nxt, i, left, True, False)
    return CuePosition(None, None, -1, 0, True, True)
