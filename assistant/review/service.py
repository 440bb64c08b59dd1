"""Entry points the CLI, the API and the pages call: files, text or bytes in, a ReviewResult out.

``run_review`` (paths; the CLI), ``review_text`` (CSV text; ``POST /v1/reviews``), ``review_bytes``
(uploaded files; the 复盘 page) and ``review_show`` (already parsed data; the live console's
"review this show" and the benchmark). Bad input raises ShowDataError / PlanFileError (exit 2).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from assistant.review.benchmarks import BenchmarkSet, break_even_roi, load_benchmarks
from assistant.review.errors import DataProblem, PlanFileError, ShowDataError
from assistant.review.findings import MIN_ENTRIES, ReviewContext, find_all
from assistant.review.metrics import product_metrics, show_totals
from assistant.review.models import PlanInfo, ProductRow, ShowData
from assistant.review.parse import read_products, read_show
from assistant.review.plan_compare import compare_plan
from assistant.review.plan_file import load_plan
from assistant.review.report import ReviewResult


def handbook_benchmarks(cards: Iterable[Any] | None = None) -> tuple[BenchmarkSet, tuple[str, ...], frozenset[str]]:
    """(benchmarks, card ids that carry goal assumptions, every card id) from the cards (default: PLAYBOOK_CARDS_DIR)."""
    if cards is None:
        from playbook.loader import load_cards
        from settings import load_settings

        cards = load_cards(load_settings().cards_dir)
    cards = list(cards)
    goal_cards = tuple(c.id for c in cards if (c.plan or {}).get("goal_assumptions") is not None)
    return load_benchmarks(cards), goal_cards, frozenset(c.id for c in cards)


def review_show(show: ShowData, *, products: Sequence[ProductRow] = (), plan: PlanInfo | None = None,
                benchmarks: BenchmarkSet, history: Sequence[Mapping[str, Any]] = (), break_even: float | None = None,
                goal_sources: Sequence[str] = (), account: str = "") -> ReviewResult:
    """The review of parsed data: metrics, plan comparison, findings, warnings."""
    prods = product_metrics(products)
    totals = show_totals(show.intervals, prods)
    warnings: list[str] = []
    if not benchmarks:
        warnings.append("手册里没有指标经验线（metric_benchmarks），只给出数据，不做诊断")
    if totals["entries"] < MIN_ENTRIES:
        warnings.append(f"整场进入人数只有 {totals['entries']:.0f}，比例类指标样本太少，不做判断")
    comparison = None
    if plan is not None:
        cited = tuple(plan.goal_sources) or tuple(goal_sources)
        comparison = compare_plan(show.intervals, plan, cited)
        if not any(seg.covered for seg in comparison.segments):
            warnings.append("方案的直播流程和数据的时间对不上（没有一段有数据），请确认选对了方案")
        if plan.target_gmv and not cited:
            warnings.append("方案没有目标拆解的来源卡片，不给出目标差距结论")
        missing = [name for name in comparison.product_when if products and name not in {p.name for p in products}]
        if missing:
            warnings.append("商品文件里没有这些方案商品：" + "、".join(missing))
    ad = benchmarks.get("ad_roi")
    be = break_even_roi(plan, prods, ad, break_even) if ad is not None and totals.get("ad_spend") else None
    ctx = ReviewContext(
        intervals=show.intervals, totals=totals, benchmarks=benchmarks, history=tuple(history), products=prods, break_even=be,
        product_when=comparison.product_when if comparison else None,
        product_roles={p.name: p.role for p in plan.products if p.role} if plan else None,
        timeline=comparison.timeline if comparison else (),
    )
    extra = [comparison.target_gap] if comparison is not None and comparison.target_gap is not None else []
    findings = find_all(ctx, extra) if benchmarks else tuple(extra)
    return ReviewResult(show=show, totals=totals, findings=findings, benchmarks=benchmarks, products=prods, plan=plan,
                        comparison=comparison, history=tuple(history), break_even=be, warnings=tuple(warnings), account=account)


def _plan_of(plan: Any) -> PlanInfo | None:
    if plan is None or isinstance(plan, PlanInfo):
        return plan
    return load_plan(plan)


def _review(read_data, read_prods, plan: Any, cards, benchmarks, goal_sources, **options) -> ReviewResult:
    plan_info = _plan_of(plan)
    day0 = plan_info.broadcast_at.date() if plan_info and plan_info.broadcast_at else None
    show = read_data(day0)
    products = read_prods() if read_prods else ()
    if benchmarks is None:
        benchmarks, goal_cards, known = handbook_benchmarks(cards)
        if plan_info is not None and plan_info.goal_sources:
            kept = tuple(s for s in plan_info.goal_sources if s in known)
            plan_info = replace(plan_info, goal_sources=kept)
        goal_sources = goal_sources or goal_cards
    return review_show(show, products=products, plan=plan_info, benchmarks=benchmarks, goal_sources=goal_sources or (), **options)


def run_review(data_path: str | Path, products_path: str | Path | None = None, plan_path: str | Path | None = None, *,
               cards: Iterable[Any] | None = None, benchmarks: BenchmarkSet | None = None, history: Sequence[Mapping] = (),
               break_even: float | None = None, account: str = "", goal_sources: Sequence[str] = ()) -> ReviewResult:
    """Review the show in ``data_path`` (CSV/XLSX) with optional products file and plan JSON."""
    data_path = Path(data_path)
    raw = read_input_file(data_path, "数据文件")
    prods = read_input_file(Path(products_path), "商品文件") if products_path else None
    plan = read_input_file(Path(plan_path), "方案文件", plan=True) if plan_path else None
    return _review(lambda day0: read_show(raw, source=data_path.name, day0=day0),
                   (lambda: read_products(prods, source=Path(products_path).name)) if prods is not None else None,
                   plan, cards, benchmarks, goal_sources, history=history, break_even=break_even, account=account)


def review_text(data: str, products: str | None = None, plan: Mapping[str, Any] | str | None = None, *,
                cards: Iterable[Any] | None = None, benchmarks: BenchmarkSet | None = None, history: Sequence[Mapping] = (),
                break_even: float | None = None, account: str = "", goal_sources: Sequence[str] = ()) -> ReviewResult:
    """Review CSV text (the API's ``{"data", "products", "plan"}`` body)."""
    return _review(lambda day0: read_show(data, source="data", day0=day0),
                   (lambda: read_products(products, source="products")) if products else None,
                   plan, cards, benchmarks, goal_sources, history=history, break_even=break_even, account=account)


def review_bytes(data: bytes, name: str = "数据文件", products: bytes | None = None, products_name: str = "商品文件",
                 plan: bytes | Mapping[str, Any] | None = None, *, cards: Iterable[Any] | None = None,
                 benchmarks: BenchmarkSet | None = None, history: Sequence[Mapping] = (), break_even: float | None = None,
                 account: str = "", goal_sources: Sequence[str] = ()) -> ReviewResult:
    """Review uploaded files (CSV in any supported encoding, or XLSX, told apart by content)."""
    return _review(lambda day0: read_show(data, source=name, day0=day0),
                   (lambda: read_products(products, source=products_name)) if products else None,
                   plan, cards, benchmarks, goal_sources, history=history, break_even=break_even, account=account)


def read_input_file(path: Path, label: str, plan: bool = False) -> bytes | dict:
    """The bytes of a data file, or the parsed JSON of a plan file; unreadable → the package's input errors."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        message = f"读不了{label} {path}（{exc.strerror or exc}）"
        if plan:
            raise PlanFileError([("(文件)", message)]) from None
        raise ShowDataError([DataProblem(message)], label) from None
    if plan:
        try:
            return json.loads(raw.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise PlanFileError([("(文件)", f"{path.name} 不是有效的 JSON（{exc}）")]) from None
    return raw
