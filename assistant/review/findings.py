"""Findings: what went wrong, when, against which line, what to do, and the cards it comes from.

Severity of a show-level metric (stay, entry, conversion, UV value, follow, interaction, refunds,
ad ROI):

- with ``MIN_HISTORY`` or more earlier shows of the account (the room compared with itself first):
  30 %+ worse than the account's median → high if also past the handbook line, else medium;
  15–30 % worse → medium if past the handbook line, else low; no worse than usual but past the
  handbook line → low (a standing weakness); otherwise nothing.
- without history: past the handbook line by 40 %+ (``FAR``) → high; past it → medium.

Noise rules (a healthy show must come out clean): show-level rates need ``MIN_ENTRIES`` entries
(``MIN_EXPOSURES`` exposures for the entry rate, ``MIN_PRODUCT_ORDERS`` product orders for
refunds, ``MIN_SPEND`` yuan for ROI); a metric without a benchmark is not judged (a finding must cite
a card); UV value is not reported when conversion already is (UV value = conversion × AOV, the same
problem twice); with a plan, a product whose lineup role is ``image`` (形象款, the price anchor the
handbook shows rather than sells) is not judged on click-to-order. Time rules live in ``findings_time``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from assistant.review.benchmarks import Baseline, Benchmark, BenchmarkSet, BreakEven, account_baseline, totals_key
from assistant.review.fmt import by_unit, count, pct, yuan
from assistant.review.metrics import ProductMetrics
from assistant.review.models import Interval

SEVERITIES = ("high", "medium", "low")
SEVERITY_NAMES = {"high": "高", "medium": "中", "low": "低"}
FAR = 0.6
OWN_HIGH, OWN_MEDIUM = 0.30, 0.15
MIN_ENTRIES = 200
MIN_EXPOSURES = 500
MIN_PRODUCT_ORDERS = 30
MIN_SPEND = 100.0
MIN_CLICKS = 100
MAX_PRODUCT_FINDINGS = 3
ROLE_NAMES = {"hook": "引流款", "perk": "福利款", "main": "主推款", "profit": "利润款", "image": "形象款"}
SHOW_METRICS = ("avg_stay", "entry_rate", "conversion_rate", "uv_value", "follow_rate", "interaction_rate", "refund_rate")
METRIC_ORDER = ("target_gap", "online_drop", "ad_roi", "conversion_rate", "product_conversion", "avg_stay", "entry_rate",
                "uv_value", "refund_rate", "follow_rate", "interaction_rate")


@dataclass(frozen=True)
class Finding:
    metric: str
    severity: str
    value: float
    benchmark: str
    advice: str
    sources: tuple[str, ...]
    when: str | None = None
    name: str = ""
    detail: str = ""
    sort_at: float = 0.0          # minutes after the show's start (ordering within a severity)

    def to_json(self) -> dict[str, Any]:
        value = round(self.value, 4) if isinstance(self.value, float) else self.value
        data = {"metric": self.metric, "severity": self.severity, "value": value, "benchmark": self.benchmark,
                "when": self.when, "advice": self.advice, "sources": list(self.sources)}
        if self.name:
            data["name"] = self.name
        if self.detail:
            data["detail"] = self.detail
        return data


def past_far(bench: Benchmark, value: float, line: float | None = None) -> bool:
    line = bench.concern if line is None else line
    return value < line * FAR if bench.better == "higher" else value > line / FAR


def shortfall(bench: Benchmark, value: float, reference: float) -> float:
    """How much worse than ``reference`` the value is, as a fraction (≤ 0 when no worse)."""
    if not reference:
        return 0.0
    gap = (reference - value) / reference
    return gap if bench.better == "higher" else -gap


def grade(bench: Benchmark, value: float, baseline: Baseline | None, line: float | None = None) -> str | None:
    """The severity rule of the module docstring; None = healthy."""
    weak = bench.weak(value, line)
    if baseline is not None:
        worse = shortfall(bench, value, baseline.median)
        if worse >= OWN_HIGH:
            return "high" if weak else "medium"
        if worse >= OWN_MEDIUM:
            return "medium" if weak else "low"
        return "low" if weak else None
    if weak:
        return "high" if past_far(bench, value, line) else "medium"
    return None


def benchmark_text(bench: Benchmark, baseline: Baseline | None, line: float | None = None, prefix: str = "") -> str:
    parts = [prefix + bench.line_text(line)]
    if baseline is not None:
        parts.append(f"本账号近 {baseline.shows} 场中位数 {by_unit(baseline.median, bench.unit)}")
    return "；".join(parts)


@dataclass(frozen=True)
class ReviewContext:
    """Everything the finding rules read."""

    intervals: tuple[Interval, ...]
    totals: Mapping[str, Any]
    benchmarks: BenchmarkSet
    history: tuple[Mapping[str, Any], ...] = ()
    products: tuple[ProductMetrics, ...] = ()
    break_even: BreakEven | None = None
    product_when: Mapping[str, str] | None = None   # product name -> "HH:MM-HH:MM" of its first plan block
    product_roles: Mapping[str, str] | None = None  # product name -> lineup role
    timeline: tuple = ()                             # (PlanBlock, start, end) aligned to the show


def _enough(metric: str, totals: Mapping[str, Any]) -> bool:
    if metric == "entry_rate":
        return (totals.get("exposures") or 0) >= MIN_EXPOSURES
    if metric == "refund_rate":
        return True  # checked on product orders by the caller
    return (totals.get("entries") or 0) >= MIN_ENTRIES


def show_level(ctx: ReviewContext, metric: str) -> Finding | None:
    bench = ctx.benchmarks.get(metric)
    value = ctx.totals.get(totals_key(metric))
    if bench is None or value is None or not _enough(metric, ctx.totals):
        return None
    if metric == "refund_rate" and sum(p.orders for p in ctx.products if p.refunds is not None) < MIN_PRODUCT_ORDERS:
        return None
    baseline = account_baseline(ctx.history, metric)
    severity = grade(bench, value, baseline)
    if severity is None:
        return None
    detail = ""
    if metric == "refund_rate":
        worst = max((p for p in ctx.products if p.refund_rate is not None and p.orders >= 10), key=lambda p: p.refund_rate, default=None)
        if worst is not None:
            detail = f"退款最多的是「{worst.name}」：{count(worst.refunds)}/{count(worst.orders)} 单退款（{pct(worst.refund_rate)}）"
        if ctx.totals.get("net_gmv") is not None:
            detail += ("；" if detail else "") + f"扣除退款后 GMV 约 {yuan(ctx.totals['net_gmv'])}"
    return Finding(metric=metric, severity=severity, value=float(value), benchmark=benchmark_text(bench, baseline),
                   advice=bench.action, sources=bench.cards, name=bench.name, detail=detail, sort_at=-1)


def ad_roi_overall(ctx: ReviewContext) -> Finding | None:
    bench = ctx.benchmarks.get("ad_roi")
    roi, spend = ctx.totals.get("ad_roi"), ctx.totals.get("ad_spend") or 0.0
    if bench is None or roi is None or spend < MIN_SPEND or ctx.break_even is None:
        return None
    line = bench.concern * ctx.break_even.roi
    baseline = account_baseline(ctx.history, "ad_roi")
    severity = grade(bench, roi, baseline, line)
    if severity is None:
        return None
    text = benchmark_text(bench, baseline, line, prefix=f"回本 ROI {ctx.break_even.roi:.2f}（{ctx.break_even.basis}）；")
    return Finding(metric="ad_roi", severity=severity, value=float(roi), benchmark=text, advice=bench.action, sources=bench.cards,
                   name=bench.name, detail=f"整场投流 {yuan(spend)}，成交 {yuan(ctx.totals.get('gmv'))}", sort_at=-1)


def product_findings(ctx: ReviewContext) -> list[Finding]:
    """Products clicked but not bought: click-to-order past the handbook line with enough clicks."""
    bench = ctx.benchmarks.get("product_conversion")
    if bench is None:
        return []
    found = []
    for p in ctx.products:
        if p.clicks < MIN_CLICKS or p.click_to_order is None or not bench.weak(p.click_to_order):
            continue
        if (ctx.product_roles or {}).get(p.name) == "image":
            continue  # 形象款: shown as the price anchor, not there to be bought (glossary-jargon, run-of-show-template)
        severity = "high" if past_far(bench, p.click_to_order) and (p.click_share or 0) >= 0.1 else "medium"
        others = [q for q in ctx.products if q is not p]
        pooled = sum(q.orders for q in others) / sum(q.clicks for q in others) if others and sum(q.clicks for q in others) else None
        text = bench.line_text() + (f"；本场其他商品合计 {pct(pooled)}" if pooled is not None else "")
        role = (ctx.product_roles or {}).get(p.name, "")
        detail = f"「{p.name}」{count(p.clicks)} 人点击、{count(p.orders)} 单成交" + (f"（方案里是{ROLE_NAMES.get(role, role)}）" if role else "")
        found.append(Finding(metric="product_conversion", severity=severity, value=float(p.click_to_order), benchmark=text,
                             advice=bench.action, sources=bench.cards, when=(ctx.product_when or {}).get(p.name),
                             name=f"{bench.name}：{p.name}", detail=detail, sort_at=-0.5))
    found.sort(key=lambda f: (SEVERITIES.index(f.severity), f.value))
    return found[:MAX_PRODUCT_FINDINGS]


def order_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """By severity, then by the contract's metric order, then by time."""
    return tuple(sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), METRIC_ORDER.index(f.metric), f.sort_at)))


