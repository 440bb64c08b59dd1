"""Structured plan material kept in card front-matter under ``plan:``.

The same card feeds answers (its prose) and the plan drafter (this data). Each key under ``plan:``
is one kind of material; its schema is below. ``validate_plan_block`` returns every problem as a
(key path, message) pair so the loader can point at the exact line.

Kinds and shapes (values in [] are lists; "rot" = rule of thumb, present it as advice):

``lineup_roles`` - list of product roles:
    {key: hook|perk|main|profit|image, name: str, share: [lo, hi] (fractions of the product count),
     price_band: [lo, hi] (position in the show's price range, 0 = cheapest, 1 = dearest),
     purpose: str}
``warmup_schedule`` - list of steps counted back from the show:
    {days_before: int >= 0, videos: int >= 0, video_types: [str], tasks: [str],
     stages: [cold-start|growth|plateau|big-event] (optional, default all)}
``show_blocks`` - list of templates, the first whose max_hours fits the show is used:
    {max_hours: number > 0, blocks: [{segment: str, share: number > 0, role: open|hook|main|profit|image|loop|close}]}
    the shares of one template add up to 1.
``contingency_rules`` - list of {metric: str, condition: str, action: str}
``compliance_checklist`` - {banned_terms: [str], items: [{rule: str, law: str}]}
``review_checklist`` - {metrics: [str], questions: [str]}
``team_roles`` - list of {max_followers: int (optional, last entry may omit = no limit),
    label: str, roles: [{role: str, duty: str}]}
``traffic_rules`` - {pre_share: number 0..1, rules: [str], zero_budget: [str]}
``goal_assumptions`` - {conversion_rate: {stage: number 0..1}, default_aov: number > 0,
    peak_hour_weight: number >= 1 (optional), notes: [str]}
``metric_benchmarks`` - the rule-of-thumb line of each review metric (kept in glossary-metrics), a list of
    {metric: one of BENCHMARK_METRICS, each exactly once, name: str,
     unit: ratio|seconds|yuan|multiple (fixed per metric, see BENCHMARK_METRICS),
     better: higher|lower (fixed per metric), concern: number (past it the metric is weak),
     good: number (optional; at/after it the metric is healthy, on the better side of concern),
     window_minutes: int > 0 (required for online_drop: `concern` is the fraction fallen in that window),
     depends: str (what the line depends on), action: str (one line), cards: [card id] (>= 1, the fix)}
    ``ratio`` values are fractions 0..1; ``ad_roi`` is a multiple of the show's break-even ROI.
    ``benchmark_card_refs`` lists the card ids it names, for the cross-card existence check.
"""

from __future__ import annotations

import re
from typing import Any, Callable

PLAN_STAGES = ("cold-start", "growth", "plateau", "big-event")
LINEUP_KEYS = ("hook", "perk", "main", "profit", "image")
BLOCK_ROLES = ("open", "hook", "main", "profit", "image", "loop", "close")
# The review contract's metric ids, each with its fixed (unit, better) shape.
BENCHMARK_METRICS: dict[str, tuple[str, str]] = {
    "online_drop": ("ratio", "lower"),
    "avg_stay": ("seconds", "higher"),
    "entry_rate": ("ratio", "higher"),
    "conversion_rate": ("ratio", "higher"),
    "uv_value": ("yuan", "higher"),
    "follow_rate": ("ratio", "higher"),
    "interaction_rate": ("ratio", "higher"),
    "ad_roi": ("multiple", "higher"),
    "product_conversion": ("ratio", "higher"),
    "refund_rate": ("ratio", "lower"),
    "gpm": ("yuan", "higher"),
}
BENCHMARK_UNITS = ("ratio", "seconds", "yuan", "multiple")
CARD_ID = re.compile(r"^[a-z0-9-]+$")

Path_ = tuple  # a key path inside the plan block, e.g. ("show_blocks", 0, "blocks", 2, "share")
Issue = tuple[Path_, str]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _need_str(obj: dict, key: str, path: Path_, issues: list[Issue]) -> None:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        issues.append((path + (key,), f"`{key}` must be a non-empty text"))


