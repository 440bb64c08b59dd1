"""Cue lines for the host: the talk-scripts cards' templates (``cue_lines``) filled with this show's
products, prices and times, two or three per block of the run of show.

A line is used only when every placeholder it names can be filled for that block (a line asking for
the stock of a hook is skipped when no stock was given). Lines rotate from round to round so the host
does not say the same sentence every half hour; the category's demo line (``category_profile``) joins
the main pitch.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Mapping, Sequence

from assistant.plan.inputs import PlanInputs, Product
from assistant.plan.loops import Block
from playbook.plan_material import CUE_PLACEHOLDERS

PER_BLOCK = 3
# Which cue blocks feed each part of the run of show, in order of preference.
SOURCES = {"open": ("open",), "hook": ("hook",), "perk": ("perk", "hook"), "bridge": ("bridge",), "main": ("main",),
           "second": ("main",),
           "profit": ("profit",), "image": ("image",), "encore": ("encore",), "close": ("close",)}
FIXED_ORDER = {"open", "close"}
ANNOUNCE = {"hook", "perk", "profit"}


def price_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def names(line: str) -> list[str]:
    return [n for _, n, _, _ in string.Formatter().parse(line) if n]


def fill(line: str, context: Mapping[str, str], keep_missing: bool = False) -> str | None:
    """The line with its placeholders filled; None when one is missing (or 【…】 with ``keep_missing``)."""
    wanted = names(line)
    if not keep_missing and any(n not in context for n in wanted):
        return None
    values = {n: context.get(n, f"【{CUE_PLACEHOLDERS.get(n, n)}】") for n in wanted}
    return line.format(**values)


@dataclass(frozen=True)
class CueBook:
    """The cue templates by block kind (from the cards), and the category's demo line."""

    lines: Mapping[str, tuple[str, ...]]
    demo: str | None = None

    def of(self, kind: str) -> tuple[str, ...]:
        return self.lines.get(kind, ())


def cue_book(materials: Sequence, demo: str | None) -> CueBook:
    lines: dict[str, list[str]] = {}
    for material in materials:
        for cue in material:
            if cue.line not in lines.setdefault(cue.block, []):
                lines[cue.block].append(cue.line)
    return CueBook({k: tuple(v) for k, v in lines.items()}, demo)


def _nice(x: float) -> int:
    """A release size people say: whole tens from 50 up, at least 1."""
    return max(1, int(x // 10 * 10) if x >= 50 else int(x))


def _context(inputs: PlanInputs, products: Mapping[str, Product], block: Block, blocks: Sequence[Block], i: int,
             leads: Sequence[str], images: Sequence[str], releases: Mapping[str, int]) -> dict[str, str]:
    ctx = {"streamer": inputs.streamer, "start": f"{inputs.broadcast_at:%H:%M}", "end": f"{inputs.end_at:%H:%M}"}
    if block.round:
        ctx["n"] = str(block.round)

    def put(key: str, name: str | None) -> None:
        if name and name in products:
            ctx[key] = name
            ctx[f"{key}_price"] = price_text(products[name].price)

    later_hooks = [b for b in blocks[i + 1:] if b.part == "hook"]
    hook_block = block if block.part == "hook" else (later_hooks[0] if block.part == "open" and later_hooks else None)
    if hook_block is not None and hook_block.products:
        put("hook", hook_block.products[0])
        if hook_block.products[0] in releases:
            ctx["hook_stock"] = str(releases[hook_block.products[0]])
    nxt = later_hooks[0] if later_hooks else None
    if nxt is not None:
        ctx["next_time"] = f"{nxt.start:%H:%M}"
    own = [p for p in block.products if p in products]
    lead = next((p for p in own if p in leads), None) if block.part in ("main", "encore", "close") else None
    if block.part == "second" and own:
        lead = own[0]
    put("main", lead or (leads[0] if leads else None))
    if block.part == "bridge" and own:
        put("bridge", own[0])
    if block.part == "profit" and own:
        put("profit", own[0])
    if block.part in ("image", "open") and own and own[0] in images:
        put("image", own[0])
    return ctx


def _pick(candidates: Sequence[str], ctx: Mapping[str, str], start: int, limit: int, templates: bool = False) -> list[str]:
    chosen: list[str] = []
    seen_heads: set[str] = set()
    n = len(candidates)
    for j in range(n):
        line = fill(candidates[(start + j) % n], ctx, keep_missing=templates)
        if line is None:
            continue
        head = line[:10]
        if head in seen_heads:
            continue
        seen_heads.add(head)
        chosen.append(line)
        if len(chosen) == limit:
            break
    return chosen


def block_scripts(inputs: PlanInputs, products: Mapping[str, Product], blocks: Sequence[Block], book: CueBook,
                  leads: Sequence[str], images: Sequence[str]) -> list[tuple[str, ...]]:
    """Two or three cue lines for every block (empty when the handbook has no cue lines)."""
    hook_counts: dict[str, int] = {}
    for b in blocks:
        if b.part == "hook" and b.products:
            hook_counts[b.products[0]] = hook_counts.get(b.products[0], 0) + 1
    releases = {name: _nice(products[name].stock / count) for name, count in hook_counts.items()
                if name in products and products[name].stock}
    templates = not products  # no products yet: the templates with 【】 for the host to fill in
    out = []
    for i, block in enumerate(blocks):
        kind = "perk" if block.part == "hook" and block.perk else block.part
        candidates: list[str] = [line for source in SOURCES.get(kind, ()) for line in book.of(source)]
        if kind == "main" and book.demo:
            candidates = [book.demo] + candidates
        ctx = _context(inputs, products, block, blocks, i, leads, images, releases)
        start = 0 if kind in FIXED_ORDER or (kind == "main" and book.demo) else max(block.round - 1, 0)
        if kind == "main" and book.demo:
            rest = _pick(candidates[1:], ctx, max(block.round - 1, 0), PER_BLOCK - 1, templates)
            first = fill(book.demo, ctx, keep_missing=templates)
            out.append(tuple(([first] if first else []) + rest))
        elif kind in ANNOUNCE and any("{next_time}" in c for c in candidates) and "next_time" in ctx:
            # A hook or profit part always ends by saying when the next round's perk comes.
            plain = [c for c in candidates if "{next_time}" not in c]
            nxt = [c for c in candidates if "{next_time}" in c]
            out.append(tuple(_pick(plain, ctx, start, PER_BLOCK - 1, templates) + _pick(nxt, ctx, start, 1, templates)))
        else:
            out.append(tuple(_pick(candidates, ctx, start, PER_BLOCK, templates)))
    return out


def surge_cue(book: CueBook, inputs: PlanInputs, products: Mapping[str, Product], leads: Sequence[str]) -> str | None:
    """The line for viewers pouring in (the time of the next round left for the host to fill in)."""
    lines = book.of("surge")
    if not lines or not leads:
        return None
    ctx = {"streamer": inputs.streamer, "main": leads[0], "main_price": price_text(products[leads[0]].price)}
    return fill(lines[0], ctx, keep_missing=True)
