"""Findings tied to a time in the show: viewer drops, spend kept up while viewers fell, weak stretches.

Noise rules:
- ``WARMUP_MINUTES``: the first minutes fill the room; stretch and spend rules start after them.
- ``CLOSING_MINUTES``: a drop whose low point is in the last minutes is the show's goodbye.
- online_drop: a fall of at least the benchmark's ``concern`` (fraction) from the highest online of
  the previous ``window_minutes`` (benchmark; default 10; rows coarser than that compare with the
  previous row), from at least ``MIN_ONLINE`` viewers and
  by at least ``MIN_FALL`` viewers. Falls within one window are one event; at most 3 events. High
  when the fall is ``FAR``-past the line (e.g. 50 % for a 30 % line).
- Stretches: the show is cut into windows of ``WINDOW_MINUTES``; consecutive windows past the
  handbook line form a stretch that counts only with ``MIN_STRETCH_MINUTES`` and
  ``MIN_STRETCH_ENTRIES`` entries (so a 2-minute 憋单 or a thin patch is not a finding). With a
  plan, blocks whose role is ``image`` (形象款, shown more than sold) are left out for conversion.
- Spend kept up while viewers fell: 15-minute windows whose average online is ``SPEND_FALL`` below
  the best earlier window while the spend per minute stays at ``SPEND_KEPT`` of that window's, for
  ``MIN_SPEND_MINUTES`` (windows tried at every phase, the worst stretch kept); high when the stretch's ROI is under the line (concern × break-even),
  medium when it is under 70 % of the rest of the show's ROI, nothing if the money still paid as before.
"""

from __future__ import annotations

import statistics
from datetime import timedelta
from typing import Sequence

from assistant.review.findings import MIN_SPEND, Finding, ReviewContext, past_far
from assistant.review.fmt import by_unit, count, pct
from assistant.review.metrics import stretch_totals
from assistant.review.models import Interval, span
from assistant.review.benchmarks import totals_key

WARMUP_MINUTES = 10
CLOSING_MINUTES = 10
MIN_ONLINE, MIN_FALL = 30, 20
MAX_DROPS = 3
WINDOW_MINUTES = 10
MIN_STRETCH_MINUTES = 20
MIN_STRETCH_ENTRIES = 300
SPEND_WINDOW = 15
SPEND_FALL, SPEND_KEPT, MIN_SPEND_MINUTES = 0.30, 0.8, 30
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
STRETCH_SHARE = 0.6   # a weak stretch covering more of the show than this is "the whole show"


def windows(intervals: Sequence[Interval], minutes: float) -> list[list[Interval]]:
    """Consecutive intervals grouped into windows of at least ``minutes``; a short tail joins the last."""
    out: list[list[Interval]] = []
    current: list[Interval] = []
    for i in intervals:
        current.append(i)
        if sum(x.minutes for x in current) >= minutes:
            out.append(current)
            current = []
    if current:
        if out and sum(x.minutes for x in current) < minutes / 2:
            out[-1].extend(current)
        else:
            out.append(current)
    return out


def _after_warmup(ctx: ReviewContext) -> list[Interval]:
    start = ctx.intervals[0].start + timedelta(minutes=WARMUP_MINUTES)
    return [i for i in ctx.intervals if i.start >= start]


def _block_note(ctx: ReviewContext, at) -> str:
    for block, start, end in ctx.timeline or ():
        if start <= at < end:
            return f"，当时在「{block.segment}」段" + (f"（{'、'.join(block.products)}）" if block.products else "")
    return ""


