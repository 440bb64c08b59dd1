"""What happened in each run-of-show block against the plan's targets.

Targets: the plan JSON carries no per-block target, so the plan's ``target_gmv`` is spread over the
blocks in proportion to minutes × the mean price of the block's products (GMV = orders × price: a
block of 9.9-yuan hook items is not expected to earn what a block of 399-yuan coats does); when the
plan gives no prices, in proportion to minutes. The report says which split was used. A block's online change is (online at its end − online at its start) ÷ online at its
start, where "at its end" is the first row at or after the block's end (else its last row). The
``target_gap`` finding compares the GMV with the target of the blocks the data covers: 10 % short →
low, 20 % → medium, 40 % → high; it names the block furthest behind and the one that lost the room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from assistant.review.findings import Finding
from assistant.review.fmt import count, pct, signed_pct, yuan
from assistant.review.metrics import ratio
from assistant.review.models import Interval, PlanBlock, PlanInfo, span
from assistant.review.plan_file import align_blocks

GAP_LOW, GAP_MEDIUM, GAP_HIGH = 0.10, 0.20, 0.40
LOST_ROOM = -0.20       # a block whose online fell this much "lost the room"


@dataclass(frozen=True)
class Segment:
    start: str
    end: str
    segment: str
    online_change: float | None
    gmv: float
    orders: float
    entries: float
    online_start: float | None
    online_end: float | None
    target_gmv: float | None
    products: tuple[str, ...] = ()
    covered: bool = True

    def to_json(self) -> dict:
        return {
            "start": self.start, "end": self.end, "segment": self.segment,
            "online_change": None if self.online_change is None else round(self.online_change, 4),
            "gmv": round(self.gmv, 2), "orders": self.orders, "entries": self.entries,
            "online_start": self.online_start, "online_end": self.online_end,
            "target_gmv": None if self.target_gmv is None else round(self.target_gmv, 2),
            "products": list(self.products), "covered": self.covered,
        }


@dataclass(frozen=True)
class PlanComparison:
    segments: tuple[Segment, ...]
    timeline: tuple[tuple[PlanBlock, datetime, datetime], ...]
    product_when: dict[str, str]
    target_gap: Finding | None = None

    @property
    def lost_room(self) -> Segment | None:
        """The block whose online fell most (past ``LOST_ROOM``), if any."""
        falls = [s for s in self.segments if s.online_change is not None and s.online_change <= LOST_ROOM]
        return min(falls, key=lambda s: s.online_change, default=None)

    @property
    def furthest_behind(self) -> Segment | None:
        behind = [s for s in self.segments if s.covered and s.target_gmv and s.gmv < s.target_gmv]
        return max(behind, key=lambda s: s.target_gmv - s.gmv, default=None)


def target_weights(plan: PlanInfo) -> list[float]:
    """Each block's share of the target: minutes × mean product price when every block's products are priced, else minutes."""
    price = {p.name: p.price for p in plan.products if p.price}
    means = []
    for block in plan.blocks:
        prices = [price[n] for n in block.products if n in price]
        means.append(sum(prices) / len(prices) if prices else None)
    if all(m is not None for m in means):
        return [b.minutes * m for b, m in zip(plan.blocks, means)]
    return [float(b.minutes) for b in plan.blocks]


def split_text(plan: PlanInfo) -> str:
    weights = target_weights(plan)
    return "按各段分钟数分摊" if weights == [float(b.minutes) for b in plan.blocks] else "按各段分钟数 × 商品均价分摊"


def compare_plan(intervals: Sequence[Interval], plan: PlanInfo, sources: Sequence[str] = ()) -> PlanComparison:
    """Per-block results and the target_gap finding (cited to ``sources``; no finding without one)."""
    timeline = tuple(align_blocks(plan, intervals[0].start))
    weights = target_weights(plan)
    total_weight = sum(weights)
    segments = []
    for (block, start, end), weight in zip(timeline, weights):
        inside = [i for i in intervals if start <= i.start < end]
        after = next((i for i in intervals if i.start >= end), None)
        online_start = inside[0].online if inside else None
        online_end = (after.online if after is not None else inside[-1].online) if inside else None
        target = plan.target_gmv * weight / total_weight if plan.target_gmv else None
        segments.append(Segment(
            start=block.start, end=block.end, segment=block.segment, online_change=ratio((online_end or 0) - (online_start or 0), online_start) if inside else None,
            gmv=sum(i.gmv for i in inside), orders=sum(i.orders for i in inside), entries=sum(i.entries for i in inside),
            online_start=online_start, online_end=online_end, target_gmv=target, products=block.products, covered=bool(inside),
        ))
    product_when: dict[str, str] = {}
    for block, start, end in timeline:
        for name in block.products:
            product_when.setdefault(name, span(start, end))
    comparison = PlanComparison(segments=tuple(segments), timeline=timeline, product_when=product_when)
    gap = _target_gap(comparison, plan, tuple(sources))
    return PlanComparison(segments=comparison.segments, timeline=timeline, product_when=product_when, target_gap=gap)


def _target_gap(comparison: PlanComparison, plan: PlanInfo, sources: tuple[str, ...]) -> Finding | None:
    covered = [s for s in comparison.segments if s.covered]
    if not plan.target_gmv or not covered or not sources:
        return None
    target = sum(s.target_gmv for s in covered)
    actual = sum(s.gmv for s in covered)
    done = actual / target
    gap = 1 - done
    if gap < GAP_LOW:
        return None
    severity = "high" if gap >= GAP_HIGH else "medium" if gap >= GAP_MEDIUM else "low"
    partial = len(covered) < len(comparison.segments)
    behind, lost = comparison.furthest_behind, comparison.lost_room
    advice = "对照下面的分段表，先补差距最大的时段"
    when = None
    if lost is not None:
        when = f"{lost.start}-{lost.end}"
        advice = f"先解决「{lost.segment}」段掉人（{signed_pct(lost.online_change)}）：这一段之后的成交都跟着掉，下一场在这里提前排福利款和互动"
    elif behind is not None:
        when = f"{behind.start}-{behind.end}"
        advice = f"先补「{behind.segment}」这一段（目标 {yuan(behind.target_gmv)}，实际 {yuan(behind.gmv)}）：换这段主推款的讲法和逼单节奏"
    detail = f"方案目标 {yuan(target)}，实际 {yuan(actual)}，完成 {pct(done)}"
    if behind is not None:
        detail += f"；落后最多的是「{behind.segment}」{behind.start}-{behind.end}（目标 {yuan(behind.target_gmv)}，实际 {yuan(behind.gmv)}）"
    if lost is not None:
        detail += f"；在线掉得最多的是「{lost.segment}」{lost.start}-{lost.end}（{signed_pct(lost.online_change)}，{count(lost.online_start)} → {count(lost.online_end)}）"
    return Finding(
        metric="target_gap", severity=severity, value=round(done, 4),
        benchmark=f"方案目标 {yuan(target)}" + ("（只算有数据的时段）" if partial else "") + f"，{split_text(plan)}",
        advice=advice, sources=sources, when=when, name="目标完成率", detail=detail, sort_at=-2,
    )
