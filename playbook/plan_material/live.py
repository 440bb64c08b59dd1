"""``contingency_rules``: what to do when something happens during the show, with a trigger a live
console can evaluate.

Each rule keeps the words people read (``metric``, ``condition``, ``action``) and adds ``trigger``:
which signal it watches (``signal``), whether the numbers of the show carry it (``source: series``) or
a person reports it (``manual``), how it compares (``compare``) with what (``baseline``), the labelled
number (``value`` in ``unit``, ``label`` saying how sure it is) and the window it is measured over.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import Field

from playbook.plan_material.schemas import Model, Text

# signal -> (where it comes from, the comparisons that make sense for it)
SIGNALS: dict[str, tuple[str, tuple[str, ...]]] = {
    "online_drop": ("series", ("fall_by",)),            # online fell fast against the window before
    "online_slide": ("series", ("below",)),             # still falling after two rescues, under the usual level
    "online_surge": ("series", ("above",)),             # viewers pouring in
    "avg_stay": ("series", ("below",)),
    "interaction_rate": ("series", ("below",)),
    "conversion_rate": ("series", ("below",)),
    "ad_spend_stall": ("series", ("below",)),           # a plan that does not spend
    "ad_roi": ("series", ("below",)),                   # ROI under the break-even line
    "price_link_error": ("manual", ("event",)),
    "comment_attack": ("manual", ("event",)),
    "perk_sold_out": ("manual", ("event",)),
    "stock_low": ("manual", ("below",)),
    "refund_spike": ("manual", ("above",)),
    "host_or_device": ("manual", ("event",)),
    "violation_notice": ("manual", ("event",)),
}
COMPARES = ("fall_by", "rise_by", "below", "above", "event")
BASELINES = ("window", "show_so_far", "first_30_min", "recent_shows", "break_even_roi", "plan_pace", "stock", "none")
UNITS = ("ratio", "multiple", "minutes", "count")
# The unit each comparison's value is written in: a fraction of change, or a multiple of the baseline.
COMPARE_UNIT = {"fall_by": "ratio", "rise_by": "ratio", "below": "multiple", "above": "multiple"}


class Trigger(Model):
    signal: Literal[
        "online_drop", "online_slide", "online_surge", "avg_stay", "interaction_rate", "conversion_rate",
        "ad_spend_stall", "ad_roi", "price_link_error", "comment_attack", "perk_sold_out", "stock_low",
        "refund_spike", "host_or_device", "violation_notice",
    ]
    source: Literal["series", "manual"]
    compare: Literal["fall_by", "rise_by", "below", "above", "event"]
    baseline: Literal["window", "show_so_far", "first_30_min", "recent_shows", "break_even_roi", "plan_pace",
                      "stock", "none"] = "none"
    value: Optional[Annotated[float, Field(ge=0)]] = None
    unit: Optional[Literal["ratio", "multiple", "minutes", "count"]] = None
    window_minutes: Optional[Annotated[int, Field(gt=0, le=240)]] = None
    label: Optional[Text] = None              # how sure the number is (经验线 / 本手册建议 …)


class ContingencyRule(Model):
    metric: Text
    condition: Text
    action: Text
    trigger: Trigger
    severity: Literal["high", "medium", "low"] = "medium"
