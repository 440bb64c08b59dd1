"""Structured plan material kept in card front-matter under ``plan:``.

The same card feeds answers (its prose) and the plan drafter, the review and the live console (this
data). Each key under ``plan:`` is one kind of material. ``validate_plan_block`` returns every problem
as a (key path, message) pair — messages in Chinese — so the loader can point at the exact line;
``parse_material`` gives the validated, frozen record of one kind (pydantic models in ``schemas`` and
``live``; the rules across fields in ``checks``). Numbers marked "rule of thumb" are the handbook's
own advice and the plan presents them as such.

Kinds and shapes ([] = list; ? = optional):

``lineup_roles`` (supply/lineup-structure) - list of product roles:
    {key: hook|perk|main|profit|image, name, purpose, share: [lo, hi] (of the product count),
     price_band: [lo, hi] (position in the show's price range, 0 cheapest .. 1 dearest),
     order_share: 0..1 (expected share of the show's orders; the shares add up to 1),
     max_margin?: gross margin below which a product with a cost takes the role (hook, perk),
     price_gap?: image only - dearer than the next product by at least this multiple,
     margin_top_share?: profit only - the top share of normal-margin products by margin}
``show_blocks`` (live-ops/run-of-show-template) - templates by length, the first whose max_hours fits:
    {max_hours, loop_minutes: [lo, hi] (one round), hook_gap_minutes (hooks at least this often),
     highlight_every_minutes?, highlight? (prefix of a highlight round),
     blocks: [{part: open|round|image|encore|close, role: open|hook|main|profit|image|loop|close,
               segment ("{n}" = round number), share? (round parts: of a round, adding up to 1;
               open/encore/close: of the show), minutes?: [lo, hi], sub?: bridge | second (main only: the 承接
               part, or the other 主推 items taking turns),
               after_round? / every_minutes? (image: first after that round, again about that often)}]}
``warmup_schedule`` (traffic/warmup-schedule) - steps counted back from the show:
    {days_before, variants: [big|regular|daily], stages?: [stage], videos, video_types: [str],
     video_times?: [HH:MM], tasks: [str], notes: [str] (advice: shown as notes, never scheduled)}
    A task says its time: "HH:MM 做什么"; on the show day "开播前两小时……" or "开播后……" (belongs to the
    show); the day before "上一场下播前……" (the previous show in the same slot); without a time, the
    morning of its day. big = big-event shows; daily = accounts that stream every day; regular = others.
``contingency_rules`` (live-ops/viewer-drop-response) - list of
    {metric, condition, action, severity?: high|medium|low,
     trigger: {signal (see live.SIGNALS), source: series|manual, compare: fall_by|rise_by|below|above|event,
               baseline: window|show_so_far|first_30_min|recent_shows|break_even_roi|plan_pace|stock|none,
               value?, unit?: ratio|multiple|minutes|count, window_minutes?, label?}}
    fall_by/rise_by values are fractions of change (ratio); below/above values are multiples of the
    baseline (multiple); event triggers carry no value. The live console reads this block.
``compliance_checklist`` - {banned_terms: [str], review_terms?: [{term, reason}] (flagged for a check by
    hand, not as errors), items: [{rule, law}]}
``review_checklist`` - {metrics: [str], questions: [str]}
``team_roles`` - {sizes: [{max_followers? (the last may omit it), label, roles: [{role, duty}]}],
    shifts?: [{min_hours, note}]}
``traffic_rules`` - {pre_share, rules: [str], zero_budget: [str], commission_rate?, safety_multiple?,
    default_return_rate, return_label}
``goal_assumptions`` - {conversion_rate: {stage: 0..1}, default_aov,
    peak: {fans: [hour weights], ramp: [hour weights], clock: [24 weights], label},
    reach: {fan_reach: {stage}, organic_per_hour: {stage}, cost_per_paid_viewer, warn_ratio, label},
    notes: [str]}
``category_profile`` (supply/category-*) - {match: [words of the category], name, return_rate,
    return_label, compliance?: [{rule, law}], banned_terms?, review_terms?, demo_cue?, after_sales?,
    stock_note?}
``cue_lines`` (incubation/script-*) - list of {block: open|hook|perk|bridge|main|profit|image|encore|close|surge,
    line (placeholders such as {main} {main_price}, see schemas.CUE_PLACEHOLDERS)}
``metric_benchmarks`` (general/glossary-metrics) - the rule-of-thumb line of each review metric, a list of
    {metric: one of BENCHMARK_METRICS, each exactly once, name, unit: ratio|seconds|yuan|multiple (fixed
     per metric), better: higher|lower (fixed per metric), concern, good?, window_minutes (online_drop),
     depends, action, cards: [card id]}; ``ratio`` values are fractions, ``ad_roi`` a multiple of the
    show's break-even ROI. ``benchmark_card_refs`` lists the card ids it names.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from pydantic import TypeAdapter, ValidationError

from playbook.plan_material import checks, live, schemas
from playbook.plan_material.benchmarks import (
    BENCHMARK_METRICS,
    BENCHMARK_UNITS,
    benchmark_card_refs,
    validate_metric_benchmarks,
)
from playbook.plan_material.messages import issues_from
from playbook.plan_material.schemas import BLOCK_ROLES, CUE_PLACEHOLDERS, LINEUP_KEYS, PLAN_STAGES

Path_ = tuple
Issue = tuple[Path_, str]

SCHEMAS: dict[str, Any] = {
    "lineup_roles": list[schemas.LineupRole],
    "show_blocks": list[schemas.ShowTemplate],
    "warmup_schedule": list[schemas.WarmupStep],
    "contingency_rules": list[live.ContingencyRule],
    "compliance_checklist": schemas.ComplianceChecklist,
    "review_checklist": schemas.ReviewChecklist,
    "team_roles": schemas.TeamRoles,
    "traffic_rules": schemas.TrafficRules,
    "goal_assumptions": schemas.GoalAssumptions,
    "category_profile": schemas.CategoryProfile,
    "cue_lines": list[schemas.CueLine],
}
PLAN_KINDS = tuple(SCHEMAS) + ("metric_benchmarks",)
_NON_EMPTY = {"lineup_roles", "show_blocks", "warmup_schedule", "contingency_rules", "cue_lines"}

__all__ = [
    "BENCHMARK_METRICS", "BENCHMARK_UNITS", "BLOCK_ROLES", "CUE_PLACEHOLDERS", "LINEUP_KEYS", "PLAN_KINDS",
    "PLAN_STAGES", "MaterialError", "benchmark_card_refs", "parse_material", "validate_plan_block",
]


class MaterialError(ValueError):
    """Plan material that does not validate; ``issues`` are (key path, message) pairs."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(".".join(map(str, p)) + f": {m}" for p, m in issues))


