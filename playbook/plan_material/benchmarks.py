"""``metric_benchmarks``: the rule-of-thumb line of each review metric (kept in glossary-metrics).

Its shape and messages are what the review engine and its tests rely on; it is kept exactly as it was
when the other kinds moved to pydantic schemas (see the package docstring for the shape).
"""

from __future__ import annotations

import re
from typing import Any

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

Path_ = tuple
Issue = tuple[Path_, str]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _need_str(obj: dict, key: str, path: Path_, issues: list[Issue]) -> None:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        issues.append((path + (key,), f"`{key}` must be a non-empty text"))


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


def validate_metric_benchmarks(value: Any, path: Path_, issues: list[Issue]) -> None:
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
