"""Computed times: the run of show (blocks tiling the broadcast exactly) and warm-up event times."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from assistant.types import ShowBlock

# Fallback when no card offers show blocks: one block, so the show is still covered exactly.
FALLBACK_TEMPLATE = {"max_hours": 24, "blocks": [{"segment": "直播（手册中暂无流程模板）", "share": 1.0, "role": "main"}]}


def hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def choose_template(templates: list[dict], hours: float) -> dict:
    """The first template whose ``max_hours`` fits the show; the longest one when none fits."""
    for template in templates:
        if hours <= template["max_hours"] + 1e-9:
            return template
    return max(templates, key=lambda t: t["max_hours"]) if templates else FALLBACK_TEMPLATE


def tile_blocks(start: dt.datetime, minutes: int, blocks: list[dict]) -> list[tuple[dt.datetime, dt.datetime, dict]]:
    """Cut ``minutes`` into consecutive whole-minute blocks by share: no gaps, no overlaps, exact end.

    Boundaries are the rounded cumulative shares, so rounding never accumulates; a block that would
    get no minute at all (a tiny share of a short show) is merged into its neighbour.
    """
    total = sum(float(b["share"]) for b in blocks) or 1.0
    bounds = [0]
    acc = 0.0
    for block in blocks[:-1]:
        acc += float(block["share"]) / total
        bounds.append(round(acc * minutes))
    bounds.append(minutes)
    out: list[tuple[dt.datetime, dt.datetime, dict]] = []
    for i, block in enumerate(blocks):
        lo, hi = bounds[i], bounds[i + 1]
        if hi <= lo:
            continue
        out.append((start + dt.timedelta(minutes=lo), start + dt.timedelta(minutes=hi), block))
    if out and out[-1][1] != start + dt.timedelta(minutes=minutes):  # cannot happen; keep the invariant explicit
        first, _, block = out[-1]
        out[-1] = (first, start + dt.timedelta(minutes=minutes), block)
    return out


def show_blocks(start: dt.datetime, minutes: int, template: dict, products_by_role: dict[str, list[str]]) -> list[ShowBlock]:
    """The run of show with products placed by role (see ``place_products``)."""
    tiles = tile_blocks(start, minutes, template["blocks"])
    placed = place_products([t[2]["role"] for t in tiles], products_by_role)
    day0 = start.date()
    return [
        ShowBlock(
            start=hhmm(lo), end=hhmm(hi), segment=block["segment"], products=tuple(placed[i]), role=block["role"],
            minutes=int((hi - lo).total_seconds() // 60), day=(lo.date() - day0).days,
        )
        for i, (lo, hi, block) in enumerate(tiles)
    ]


# Where each product role is sold, in order of preference, when the template has no block of its own.
ROLE_BLOCKS = {
    "hook": ("hook", "open", "main"),
    "perk": ("hook", "loop", "main"),
    "main": ("main", "profit", "hook"),
    "profit": ("profit", "main", "image"),
    "image": ("image", "profit", "main"),
}


def place_products(block_roles: list[str], products_by_role: dict[str, list[str]]) -> list[list[str]]:
    """Products per block. A role's products go to the blocks of the matching role (round one gets the
    first of them, later rounds the next; when there are fewer products than blocks, every block of
    that role shows all of them, e.g. a hook repeated mid-show or a 返场). A role without its own block
    goes to the next best block role, and as a last resort to the longest-running product block, so
    every product appears somewhere."""
    placed: list[list[str]] = [[] for _ in block_roles]
    for role, names in products_by_role.items():
        if not names:
            continue
        targets: list[int] = []
        for want in ROLE_BLOCKS.get(role, (role,)):
            targets = [i for i, r in enumerate(block_roles) if r == want]
            if targets:
                break
        if not targets:
            targets = [i for i, r in enumerate(block_roles) if r not in ("open", "close")] or list(range(len(block_roles)))
        if len(names) <= len(targets):
            for i in targets:
                placed[i].extend(names)
        else:
            size, extra = divmod(len(names), len(targets))
            pos = 0
            for j, i in enumerate(targets):
                take = size + (1 if j < extra else 0)
                placed[i].extend(names[pos : pos + take])
                pos += take
    # A selling block left empty (e.g. no product fell in the 主推 price band) shows the products of
    # the nearest role instead of standing empty.
    for i, role in enumerate(block_roles):
        if placed[i] or role not in FILL_FROM:
            continue
        for other in FILL_FROM[role]:
            if products_by_role.get(other):
                placed[i].extend(products_by_role[other])
                break
    return placed


FILL_FROM = {"main": ("profit", "perk", "image", "hook"), "profit": ("main", "image", "perk"), "image": ("profit", "main")}


# ---------------------------------------------------------------------------------------------
# Warm-up times.

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_BEFORE = re.compile(r"开播前\s*约?\s*(半|[0-9]+|[一二两三四五六七八九十]+)\s*个?\s*(半)?\s*(小时|钟头|分钟|分)")
_AFTER_START = re.compile(r"开播后|开播时|开播中|下播|直播中|直播时")
DAY_VIDEO_TIMES = {1: ["18:00"], 2: ["12:00", "19:00"], 3: ["10:00", "16:00", "21:00"]}
DAY_TASK_TIME = "10:00"
SHOW_DAY_VIDEO_LEAD = 120      # minutes before the start: the last warm-up video of the broadcast day
SHOW_DAY_VIDEO_GAP = 180       # minutes between warm-up videos on the broadcast day
SHOW_DAY_TASK_LEAD = 90        # minutes before the start for a broadcast-day task without a time


def _cn_number(raw: str) -> float:
    if raw == "半":
        return 0.5
    if raw.isdigit():
        return float(raw)
    if raw == "十":
        return 10
    if raw.startswith("十"):
        return 10 + _CN_DIGITS.get(raw[1:], 0)
    if "十" in raw:
        tens, _, ones = raw.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return float(_CN_DIGITS.get(raw, 0))


def lead_minutes(task: str) -> int | None:
    """Minutes before the start named in a task ("开播前约一小时" → 60), None when it names none."""
    match = _BEFORE.search(task)
    if not match:
        return None
    value = _cn_number(match.group(1)) + (0.5 if match.group(2) else 0)
    unit = match.group(3)
    return round(value * 60) if unit in ("小时", "钟头") else round(value)


def happens_after_start(task: str) -> bool:
    return bool(_AFTER_START.search(task)) and not _BEFORE.search(task) and "开播前" not in task


def video_times(day: dt.date, count: int) -> list[dt.datetime]:
    times = DAY_VIDEO_TIMES.get(count)
    if times is None:
        span = 12 * 60 // max(count - 1, 1)
        times = [f"{(9 * 60 + i * span) // 60:02d}:{(9 * 60 + i * span) % 60:02d}" for i in range(count)]
    return [dt.datetime.combine(day, dt.time.fromisoformat(t)) for t in times]


@dataclass(frozen=True)
class TimedItem:
    at: dt.datetime
    text: str
    kind: str       # video | task | booking
    order: int
