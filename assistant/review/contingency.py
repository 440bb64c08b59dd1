"""The handbook's contingency rules (``contingency_rules`` plan material) for the live console's alerts.

The one place that reads the rules' shape, so it can be re-pointed when the shape changes. Today's shape
(playbook/plan_material.py) is ``{metric: str (Chinese name), condition: str, action: str}``; a rule that
names its live metric in a structured field (``metric_id``, or ``trigger: {metric: ...}``, or a ``metric``
that already is an id of ``LIVE_METRICS``) is matched by it. Otherwise the Chinese metric name is
matched, and for the viewer count only the rules about a fall (掉/跌/下滑) go with a drop alert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

# live alert metric -> the Chinese metric names the rules use
LIVE_METRICS: dict[str, tuple[str, ...]] = {
    "online_drop": ("在线人数", "在线", "人气"),
    "avg_stay": ("平均停留时长", "停留时长", "停留"),
    "conversion_rate": ("转化率", "看播转化", "成交转化"),
    "ad_roi": ("投流ROI", "投流消耗", "投流"),
}
_FALL = re.compile(r"掉|跌|下滑|下降|流失")


@dataclass(frozen=True)
class ContingencyRule:
    metric: str          # live metric id
    label: str           # the metric as the card names it
    condition: str
    action: str
    card: str


def _structured_metric(rule: Mapping[str, Any]) -> str | None:
    trigger = rule.get("trigger")
    for value in (rule.get("metric_id"), trigger.get("metric") if isinstance(trigger, Mapping) else None, rule.get("metric")):
        if isinstance(value, str) and value in LIVE_METRICS:
            return value
    return None


def _text_metric(label: str, condition: str) -> str | None:
    name = label.replace(" ", "")
    for metric, names in LIVE_METRICS.items():
        if any(name == n or name.startswith(n) for n in names):
            if metric == "online_drop" and not _FALL.search(condition):
                return None   # e.g. "在线接近翻倍" is not what a drop alert calls for
            return metric
    return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def contingency_rules(cards: Iterable[Any]) -> dict[str, tuple[ContingencyRule, ...]]:
    """live metric id → the rules of every card that carries ``contingency_rules``, in card order."""
    found: dict[str, list[ContingencyRule]] = {}
    for card in cards:
        rules = (getattr(card, "plan", None) or {}).get("contingency_rules")
        if not isinstance(rules, (list, tuple)):
            continue
        for rule in rules:
            if not isinstance(rule, Mapping):
                continue
            label, condition, action = _text(rule.get("metric")), _text(rule.get("condition")), _text(rule.get("action"))
            if not action:
                continue
            metric = _structured_metric(rule) or _text_metric(label, condition)
            if metric is not None:
                found.setdefault(metric, []).append(ContingencyRule(metric, label or metric, condition, action, card.id))
    return {m: tuple(r) for m, r in found.items()}
