"""The plan's numbers: the sales mix and the weighted 客单价, the target broken down, break-even ROI with
returns, hour slots and a reach check of the audience the target needs.

Pure functions over validated inputs and plan material; every assumption they use is returned with
its label so the sections can say where a number came from.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Mapping, Sequence

from assistant.plan.inputs import PlanInputs, Product
from assistant.plan.roles import RoleChoice, margin

DEFAULT_ORDER_SHARE = {"hook": 0.25, "perk": 0.15, "main": 0.39, "profit": 0.19, "image": 0.02}


@dataclass(frozen=True)
class MixItem:
    """One product in the expected sales mix."""

    product: Product
    choice: RoleChoice
    order_share: float          # of the show's orders
    orders: float               # expected orders at the target
    gmv_share: float            # of the show's GMV
    capped: bool = False        # its stock limits it

    @property
    def name(self) -> str:
        return self.product.name


@dataclass(frozen=True)
class Mix:
    items: tuple[MixItem, ...]
    aov: float                  # order-weighted 客单价
    orders: float
    stock_gmv: float | None     # GMV if every product sold out (None when some stock is unknown)
    margin: float | None        # GMV-weighted gross margin of the products with a cost
    margin_coverage: float      # share of the expected GMV whose cost is known


def sales_mix(products: Sequence[Product], roles: Mapping[str, RoleChoice], order_share: Mapping[str, float],
              target: float) -> Mix:
    """Orders split by role (the handbook's expected shares, renormalised over the roles present), equally
    among a role's products; a product whose expected orders exceed its stock is held at its stock and
    the rest of the target is spread over the others."""
    if not products:
        return Mix((), 0.0, 0.0, None, None, 0.0)
    by_role: dict[str, list[Product]] = {}
    for p in products:
        by_role.setdefault(roles[p.name].role, []).append(p)
    total = sum(order_share.get(r, DEFAULT_ORDER_SHARE[r]) for r in by_role) or 1.0
    weight = {p.name: order_share.get(r, DEFAULT_ORDER_SHARE[r]) / total / len(ps) for r, ps in by_role.items() for p in ps}
    fixed: dict[str, float] = {}
    while True:  # each pass holds at least one more product at its stock, so it ends
        free = [p for p in products if p.name not in fixed]
        gmv_left = target - sum(fixed[p.name] * p.price for p in products if p.name in fixed)
        w = sum(weight[p.name] for p in free)
        if not free or w <= 0 or gmv_left <= 0:
            expected = {p.name: 0.0 for p in free}
            break
        orders_free = gmv_left / (sum(weight[p.name] * p.price for p in free) / w)
        share = {p.name: orders_free * weight[p.name] / w for p in free}
        over = [p for p in free if p.stock is not None and share[p.name] > p.stock]
        if not over:
            expected = share
            break
        for p in over:
            fixed[p.name] = float(p.stock)
    expected.update(fixed)
    if not any(expected.values()):  # nothing can sell (all stock 0): keep the plain shares
        expected = {p.name: weight[p.name] for p in products}
    orders = sum(expected.values())
    gmv = sum(expected[p.name] * p.price for p in products) or 1.0
    items = tuple(MixItem(p, roles[p.name], expected[p.name] / orders if orders else 0.0, expected[p.name],
                          expected[p.name] * p.price / gmv, p.name in fixed) for p in products)
    stock_gmv = sum(p.stock * p.price for p in products) if all(p.stock is not None for p in products) else None
    costed = [i for i in items if i.product.cost is not None]
    costed_gmv = sum(i.orders * i.product.price for i in costed)
    gm = (sum(i.orders * (i.product.price - i.product.cost) for i in costed) / costed_gmv) if costed_gmv > 0 else None
    return Mix(items, gmv / orders if orders else 0.0, orders, stock_gmv, gm, costed_gmv / gmv if costed else 0.0)


@dataclass(frozen=True)
class Goal:
    rate: float                 # 看播转化率 assumed for the stage
    aov: float
    aov_from_mix: bool          # False: the handbook's placeholder (no products given)
    viewers: float
    orders: float
    uv: float


def goal_numbers(inputs: PlanInputs, rate: float, mix: Mix, placeholder_aov: float) -> Goal:
    aov = mix.aov if mix.items and mix.aov > 0 else placeholder_aov
    return Goal(rate, aov, bool(mix.items), inputs.target_gmv / (rate * aov), inputs.target_gmv / aov, rate * aov)


@dataclass(frozen=True)
class BreakEven:
    margin: float | None        # weighted gross margin (None: no costs given)
    return_rate: float
    return_label: str
    commission: float
    roi: float | None           # None: no margin, or no margin left after returns and commission
    safety: float               # the multiple of roi from which adding budget is advised

    @property
    def add_line(self) -> float | None:
        return None if self.roi is None else self.roi * self.safety


def break_even(mix: Mix, return_rate: float, return_label: str, commission: float, safety: float) -> BreakEven:
    """保本ROI = 1 ÷ (毛利率 × (1 − 退货率) − 佣金率)."""
    roi = None
    if mix.margin is not None:
        left = mix.margin * (1 - return_rate) - commission
        roi = 1 / left if left > 0 else None
    return BreakEven(mix.margin, return_rate, return_label, commission, roi, safety)


@dataclass(frozen=True)
class HourSlot:
    start: dt.datetime
    end: dt.datetime
    weight: float
    peak: bool = False
    gmv: float = 0.0
    viewers: float = 0.0
    orders: float = 0.0
    budget: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def split_by_weight(total: float, weights: list[float], unit: float = 1.0) -> list[float]:
    """Split ``total`` by weights, rounded to ``unit``, with the rounding put on the largest part so the
    parts add up exactly to the (rounded) total."""
    if not weights:
        return []
    s = sum(weights) or 1.0
    parts = [round(total * w / s / unit) * unit for w in weights]
    diff = round(total / unit) * unit - sum(parts)
    biggest = max(range(len(parts)), key=lambda i: parts[i])
    parts[biggest] += diff
    return parts


def hour_slots(inputs: PlanInputs, profile: Sequence[float], clock: Sequence[float], goal: Goal,
               live_budget: float) -> tuple[HourSlot, ...]:
    """Hour slots from the start, weighted by the hour of the show (``profile``, the last weight repeating)
    and the clock hour (``clock``); the slot with the largest weight per hour is the peak."""
    total = inputs.minutes
    raw = []
    for k, offset in enumerate(range(0, total, 60)):
        end = min(offset + 60, total)
        start = inputs.broadcast_at + dt.timedelta(minutes=offset)
        per_hour = profile[min(k, len(profile) - 1)] * clock[start.hour]
        raw.append((start, inputs.broadcast_at + dt.timedelta(minutes=end), per_hour, (end - offset) / 60))
    weights = [w * length for _, _, w, length in raw]
    peak = max(range(len(raw)), key=lambda i: raw[i][2]) if len(raw) > 1 else -1
    gmvs = split_by_weight(inputs.target_gmv, weights)
    views = split_by_weight(goal.viewers, weights)
    orders = split_by_weight(goal.orders, weights)
    budgets = split_by_weight(live_budget, weights) if live_budget > 0 else [0.0] * len(raw)
    return tuple(HourSlot(s, e, w, i == peak, g, v, o, b)
                 for i, ((s, e, _, _), w, g, v, o, b) in enumerate(zip(raw, weights, gmvs, views, orders, budgets)))


@dataclass(frozen=True)
class Reach:
    fans: float
    organic: float
    paid: float
    required: float
    warn_ratio: float
    label: str

    @property
    def total(self) -> float:
        return self.fans + self.organic + self.paid

    @property
    def ratio(self) -> float:
        return self.required / self.total if self.total > 0 else math.inf

    @property
    def out_of_reach(self) -> bool:
        return self.ratio > self.warn_ratio


def reach(inputs: PlanInputs, goal: Goal, fan_reach: float, organic_per_hour: float, cost_per_viewer: float,
          live_budget: float, warn_ratio: float, label: str) -> Reach:
    return Reach(inputs.followers * fan_reach, organic_per_hour * inputs.duration_hours,
                 live_budget / cost_per_viewer if cost_per_viewer > 0 else 0.0, goal.viewers, warn_ratio, label)


def product_margin(p: Product) -> float | None:
    return margin(p.price, p.cost)
