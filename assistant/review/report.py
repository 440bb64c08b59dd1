"""The review result: the contract's JSON (``to_json``), a Markdown report for the team chat
(``to_markdown``), the KPI tiles and the per-interval series the pages draw."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from assistant.review.benchmarks import BenchmarkSet, BreakEven, account_baseline, totals_key
from assistant.review.findings import SEVERITY_NAMES, Finding
from assistant.review.fmt import by_unit, count, pct, signed_pct, yuan
from assistant.review.metrics import ProductMetrics, interval_metrics
from assistant.review.models import PlanInfo, ShowData, hhmm
from assistant.review.plan_compare import PlanComparison, split_text

MONEY = {"gmv", "aov", "uv_value", "gpm", "ad_spend", "net_gmv", "ad_roi", "avg_online", "avg_stay_seconds", "orders_per_minute"}
TILES = (  # (totals key, label, benchmark metric or "", unit)
    ("gmv", "GMV", "", "yuan"), ("orders", "成交单数", "", "count"), ("entries", "场观（进入人数）", "", "count"),
    ("peak_online", "峰值在线", "", "count"), ("avg_online", "平均在线", "", "count"),
    ("conversion_rate", "看播转化", "conversion_rate", "ratio"), ("aov", "客单价", "", "yuan"),
    ("uv_value", "UV价值", "uv_value", "yuan"), ("gpm", "GPM", "gpm", "yuan"), ("entry_rate", "曝光进入率", "entry_rate", "ratio"),
    ("avg_stay_seconds", "平均停留", "avg_stay", "seconds"), ("interaction_rate", "互动率", "interaction_rate", "ratio"),
    ("follow_rate", "转粉率", "follow_rate", "ratio"), ("ad_roi", "投流ROI", "ad_roi", "multiple"),
    ("refund_rate", "退款率", "refund_rate", "ratio"), ("net_gmv", "退款后GMV", "", "yuan"),
)


def _round(key: str, value: Any) -> Any:
    if not isinstance(value, float):
        return value
    if key in MONEY:
        return round(value, 2)
    if value.is_integer():
        return int(value)
    return round(value, 4)


def _fmt(value: Any, unit: str) -> str:
    if unit == "count":
        return count(value)
    if unit == "yuan":
        return yuan(value)
    return by_unit(value, unit)


@dataclass(frozen=True)
class ReviewResult:
    show: ShowData
    totals: dict[str, Any]
    findings: tuple[Finding, ...]
    benchmarks: BenchmarkSet
    products: tuple[ProductMetrics, ...] = ()
    plan: PlanInfo | None = None
    comparison: PlanComparison | None = None
    history: tuple[dict, ...] = ()
    break_even: BreakEven | None = None
    warnings: tuple[str, ...] = ()
    account: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    # --- JSON -----------------------------------------------------------------------------------

    def show_json(self) -> dict[str, Any]:
        data = {"start": hhmm(self.show.start), "end": hhmm(self.show.end), "minutes": self.show.minutes,
                "intervals": len(self.show.intervals)}
        if self.show.dated:
            data["date"] = self.show.start.strftime("%Y-%m-%d")
        return data

    def totals_json(self) -> dict[str, Any]:
        return {k: _round(k, v) for k, v in self.totals.items()}

    def to_json(self) -> dict[str, Any]:
        """The contract's review JSON (``segments`` only with a plan), plus products and warnings."""
        data: dict[str, Any] = {
            "show": self.show_json(),
            "totals": self.totals_json(),
            "findings": [f.to_json() for f in self.findings],
        }
        if self.comparison is not None:
            data["segments"] = [s.to_json() for s in self.comparison.segments]
        if self.products:
            data["products"] = [p.to_json() for p in self.products]
        data["warnings"] = list(self.warnings) + list(self.show.notes)
        return data

    def series_json(self) -> list[dict[str, Any]]:
        """One row per interval with its rates (the curves; what the store keeps)."""
        return [m.to_json() for m in interval_metrics(self.show.intervals)]

    def blocks_json(self) -> list[dict[str, Any]]:
        """The plan's blocks on the show's clock (for shading the curves); empty without a plan."""
        if self.comparison is None:
            return []
        return [{"start": start.isoformat(timespec="minutes"), "end": end.isoformat(timespec="minutes"), "segment": block.segment,
                 "products": list(block.products)} for block, start, end in self.comparison.timeline]

    # --- tiles ----------------------------------------------------------------------------------

    def kpi_tiles(self) -> list[dict[str, Any]]:
        """KPI tiles: value, its text, the handbook line, the account's median, and weak/ok/none."""
        weak = {f.metric for f in self.findings}
        tiles = []
        for key, label, metric, unit in TILES:
            value = self.totals.get(key)
            if value is None:
                continue
            bench = self.benchmarks.get(metric) if metric else None
            base = account_baseline(self.history, metric or key) if self.history else None
            line = bench.line_text() if bench else ""
            if bench and metric == "ad_roi" and self.break_even:
                line = bench.line_text(bench.concern * self.break_even.roi)
            target = None
            if key == "gmv" and self.plan and self.plan.target_gmv:
                target = self.plan.target_gmv
            tiles.append({
                "key": key, "label": label, "value": value, "text": _fmt(value, unit), "benchmark": line,
                "baseline": None if base is None else base.median, "baseline_text": "" if base is None else _fmt(base.median, unit),
                "target": target, "status": "weak" if metric in weak else ("ok" if bench else "none"),
            })
        return tiles

    # --- Markdown -------------------------------------------------------------------------------

    def to_markdown(self, titles: Mapping[str, str] | None = None) -> str:
        """The report for the team chat; with ``titles`` (card id → title) the cards are named by title too."""
        t = self.totals
        who = self.account or (self.plan.streamer if self.plan else "")
        day = self.show.start.strftime("%Y-%m-%d ") if self.show.dated else ""
        lines = [f"# 直播复盘{'：' + who if who else ''}", "",
                 f"{day}{hhmm(self.show.start)}–{hhmm(self.show.end)}，共 {self.show.minutes} 分钟", ""]
        head = [f"GMV {yuan(t.get('gmv'))}", f"成交 {count(t.get('orders'))} 单", f"场观 {count(t.get('entries'))}",
                f"峰值在线 {count(t.get('peak_online'))}", f"平均在线 {count(t.get('avg_online'))}"]
        if self.plan and self.plan.target_gmv:
            head.insert(1, f"目标完成 {pct(t.get('gmv', 0) / self.plan.target_gmv)}")
        lines.append("**" + " · ".join(head) + "**")
        rates = [f"看播转化 {pct(t.get('conversion_rate'))}", f"客单价 {yuan(t.get('aov'))}", f"UV价值 {yuan(t.get('uv_value'))}",
                 f"GPM {yuan(t.get('gpm'))}"]
        for key, label, _, unit in TILES[9:]:
            if t.get(key) is not None:
                rates.append(f"{label} {_fmt(t[key], unit)}")
        lines += ["", " · ".join(rates), "", "## 问题（按严重程度）", ""]
        if not self.benchmarks:
            lines.append("手册里还没有指标经验线（metric_benchmarks），这次只算了数据，没有诊断。")
        elif not self.findings:
            lines.append("没有发现明显问题：各项指标都在手册经验线" + ("和本账号往常水平" if self.history else "") + "之内。")
        for n, f in enumerate(self.findings, 1):
            when = f"{f.when} · " if f.when else ""
            lines.append(f"{n}. 【{SEVERITY_NAMES[f.severity]}】{f.name or f.metric} · {when}{value_text(f)}（{f.benchmark}）")
            if f.detail:
                lines.append(f"   - 情况：{f.detail}")
            lines.append(f"   - 怎么做：{f.advice}")
            cards = [f"《{titles[c]}》（{c}）" if titles and c in titles else c for c in f.sources]
            lines.append(f"   - 手册：{'、'.join(cards)}")
        if self.comparison is not None:
            lines += ["", "## 分段对比（按方案）", "", "| 时段 | 环节 | 在线变化 | 成交单数 | GMV | 目标 |", "| --- | --- | --- | --- | --- | --- |"]
            for s in self.comparison.segments:
                online = f"{signed_pct(s.online_change)}（{count(s.online_start)}→{count(s.online_end)}）" if s.covered else "无数据"
                lines.append(f"| {s.start}-{s.end} | {s.segment} | {online} | {count(s.orders)} | {yuan(s.gmv)} | {yuan(s.target_gmv)} |")
            lost = self.comparison.lost_room
            if lost is not None:
                lines += ["", f"掉人最多的时段：「{lost.segment}」{lost.start}-{lost.end}（{signed_pct(lost.online_change)}）。"]
            if self.plan and self.plan.target_gmv:
                lines.append(f"各段目标 = 方案目标GMV {split_text(self.plan)}。")
        for w in list(self.warnings) + list(self.show.notes):
            lines += ["", f"> {w}"]
        return "\n".join(lines).rstrip() + "\n"