@lru_cache(maxsize=None)
def _adapter(kind: str) -> TypeAdapter:
    return TypeAdapter(SCHEMAS[kind])


def _validate_kind(kind: str, value: Any, path: Path_) -> tuple[Any, list[Issue]]:
    if kind in _NON_EMPTY and (not isinstance(value, list) or not value):
        return None, [(path, "必须是非空列表（每项一行，以“- ”开头）")]
    try:
        parsed = _adapter(kind).validate_python(value)
    except ValidationError as exc:
        return None, issues_from(exc, path)
    check: Callable | None = checks.CHECKS.get(kind)
    return parsed, (check(parsed, path) if check else [])


def validate_plan_block(plan: Any) -> list[Issue]:
    """Every problem in a card's ``plan:`` block, as (key path, message) pairs."""
    if not isinstance(plan, dict):
        return [((), "`plan` 必须是映射，每个键是一种计划材料（must be a mapping of plan-material kinds）")]
    issues: list[Issue] = []
    for kind, value in plan.items():
        if kind == "metric_benchmarks":
            validate_metric_benchmarks(value, (kind,), issues)
        elif kind in SCHEMAS:
            issues += _validate_kind(kind, value, (kind,))[1]
        else:
            issues.append(((kind,), f"不认识的计划材料 `{kind}`（unknown plan material `{kind}`）；"
                                    f"能用的有：{', '.join(PLAN_KINDS)}"))
    return issues


def parse_material(kind: str, value: Any) -> Any:
    """The validated record(s) of one kind (``metric_benchmarks`` stays as raw data); MaterialError if invalid."""
    if kind == "metric_benchmarks":
        issues: list[Issue] = []
        validate_metric_benchmarks(value, (kind,), issues)
        if issues:
            raise MaterialError(issues)
        return value
    if kind not in SCHEMAS:
        raise MaterialError([((kind,), f"不认识的计划材料 `{kind}`")])
    parsed, issues = _validate_kind(kind, value, (kind,))
    if issues:
        raise MaterialError(issues)
    return parsed