def _need_str_list(obj: dict, key: str, path: Path_, issues: list[Issue], required: bool = True) -> None:
    if key not in obj and not required:
        return
    value = obj.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        issues.append((path + (key,), f"`{key}` must be a list of texts"))
    elif required and not value:
        issues.append((path + (key,), f"`{key}` must not be empty"))


def _need_range(obj: dict, key: str, path: Path_, issues: list[Issue]) -> None:
    value = obj.get(key)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(_is_number(v) for v in value)
        or not 0 <= value[0] <= value[1] <= 1
    ):
        issues.append((path + (key,), f"`{key}` must be [low, high] with 0 <= low <= high <= 1"))


def _need_mapping(value: Any, path: Path_, issues: list[Issue]) -> bool:
    if not isinstance(value, dict):
        issues.append((path, "must be a mapping (key: value lines)"))
        return False
    return True


def _need_list_of_mappings(value: Any, path: Path_, issues: list[Issue]) -> list[tuple[int, dict]]:
    if not isinstance(value, list) or not value:
        issues.append((path, "must be a non-empty list"))
        return []
    items = []
    for i, item in enumerate(value):
        if isinstance(item, dict):
            items.append((i, item))
        else:
            issues.append((path + (i,), "each entry must be a mapping"))
    return items


def _lineup_roles(value: Any, path: Path_, issues: list[Issue]) -> None:
    for i, role in _need_list_of_mappings(value, path, issues):
        p = path + (i,)
        if role.get("key") not in LINEUP_KEYS:
            issues.append((p + ("key",), f"`key` must be one of {', '.join(LINEUP_KEYS)}"))
        _need_str(role, "name", p, issues)
        _need_str(role, "purpose", p, issues)
        _need_range(role, "share", p, issues)
        _need_range(role, "price_band", p, issues)


def _stages_field(obj: dict, p: Path_, issues: list[Issue]) -> None:
    stages = obj.get("stages", list(PLAN_STAGES))
    if not isinstance(stages, list) or not stages or any(s not in PLAN_STAGES for s in stages):
        issues.append((p + ("stages",), f"`stages` must list some of {', '.join(PLAN_STAGES)}"))


def _warmup_schedule(value: Any, path: Path_, issues: list[Issue]) -> None:
    for i, step in _need_list_of_mappings(value, path, issues):
        p = path + (i,)
        days = step.get("days_before")
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 60:
            issues.append((p + ("days_before",), "`days_before` must be an integer from 0 to 60"))
        videos = step.get("videos")
        if not isinstance(videos, int) or isinstance(videos, bool) or not 0 <= videos <= 20:
            issues.append((p + ("videos",), "`videos` must be an integer from 0 to 20"))
        _need_str_list(step, "video_types", p, issues, required=False)
        _need_str_list(step, "tasks", p, issues)
        _stages_field(step, p, issues)


def _show_blocks(value: Any, path: Path_, issues: list[Issue]) -> None:
    for i, template in _need_list_of_mappings(value, path, issues):
        p = path + (i,)
        max_hours = template.get("max_hours")
        if not _is_number(max_hours) or max_hours <= 0:
            issues.append((p + ("max_hours",), "`max_hours` must be a number above 0"))
        total = 0.0
        blocks = _need_list_of_mappings(template.get("blocks"), p + ("blocks",), issues)
        for j, block in blocks:
            bp = p + ("blocks", j)
            _need_str(block, "segment", bp, issues)
            share = block.get("share")
            if not _is_number(share) or share <= 0:
                issues.append((bp + ("share",), "`share` must be a number above 0"))
            else:
                total += share
            if block.get("role") not in BLOCK_ROLES:
                issues.append((bp + ("role",), f"`role` must be one of {', '.join(BLOCK_ROLES)}"))
        if blocks and abs(total - 1.0) > 0.001:
            issues.append((p + ("blocks",), f"the block shares add up to {total:.3f}, not 1"))


def _contingency_rules(value: Any, path: Path_, issues: list[Issue]) -> None:
    for i, rule in _need_list_of_mappings(value, path, issues):
        for key in ("metric", "condition", "action"):
            _need_str(rule, key, path + (i,), issues)


