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
"""

from __future__ import annotations

from typing import Any, Callable

PLAN_STAGES = ("cold-start", "growth", "plateau", "big-event")
LINEUP_KEYS = ("hook", "perk", "main", "profit", "image")
BLOCK_ROLES = ("open", "hook", "main", "profit", "image", "loop", "close")

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