def online_drops(ctx: ReviewContext) -> list[Finding]:
    bench = ctx.benchmarks.get("online_drop")
    if bench is None or len(ctx.intervals) < 2:
        return []
    line_minutes = bench.window_minutes or 10
    step = statistics.median(i.minutes for i in ctx.intervals)
    window = timedelta(minutes=max(line_minutes, step))  # rows coarser than the window: compare adjacent rows
    closing = ctx.intervals[-1].end - timedelta(minutes=CLOSING_MINUTES)
    events: list[tuple[float, Interval, Interval]] = []     # (fall, peak, trough)
    last_trough = None
    lo = 0
    for i, now in enumerate(ctx.intervals):
        if now.start >= closing:
            break
        while lo < i and now.start - ctx.intervals[lo].start > window:
            lo += 1
        earlier = ctx.intervals[lo:i]
        if not earlier:
            continue
        peak = max(earlier, key=lambda j: j.online)
        fall = (peak.online - now.online) / peak.online if peak.online else 0.0
        if peak.online < MIN_ONLINE or peak.online - now.online < MIN_FALL or fall < bench.concern:
            continue
        if events and last_trough is not None and now.start - last_trough.start <= window:
            if fall > events[-1][0]:
                events[-1] = (fall, peak, now)
        else:
            events.append((fall, peak, now))
        last_trough = now
    start = ctx.intervals[0].start
    found = []
    for fall, peak, trough in sorted(events, key=lambda e: -e[0])[:MAX_DROPS]:
        minutes = (trough.start - peak.start).total_seconds() / 60
        found.append(Finding(
            metric="online_drop", severity="high" if past_far(bench, fall) else "medium", value=round(fall, 4),
            benchmark=f"经验线：{line_minutes} 分钟内下跌不超过 {pct(bench.concern)}"
            + (f"（数据每 {step:g} 分钟一行，按相邻两行比）" if step > line_minutes else ""),
            advice=bench.action, sources=bench.cards, when=span(peak.start, trough.start), name=bench.name,
            detail=f"在线从 {count(peak.online)} 跌到 {count(trough.online)}（{minutes:g} 分钟内）" + _block_note(ctx, peak.start),
            sort_at=(peak.start - start).total_seconds() / 60,
        ))
    return found


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    runs, begin = [], None
    for k, flag in enumerate(list(flags) + [False]):
        if flag and begin is None:
            begin = k
        elif not flag and begin is not None:
            runs.append((begin, k))
            begin = None
    return runs


def localized(ctx: ReviewContext, metric: str, whole_show_weak: bool) -> Finding | None:
    """The weakest stretch of a rate (conversion, stay) past the handbook line; see the module rules."""
    bench = ctx.benchmarks.get(metric)
    key = totals_key(metric)
    if bench is None:
        return None
    usable = [i for i in _after_warmup(ctx) if metric != "avg_stay" or i.avg_stay_seconds is not None]
    if metric == "conversion_rate":  # an image item (形象款) is shown, not sold: its block is not a weak stretch
        image = [(start, end) for block, start, end in ctx.timeline or () if block.role == "image"]
        usable = [i for i in usable if not any(a <= i.start < b for a, b in image)]
    groups = windows(usable, WINDOW_MINUTES)
    values = [stretch_totals(g).get(key) for g in groups]
    best = None
    for a, b in _runs([v is not None and bench.weak(v) for v in values]):
        flat = [i for g in groups[a:b] for i in g]
        agg = stretch_totals(flat)
        value, minutes = agg.get(key), agg["minutes"]
        if value is None or minutes < MIN_STRETCH_MINUTES or agg["entries"] < MIN_STRETCH_ENTRIES or not bench.weak(value):
            continue
        badness = minutes * abs(bench.concern - value) / (bench.concern or 1)
        if best is None or badness > best[0]:
            best = (badness, flat, agg)
    if best is None:
        return None
    _, flat, agg = best
    show_minutes = sum(i.minutes for i in ctx.intervals)
    if whole_show_weak and agg["minutes"] >= STRETCH_SHARE * show_minutes:
        return None  # the whole show was weak: the show-level finding stands, without a time
    taken = {id(i) for i in flat}
    rest = [i for i in usable if id(i) not in taken]
    rest_value = stretch_totals(rest).get(key) if rest else None
    value = float(agg[key])
    detail = f"这 {agg['minutes']:g} 分钟 {by_unit(value, bench.unit)}" + (f"，其余时段 {by_unit(rest_value, bench.unit)}" if rest_value is not None else "")
    return Finding(
        metric=metric, severity="medium" if past_far(bench, value) else "low", value=value,
        benchmark=bench.line_text() + f"；整场 {by_unit(ctx.totals.get(key), bench.unit)}",
        advice=bench.action, sources=bench.cards, when=span(flat[0].start, flat[-1].end), name=bench.name,
        detail=detail + _block_note(ctx, flat[0].start), sort_at=(flat[0].start - ctx.intervals[0].start).total_seconds() / 60,
    )