def find_all(ctx: ReviewContext, extra: Sequence[Finding] = ()) -> tuple[Finding, ...]:
    """Every finding of the show (plus ``extra``, e.g. target_gap from the plan comparison), ordered."""
    from assistant.review.findings_time import ad_spend_while_falling, localized, online_drops

    found: list[Finding] = list(extra)
    by_metric: dict[str, Finding] = {}
    for metric in SHOW_METRICS:
        if metric == "uv_value" and "conversion_rate" in by_metric:
            continue
        finding = show_level(ctx, metric)
        if finding is not None:
            by_metric[metric] = finding
    for metric in ("conversion_rate", "avg_stay"):
        where = localized(ctx, metric, whole_show_weak=metric in by_metric)
        if where is not None:
            by_metric[metric] = where if metric not in by_metric else _with_when(by_metric[metric], where)
    found += by_metric.values()
    found += online_drops(ctx)
    for finding in (ad_roi_overall(ctx), ad_spend_while_falling(ctx)):
        if finding is not None:
            found.append(finding)
    found += product_findings(ctx)
    return order_findings(found)


def _with_when(show_finding: Finding, stretch: Finding) -> Finding:
    from dataclasses import replace

    return replace(show_finding, when=stretch.when, sort_at=stretch.sort_at,
                   detail=(show_finding.detail + "；" if show_finding.detail else "") + f"最弱的一段 {stretch.when}：{stretch.detail}")
