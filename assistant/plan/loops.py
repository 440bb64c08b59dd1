"""The run of show as loops: an opening, rounds of 20–40 minutes (hook or perk → 承接 → 主推 → 利润, the
giveaway running with the main pitch), image moments, an encore and the close, tiling the show exactly.

The template (``show_blocks``) gives the parts, their shares and the round length range; the number of
rounds is chosen so each round stays in that range, which keeps hooks coming back at least every
``hook_gap_minutes``. Products are placed by role: hooks and perks take turns leading a round (one
product each), the lead main items are in every main part, second main items, 承接 and profit items
rotate through the rounds; every product appears at least once. Times are whole minutes, rounded on
the cumulative timeline so the blocks add up exactly to the show (midnight included).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Sequence

FALLBACK_SEGMENT = "直播（手册中暂无流程模板）"
PART_ROLE = {"open": "open", "hook": "hook", "bridge": "main", "main": "main", "second": "main", "profit": "profit",
             "image": "image", "encore": "main", "close": "close"}


@dataclass(frozen=True)
class Block:
    part: str                   # open | hook | bridge | main | profit | image | encore | close
    segment: str
    products: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime
    round: int = 0             # 1.. for the parts of a round
    perk: bool = False         # a hook part led by a perk item
    highlight: bool = False

    @property
    def role(self) -> str:
        return PART_ROLE[self.part]

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Cast:
    """The products of each role, in priority order."""

    hooks: tuple[str, ...] = ()
    perks: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    seconds: tuple[str, ...] = ()
    bridges: tuple[str, ...] = ()
    profits: tuple[str, ...] = ()
    images: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not any((self.hooks, self.perks, self.leads, self.seconds, self.bridges, self.profits, self.images))

    def all(self) -> list[str]:
        return [*self.hooks, *self.perks, *self.leads, *self.seconds, *self.bridges, *self.profits, *self.images]


def choose_template(templates: Sequence, hours: float):
    """The first template (by ``max_hours``) that fits the show; the longest one when none fits."""
    ordered = sorted(templates, key=lambda t: t.max_hours)
    return next((t for t in ordered if hours <= t.max_hours + 1e-9), ordered[-1] if ordered else None)


def _fixed_minutes(part, total: int) -> float:
    lo, hi = part.minutes or (1, total)
    return float(min(max(round((part.share or 0) * total), lo), hi))


def _rotate(items: Sequence[str], start: int, size: int) -> tuple[str, ...]:
    if not items or size <= 0:
        return ()
    size = min(size, len(items))
    return tuple(items[(start + j) % len(items)] for j in range(size))


def _round_parts(template, cast: Cast) -> list[tuple[object, str, float]]:
    """(template part, part kind, share of a round) for the parts this lineup fills."""
    parts = []
    for b in template.blocks:
        if b.part != "round":
            continue
        kind = b.sub or ("hook" if b.role == "hook" else ("profit" if b.role == "profit" else "main"))
        parts.append([b, kind, float(b.share)])
    if not cast.empty:
        has = {"hook": bool(cast.hooks or cast.perks), "bridge": bool(cast.bridges), "profit": bool(cast.profits),
               "second": bool(cast.seconds and cast.leads), "main": True}
        main = next((p for p in parts if p[1] == "main"), None)
        for p in parts:
            if not has[p[1]] and main is not None and p is not main:
                main[2] += p[2]
                p[2] = 0.0
    return [(p[0], p[1], p[2]) for p in parts if p[2] > 0]


def _round_count(loop_total: float, template) -> int:
    lo, hi = template.loop_minutes
    target = (lo + hi) / 2
    n_min = max(1, math.ceil(loop_total / hi - 1e-9))
    n_max = max(1, math.floor(loop_total / lo + 1e-9))
    return max(n_min, min(n_max, max(1, round(loop_total / target))))


def _image_after(n: int, round_len: float, part) -> list[int]:
    """The rounds after which an image moment comes (never after the last round)."""
    if part is None or n < 2:
        return []
    first = min(part.after_round or 1, n - 1)
    step = max(1, math.ceil((part.every_minutes or 10_000) / max(round_len, 1)))
    return list(range(first, n, step))


def plan_loops(start: dt.datetime, total: int, template, cast: Cast) -> list[Block]:
    """The blocks of the show (see the module docstring)."""
    if template is None:
        return [Block("main", FALLBACK_SEGMENT, tuple(cast.all()), start, start + dt.timedelta(minutes=total))]
    by_part = {b.part: b for b in template.blocks if b.part != "round"}
    fixed = {k: _fixed_minutes(by_part[k], total) for k in ("open", "encore", "close") if k in by_part}
    if sum(fixed.values()) > 0.5 * total:
        scale = 0.5 * total / sum(fixed.values())
        fixed = {k: max(1.0, v * scale) for k, v in fixed.items()}
    image = by_part.get("image") if (cast.images or cast.empty) else None
    image_len = sum(image.minutes) / 2 if image is not None and image.minutes else 0.0
    parts = _round_parts(template, cast)
    after: list[int] = []
    for _ in range(3):  # the image moments take minutes from the rounds; two passes settle it
        loop_total = total - sum(fixed.values()) - len(after) * image_len
        n = _round_count(loop_total, template)
        after = _image_after(n, loop_total / n, image)
    loop_total = total - sum(fixed.values()) - len(after) * image_len
    round_len = loop_total / n

    plan: list[tuple[str, str, tuple[str, ...], float, int, bool]] = []   # (part, segment, products, minutes, round, perk)
    if "open" in by_part:
        part = by_part["open"]
        shown = cast.images[:2] if cast.images else cast.leads[:1]
        segment = part.segment if cast.images or cast.empty or not part.alt_segment else part.alt_segment
        plan.append(("open", segment, tuple(shown), fixed["open"], 0, False))
    hook_turn = perk_turn = 0
    image_count = 0
    for k in range(1, n + 1):
        for b, kind, share in parts:
            minutes = round_len * share
            segment, products, perk = b.segment, (), False
            if kind == "hook":
                use_perk = bool(cast.perks) and (not cast.hooks or k % 2 == 0)
                if use_perk:
                    products, perk_turn = _rotate(cast.perks, perk_turn, 1), perk_turn + 1
                    segment, perk = b.alt_segment or b.segment, True
                else:
                    products, hook_turn = _rotate(cast.hooks, hook_turn, 1), hook_turn + 1
            elif kind == "bridge":
                cap = max(1, math.floor(minutes / 4))
                products = _rotate(cast.bridges, (k - 1) * cap, cap)
            elif kind == "profit":
                cap = max(1, round(minutes / 4))
                products = _rotate(cast.profits, (k - 1) * cap, cap)
            elif kind == "second":
                products = _rotate(cast.seconds, k - 1, 1)
            else:
                products = _main_products(cast, k, minutes, separate=any(p[1] == "second" for p in parts))
            plan.append((kind, segment.replace("{n}", str(k)), products, minutes, k, perk))
        if k in after and image is not None:
            again = image_count > 0 and image.alt_segment
            plan.append(("image", image.alt_segment if again else image.segment,
                         _rotate(cast.images, image_count, 2), image_len, 0, False))
            image_count += 1
    if "encore" in by_part:
        plan.append(("encore", by_part["encore"].segment, (cast.leads or cast.seconds or cast.profits)[:2], fixed["encore"], 0, False))
    if "close" in by_part:
        plan.append(("close", by_part["close"].segment, (cast.leads or cast.seconds)[:1], fixed["close"], 0, False))
    plan = _place_missing(plan, cast)
    return _timed(start, total, plan, template)


def _main_products(cast: Cast, k: int, minutes: float, separate: bool) -> tuple[str, ...]:
    leads = cast.leads or cast.seconds[:1] or cast.bridges[:1] or cast.profits[:1] or cast.perks[:1] or cast.hooks[:1]
    if separate:
        return tuple(leads)
    seconds = [s for s in cast.seconds if s not in leads]
    cap = max(1, round(minutes / 5))
    slots = cap - len(leads)
    if slots >= 1:
        return tuple(leads) + _rotate(seconds, (k - 1) * slots, slots)
    if seconds and k % 2 == 1:
        return tuple(leads) + _rotate(seconds, (k - 1) // 2, 1)
    return tuple(leads)


_HOME = {"hooks": ("hook",), "perks": ("hook",), "leads": ("main",), "seconds": ("second", "main"), "bridges": ("bridge", "main"),
         "profits": ("profit", "main"), "images": ("image", "open")}


def _place_missing(plan: list, cast: Cast) -> list:
    """Every product in at least one block: the ones rotation never reached go to their role's parts,
    one product per block, from the last rounds backwards."""
    shown = {p for row in plan for p in row[2]}
    rows = [list(row) for row in plan]
    for group, homes in _HOME.items():
        missing = [p for p in getattr(cast, group) if p not in shown]
        for home in homes:
            targets = [i for i, row in enumerate(rows) if row[0] == home and not (home == "hook" and (group == "perks") != row[5])]
            if not targets:
                targets = [i for i, row in enumerate(rows) if row[0] == home]
            if targets:
                break
        if not targets:
            targets = [i for i, row in enumerate(rows) if row[0] in ("main", "profit", "bridge")] or list(range(len(rows)))
        for j, name in enumerate(missing):
            row = rows[targets[-1 - (j % len(targets))]]
            row[2] = tuple(row[2]) + (name,)
            shown.add(name)
    return [tuple(row) for row in rows]


def _whole_minutes(plan: list, total: int) -> list[int]:
    """Whole minutes per row: fixed rows rounded, each round's length by cumulative rounding and split inside
    the round by the largest remainder, so every round has the same shape; the difference goes to the
    longest main part."""
    out = [0] * len(plan)
    rounds: dict[int, list[int]] = {}
    for i, row in enumerate(plan):
        if row[4]:
            rounds.setdefault(row[4], []).append(i)
        else:
            out[i] = max(0, round(row[3]))
    acc = 0.0
    done = 0
    for k in sorted(rounds):
        rows = rounds[k]
        acc += sum(plan[i][3] for i in rows)
        length = round(acc) - done
        done += length
        raw = [plan[i][3] for i in rows]
        scale = length / (sum(raw) or 1.0)
        parts = [int(x * scale) for x in raw]
        order = sorted(range(len(rows)), key=lambda j: -(raw[j] * scale - parts[j]))
        for j in order[: length - sum(parts)]:
            parts[j] += 1
        for i, m in zip(rows, parts):
            out[i] = m
    diff = total - sum(out)
    mains = [i for i, row in enumerate(plan) if row[0] == "main"] or list(range(len(plan)))
    target = max(mains, key=lambda i: out[i])
    out[target] = max(0, out[target] + diff)
    while sum(out) > total:  # only when the fixed parts alone overrun a tiny show
        i = max(range(len(out)), key=lambda j: out[j])
        out[i] -= 1
    return out


def _timed(start: dt.datetime, total: int, plan: list, template) -> list[Block]:
    """Whole-minute blocks end to end; a block of no minutes hands its products on to the next."""
    lengths = _whole_minutes(plan, total)
    blocks: list[Block] = []
    carry: tuple[str, ...] = ()
    highlight_every = getattr(template, "highlight_every_minutes", None)
    marks = list(range(highlight_every, total, highlight_every)) if highlight_every else []
    lo = 0
    for (part, segment, products, _, rnd, perk), length in zip(plan, lengths):
        hi = lo + length
        products = tuple(dict.fromkeys(carry + tuple(products)))
        if length <= 0:
            carry = products
            continue
        carry = ()
        highlight = False
        if part == "hook" and marks and lo >= marks[0] - 5:
            highlight, marks = True, [m for m in marks if m > lo + 5]
            segment = (template.highlight or "") + segment
        blocks.append(Block(part, segment, products, start + dt.timedelta(minutes=lo), start + dt.timedelta(minutes=hi),
                            rnd, perk, highlight))
        lo = hi
    if carry and blocks:
        last = blocks[-1]
        blocks[-1] = replace(last, products=tuple(dict.fromkeys(last.products + carry)))
    return blocks


def airtime(blocks: Sequence[Block]) -> dict[str, float]:
    """Minutes each product is presented: a block listing n products gives each 1/n of its minutes."""
    out: dict[str, float] = {}
    for b in blocks:
        for name in b.products:
            out[name] = out.get(name, 0.0) + b.minutes / len(b.products)
    return out


def hook_gaps(blocks: Sequence[Block]) -> list[int]:
    """Minutes between the starts of consecutive hook parts (and from the start to the first one)."""
    starts = [b.start for b in blocks if b.part == "hook"]
    if not starts:
        return []
    first = blocks[0].start
    return [int((b - a).total_seconds() // 60) for a, b in zip([first] + starts[:-1], starts)]