def ad_spend_while_falling(ctx: ReviewContext) -> Finding | None:
    bench = ctx.benchmarks.get("ad_roi")
    if bench is None or ctx.break_even is None or (ctx.totals.get("ad_spend") or 0) < MIN_SPEND:
        return None
    usable = [i for i in _after_warmup(ctx) if i.ad_spend is not None]
    found = []
    for shift in range(len(usable)):  # every phase of the windows, so a stretch is not missed by where they start
        if sum(i.minutes for i in usable[:shift]) >= SPEND_WINDOW:
            break
        finding = _spend_falling(ctx, bench, usable, usable[shift:])
        if finding is not None:
            found.append(finding)
    return min(found, key=lambda f: (SEVERITY_RANK[f.severity], f.value), default=None)


def _spend_falling(ctx: ReviewContext, bench, usable: list[Interval], phased: list[Interval]) -> Finding | None:
    groups = windows(phased, SPEND_WINDOW)
    stats = [stretch_totals(g) for g in groups]
    rates = [s["ad_spend"] / s["minutes"] for s in stats]
    flags = []
    for k, s in enumerate(stats):
        before = [m for m in range(k) if rates[m] > 0]
        if not before:
            flags.append(False)
            continue
        peak = max(before, key=lambda m: stats[m]["avg_online"])
        flags.append(s["avg_online"] <= (1 - SPEND_FALL) * stats[peak]["avg_online"] and rates[k] >= SPEND_KEPT * rates[peak])
    line = bench.concern * ctx.break_even.roi
    worst = None
    for a, b in _runs(flags):
        flat = [i for g in groups[a:b] for i in g]
        agg = stretch_totals(flat)
        if agg["minutes"] < MIN_SPEND_MINUTES or (agg.get("ad_spend") or 0) < MIN_SPEND:
            continue
        taken = {id(i) for i in flat}
        rest = [i for i in usable if id(i) not in taken]
        rest_agg = stretch_totals(rest) if rest else {}
        roi, rest_roi = agg.get("ad_roi") or 0.0, rest_agg.get("ad_roi")
        if roi < line:
            severity = "high"
        elif rest_roi and roi < 0.7 * rest_roi:
            severity = "medium"
        else:
            continue
        before = [m for m in range(a) if rates[m] > 0]
        peak = stats[max(before, key=lambda m: stats[m]["avg_online"])]
        if worst is None or roi < worst.value:
            worst = Finding(
                metric="ad_roi", severity=severity, value=float(roi),
                benchmark=f"回本 ROI {ctx.break_even.roi:.2f}（{ctx.break_even.basis}）；{bench.line_text(line)}"
                + (f"；其余时段 ROI {rest_roi:.2f}" if rest_roi else ""),
                advice=bench.action, sources=bench.cards, when=span(flat[0].start, flat[-1].end), name=f"{bench.name}（人少了投流没减）",
                detail=f"平均在线从 {count(peak['avg_online'])} 降到 {count(agg['avg_online'])}，投流每分钟 "
                f"{peak['ad_spend'] / peak['minutes']:.0f} 元 → {agg['ad_spend'] / agg['minutes']:.0f} 元没有减",
                sort_at=(flat[0].start - ctx.intervals[0].start).total_seconds() / 60,
            )
    return worst