def _compliance_checklist(value: Any, path: Path_, issues: list[Issue]) -> None:
    if not _need_mapping(value, path, issues):
        return
    _need_str_list(value, "banned_terms", path, issues)
    for i, item in _need_list_of_mappings(value.get("items"), path + ("items",), issues):
        _need_str(item, "rule", path + ("items", i), issues)
        _need_str(item, "law", path + ("items", i), issues)


def _review_checklist(value: Any, path: Path_, issues: list[Issue]) -> None:
    if not _need_mapping(value, path, issues):
        return
    _need_str_list(value, "metrics", path, issues)
    _need_str_list(value, "questions", path, issues)


def _team_roles(value: Any, path: Path_, issues: list[Issue]) -> None:
    for i, size in _need_list_of_mappings(value, path, issues):
        p = path + (i,)
        limit = size.get("max_followers")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
            issues.append((p + ("max_followers",), "`max_followers` must be a whole number >= 0"))
        _need_str(size, "label", p, issues)
        for j, role in _need_list_of_mappings(size.get("roles"), p + ("roles",), issues):
            _need_str(role, "role", p + ("roles", j), issues)
            _need_str(role, "duty", p + ("roles", j), issues)


def _traffic_rules(value: Any, path: Path_, issues: list[Issue]) -> None:
    if not _need_mapping(value, path, issues):
        return
    share = value.get("pre_share")
    if not _is_number(share) or not 0 <= share <= 1:
        issues.append((path + ("pre_share",), "`pre_share` must be a number from 0 to 1"))
    _need_str_list(value, "rules", path, issues)
    _need_str_list(value, "zero_budget", path, issues)


def _goal_assumptions(value: Any, path: Path_, issues: list[Issue]) -> None:
    if not _need_mapping(value, path, issues):
        return
    rates = value.get("conversion_rate")
    if not isinstance(rates, dict) or set(rates) != set(PLAN_STAGES):
        issues.append((path + ("conversion_rate",), f"`conversion_rate` must give a rate for each of {', '.join(PLAN_STAGES)}"))
    else:
        for stage, rate in rates.items():
            if not _is_number(rate) or not 0 < rate < 1:
                issues.append((path + ("conversion_rate", stage), "a conversion rate must be a number between 0 and 1"))
    aov = value.get("default_aov")
    if not _is_number(aov) or aov <= 0:
        issues.append((path + ("default_aov",), "`default_aov` must be a number above 0"))
    weight = value.get("peak_hour_weight", 1)
    if not _is_number(weight) or weight < 1:
        issues.append((path + ("peak_hour_weight",), "`peak_hour_weight` must be a number >= 1"))
    _need_str_list(value, "notes", path, issues, required=False)


def _benchmark_number(entry: dict, key: str, unit: Any, p: Path_, issues: list[Issue], required: bool) -> bool:
    """Check one threshold value; True when it is a usable number."""
    if key not in entry and not required:
        return False
    value = entry.get(key)
    if not _is_number(value):
        issues.append((p + (key,), f"`{key}` must be a number"))
        return False
    if unit == "ratio" and not 0 <= value <= 1:
        issues.append((p + (key,), f"`{key}` is a ratio: write a fraction from 0 to 1 (5% is 0.05), not {value}"))
        return False
    if unit in ("seconds", "yuan", "multiple") and value < 0:
        issues.append((p + (key,), f"`{key}` must not be negative"))
        return False
    return True


