"""The handbook's metric lines (``metric_benchmarks`` plan material) and the account's own baseline.

The lines live in a card's front matter (schema: the team's METRIC_BENCHMARKS note), not in code:
``load_benchmarks(cards)`` reads whichever card carries the block. A room is first compared with
itself: ``account_baseline`` is the median of the account's earlier shows (at least
``MIN_HISTORY`` of them); the handbook line is the fallback and the second opinion.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from assistant.review.errors import BenchmarkError
from assistant.review.fmt import by_unit

METRIC_IDS = ("online_drop", "avg_stay", "entry_rate", "conversion_rate", "uv_value", "follow_rate",
              "interaction_rate", "ad_roi", "product_conversion", "refund_rate", "gpm")
UNITS = ("ratio", "seconds", "yuan", "multiple")
TOTALS_KEY = {"avg_stay": "avg_stay_seconds"}      # metric id -> key in the review's totals (else the same)
MIN_HISTORY = 3                                    # earlier shows needed before the account's median counts
BLOCK_KEY = "metric_benchmarks"


@dataclass(frozen=True)
class Benchmark:
    metric: str
    name: str
    unit: str
    better: str                 # higher | lower
    concern: float
    action: str
    cards: tuple[str, ...]
    depends: str = ""
    good: float | None = None
    window_minutes: int | None = None
    break_even: float | None = None   # optional: a default break-even ROI when no cost is known
    card: str = ""                    # id of the card that holds the block

    def weak(self, value: float, line: float | None = None) -> bool:
        """True when ``value`` is past the concern line (or the given line, e.g. concern × break-even)."""
        line = self.concern if line is None else line
        return value < line if self.better == "higher" else value > line

    def line_text(self, line: float | None = None) -> str:
        """The handbook line in words, e.g. "经验线 ≥45 秒（≥120 秒为好）"."""
        sign = "≥" if self.better == "higher" else "≤"
        unit = "multiple" if self.unit == "multiple" else self.unit
        text = f"经验线 {sign}{by_unit(self.concern if line is None else line, unit)}"
        if self.good is not None and line is None:
            text += f"（{sign}{by_unit(self.good, unit)}为好）"
        return text


@dataclass(frozen=True)
class BenchmarkSet:
    items: Mapping[str, Benchmark]

    def get(self, metric: str) -> Benchmark | None:
        return self.items.get(metric)

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def card_ids(self) -> frozenset[str]:
        return frozenset(c for b in self.items.values() for c in b.cards)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def benchmarks_from_records(records: Sequence[Mapping[str, Any]], card: str = "") -> BenchmarkSet:
    """Validate the records of a ``metric_benchmarks`` list; BenchmarkError lists every problem."""
    problems: list[tuple[str, str]] = []
    items: dict[str, Benchmark] = {}
    if not isinstance(records, Sequence) or isinstance(records, (str, bytes)):
        raise BenchmarkError([(BLOCK_KEY, "应是列表")])
    for i, r in enumerate(records):
        path = f"{BLOCK_KEY}[{i}]"
        if not isinstance(r, Mapping):
            problems.append((path, "应是对象"))
            continue
        found = len(problems)
        metric = r.get("metric")
        if metric not in METRIC_IDS:
            problems.append((f"{path}.metric", f"未知指标 {metric!r}"))
        elif metric in items:
            problems.append((f"{path}.metric", f"指标 {metric} 重复"))
        for key in ("name", "action", "depends"):
            if not isinstance(r.get(key), str) or not r[key].strip():
                problems.append((f"{path}.{key}", "应是非空文字"))
        if r.get("unit") not in UNITS:
            problems.append((f"{path}.unit", f"应是 {'/'.join(UNITS)} 之一"))
        if r.get("better") not in ("higher", "lower"):
            problems.append((f"{path}.better", "应是 higher 或 lower"))
        for key in ("concern", "good", "break_even"):
            if (key == "concern" or r.get(key) is not None) and not _is_number(r.get(key)):
                problems.append((f"{path}.{key}", "应是数字"))
        window = r.get("window_minutes")
        if window is not None and (not isinstance(window, int) or isinstance(window, bool) or window <= 0):
            problems.append((f"{path}.window_minutes", "应是正整数"))
        cards = r.get("cards")
        if not isinstance(cards, list) or not cards or not all(isinstance(c, str) and c for c in cards):
            problems.append((f"{path}.cards", "应是至少一个卡片 id 的列表"))
        if len(problems) > found:
            continue
        items[metric] = Benchmark(
            metric=metric, name=r["name"].strip(), unit=r["unit"], better=r["better"], concern=float(r["concern"]),
            action=r["action"].strip(), cards=tuple(cards), depends=r["depends"].strip(),
            good=None if r.get("good") is None else float(r["good"]), window_minutes=window,
            break_even=None if r.get("break_even") is None else float(r["break_even"]), card=card,
        )
    if problems:
        raise BenchmarkError(problems)
    return BenchmarkSet(items=items)


def load_benchmarks(cards: Iterable[Any], known_ids: Iterable[str] | None = None) -> BenchmarkSet:
    """The ``metric_benchmarks`` of whichever card carries them (an empty set when none does).

    With ``known_ids`` (every card id of the handbook), each cited card must exist."""
    cards = list(cards)
    for card in cards:
        block = (card.plan or {}).get(BLOCK_KEY)
        if block is None:
            continue
        found = benchmarks_from_records(block, card=card.id)
        ids = set(known_ids) if known_ids is not None else {c.id for c in cards}
        missing = sorted({c for b in found.items.values() for c in b.cards} - ids)
        if missing:
            raise BenchmarkError([(BLOCK_KEY, f"引用了不存在的卡片：{', '.join(missing)}")])
        return found
    return BenchmarkSet(items={})


def totals_key(metric: str) -> str:
    return TOTALS_KEY.get(metric, metric)


@dataclass(frozen=True)
class Baseline:
    median: float
    shows: int


def account_baseline(history: Sequence[Mapping[str, Any]], metric: str) -> Baseline | None:
    """The median of the metric over the account's earlier shows' totals; None with < MIN_HISTORY shows."""
    key = totals_key(metric)
    values = [float(h[key]) for h in history if isinstance(h, Mapping) and _is_number(h.get(key))]
    if len(values) < MIN_HISTORY:
        return None
    return Baseline(median=statistics.median(values), shows=len(values))


@dataclass(frozen=True)
class BreakEven:
    """The show's break-even ROI and where it came from (said in the ad_roi finding)."""

    roi: float
    basis: str