def value_text(f: Finding) -> str:
    """A finding's value in words (下跌 60%, 完成 74%, ROI 6.05, 28 秒, 0.7%)."""
    if f.metric in ("online_drop",):
        return f"下跌 {pct(f.value)}"
    if f.metric == "target_gap":
        return f"完成 {pct(f.value)}"
    if f.metric == "ad_roi":
        return f"ROI {f.value:.2f}"
    unit = {"avg_stay": "seconds", "uv_value": "yuan"}.get(f.metric, "ratio")
    return by_unit(f.value, unit)


def pk_rows(a: ReviewResult, b: ReviewResult) -> list[dict[str, Any]]:
    """Two shows side by side (直播PK): one row per KPI both have, with the better side ("a", "b" or "")."""
    lower_better = {"refund_rate"}
    rows = []
    for key, label, _, unit in TILES:
        va, vb = a.totals.get(key), b.totals.get(key)
        if va is None or vb is None:
            continue
        better = "" if va == vb else ("a" if (va < vb) == (key in lower_better) else "b")
        rows.append({"key": key, "label": label, "a": va, "b": vb, "a_text": _fmt(va, unit), "b_text": _fmt(vb, unit), "better": better})
    return rows


def benchmark_lines(benchmarks: BenchmarkSet) -> dict[str, str]:
    """metric → the handbook line in words (for a page's legend)."""
    return {m: b.line_text() for m, b in benchmarks.items.items()}


__all__ = ["ReviewResult", "benchmark_lines", "pk_rows", "totals_key", "value_text"]