def _metric_benchmark(entry: dict, p: Path_, issues: list[Issue]) -> None:
    metric = entry.get("metric")
    shape = BENCHMARK_METRICS.get(metric) if isinstance(metric, str) else None
    if shape is None:
        issues.append((p + ("metric",), f"`metric` must be one of {', '.join(BENCHMARK_METRICS)}"))
    unit, better = entry.get("unit"), entry.get("better")
    if unit not in BENCHMARK_UNITS:
        issues.append((p + ("unit",), f"`unit` must be one of {', '.join(BENCHMARK_UNITS)}"))
    elif shape and unit != shape[0]:
        issues.append((p + ("unit",), f"`unit` of {metric} must be {shape[0]}, not {unit}"))
    if better not in ("higher", "lower"):
        issues.append((p + ("better",), "`better` must be higher or lower"))
    elif shape and better != shape[1]:
        issues.append((p + ("better",), f"`better` of {metric} must be {shape[1]}"))
    for key in ("name", "depends", "action"):
        _need_str(entry, key, p, issues)
    has_concern = _benchmark_number(entry, "concern", unit, p, issues, required=True)
    has_good = _benchmark_number(entry, "good", unit, p, issues, required=False)
    if has_concern and has_good and better in ("higher", "lower"):
        concern, good = entry["concern"], entry["good"]
        if (better == "higher" and good < concern) or (better == "lower" and good > concern):
            side = "at or above" if better == "higher" else "at or below"
            issues.append((p + ("good",), f"`good` ({good}) must be {side} `concern` ({concern}) when better is {better}"))
    window = entry.get("window_minutes")
    if "window_minutes" in entry and (not isinstance(window, int) or isinstance(window, bool) or window <= 0):
        issues.append((p + ("window_minutes",), "`window_minutes` must be a whole number of minutes above 0"))
    elif metric == "online_drop" and window is None:
        issues.append((p + ("window_minutes",), "online_drop needs `window_minutes`: the fall `concern` is measured within it"))
    cards = entry.get("cards")
    if not isinstance(cards, list) or not cards:
        issues.append((p + ("cards",), "`cards` must list at least one card id with the fix"))
    else:
        for j, card_id in enumerate(cards):
            if not isinstance(card_id, str) or not CARD_ID.match(card_id):
                issues.append((p + ("cards", j), f"{card_id!r} is not a card id (lowercase letters, digits and '-')"))


def _metric_benchmarks(value: Any, path: Path_, issues: list[Issue]) -> None:
    seen: dict[str, int] = {}
    for i, entry in _need_list_of_mappings(value, path, issues):
        _metric_benchmark(entry, path + (i,), issues)
        metric = entry.get("metric")
        if isinstance(metric, str) and metric in BENCHMARK_METRICS:
            if metric in seen:
                issues.append((path + (i, "metric"), f"{metric} is already given in entry {seen[metric]}; give each metric once"))
            else:
                seen[metric] = i
    missing = [m for m in BENCHMARK_METRICS if m not in seen]
    if isinstance(value, list) and value and missing:
        issues.append((path, f"no benchmark for: {', '.join(missing)}; every review metric needs one entry"))


def benchmark_card_refs(plan: Any) -> list[tuple[Path_, str]]:
    """(key path, card id) for every card a ``metric_benchmarks`` block names, to check they exist."""
    refs: list[tuple[Path_, str]] = []
    entries = plan.get("metric_benchmarks") if isinstance(plan, dict) else None
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        cards = entry.get("cards") if isinstance(entry, dict) else None
        for j, card_id in enumerate(cards if isinstance(cards, list) else []):
            if isinstance(card_id, str):
                refs.append((("metric_benchmarks", i, "cards", j), card_id))
    return refs


VALIDATORS: dict[str, Callable[[Any, Path_, list[Issue]], None]] = {
    "lineup_roles": _lineup_roles,
    "warmup_schedule": _warmup_schedule,
    "show_blocks": _show_blocks,
    "contingency_rules": _contingency_rules,
    "compliance_checklist": _compliance_checklist,
    "review_checklist": _review_checklist,
    "team_roles": _team_roles,
    "traffic_rules": _traffic_rules,
    "goal_assumptions": _goal_assumptions,
    "metric_benchmarks": _metric_benchmarks,
}
PLAN_KINDS = tuple(VALIDATORS)


def validate_plan_block(plan: Any) -> list[Issue]:
    """Every problem in a card's ``plan:`` block, as (key path, message) pairs."""
    issues: list[Issue] = []
    if not isinstance(plan, dict):
        return [((), "`plan` must be a mapping of plan-material kinds")]
    for kind, value in plan.items():
        validator = VALIDATORS.get(kind)
        if validator is None:
            issues.append(((kind,), f"unknown plan material `{kind}`; known kinds: {', '.join(PLAN_KINDS)}"))
            continue
        validator(value, (kind,), issues)
    return issues