def break_even_roi(plan: Any = None, products: Sequence[Any] = (), benchmark: Benchmark | None = None,
                   given: float | None = None) -> BreakEven:
    """Break-even ROI = 1 ÷ (gross margin × (1 − refund rate)); commissions are not known here.

    Order of sources: ``given`` (the operator typed it); the plan's products with price and cost
    (margin weighted by each product's GMV in the products file when it matches, else equally; the
    refund rate from the products file, else none); the benchmark's optional ``break_even``; else 1.0
    (the spend must at least come back as sales)."""
    if given is not None and given > 0:
        return BreakEven(float(given), "按填写的回本 ROI")
    priced = [p for p in getattr(plan, "products", ()) if p.price and p.cost is not None and p.price > 0]
    if priced:
        gmv_of = {p.name: p.gmv for p in products}
        weights = [gmv_of.get(p.name, 0.0) for p in priced]
        if not any(weights):
            weights = [1.0] * len(priced)
        margin = sum(w * (p.price - p.cost) / p.price for w, p in zip(weights, priced)) / sum(weights)
        refunded = [p for p in products if getattr(p, "refunds", None) is not None]
        orders = sum(p.orders for p in refunded)
        refund_rate = sum(p.refunds for p in refunded) / orders if orders else 0.0
        net = margin * (1 - refund_rate)
        basis = f"按方案商品的毛利 {margin:.0%}" + (f"、退款率 {refund_rate:.0%}" if refunded else "（未计退货）") + "，未计佣金"
        if net > 0.01:
            return BreakEven(1.0 / net, basis)
    if benchmark is not None and benchmark.break_even:
        return BreakEven(benchmark.break_even, "手册经验值（未给商品成本）")
    return BreakEven(1.0, "未给商品成本，按成交额不低于投流消耗算")
