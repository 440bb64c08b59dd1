"""Everything a plan says, computed once, before any text is written: the frozen ``PlanFacts``.

Order: the handbook's material (validated records, by kind) → the category profile → each product's
role → the sales mix and 客单价 → the target broken down, break-even ROI, hour slots and the reach check →
the run of show (loops, airtime, cue lines) → the warm-up → the warnings. The section writers in
``assistant.plan.sections`` only read this record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from playbook.models import Card

from assistant.plan import cues, loops, numbers
from assistant.plan.inputs import PlanInputs, Product
from assistant.plan.material import category_profile, find_material, first_material
from assistant.plan.roles import RoleChoice, assign_roles
from assistant.plan.warmup import Warmup, warmup_items
from assistant.plan.warnings import plan_warnings

SINGLE_KINDS = ("lineup_roles", "show_blocks", "warmup_schedule", "team_roles", "traffic_rules", "goal_assumptions")
MULTI_KINDS = ("contingency_rules", "compliance_checklist", "review_checklist", "cue_lines")
PLACEHOLDER_RATE = 0.02
PLACEHOLDER_AOV = 100.0


@dataclass(frozen=True)
class Material:
    """The validated plan material of each kind: (card, record) for single kinds, all of them for the others."""

    single: Mapping[str, tuple[Card | None, Any]]
    multi: Mapping[str, tuple[tuple[Card, Any], ...]]
    category: tuple[Card | None, Any] = (None, None)

    def card(self, kind: str) -> Card | None:
        return self.single.get(kind, (None, None))[0]

    def get(self, kind: str) -> Any:
        return self.single.get(kind, (None, None))[1]

    def all(self, kind: str) -> tuple[tuple[Card, Any], ...]:
        return self.multi.get(kind, ())


def load_material(cards: Mapping[str, Card], category: str) -> Material:
    return Material({k: first_material(cards, k) for k in SINGLE_KINDS},
                    {k: tuple(find_material(cards, k)) for k in MULTI_KINDS},
                    category_profile(cards, category))


@dataclass(frozen=True)
class LineupEntry:
    product: Product
    choice: RoleChoice
    margin: float | None
    order_share: float
    orders: float
    gmv_share: float
    capped: bool
    minutes_on_air: float

    @property
    def name(self) -> str:
        return self.product.name

    def to_json(self) -> dict:
        return {"name": self.name, "price": self.product.to_json()["price"], "role": self.choice.role,
                "minutes_on_air": round(self.minutes_on_air, 1)}


@dataclass(frozen=True)
class PlanFacts:
    inputs: PlanInputs
    cards: Mapping[str, Card]
    material: Material
    lineup: tuple[LineupEntry, ...]
    mix: numbers.Mix
    goal: numbers.Goal
    break_even: numbers.BreakEven
    slots: tuple[numbers.HourSlot, ...]
    reach: numbers.Reach
    pre_budget: float
    live_budget: float
    template: Any
    cast: loops.Cast
    blocks: tuple[loops.Block, ...]
    scripts: tuple[tuple[str, ...], ...]
    surge_line: str | None
    warmup: Warmup
    warnings: tuple[str, ...] = field(default=())

    @property
    def products(self) -> dict[str, Product]:
        return {p.name: p for p in self.inputs.products}

    def role_of(self, name: str) -> RoleChoice:
        return next(e.choice for e in self.lineup if e.name == name)

    def names(self, *roles: str) -> list[str]:
        return [e.name for e in self.lineup if e.choice.role in roles]


def _cast(inputs: PlanInputs, roles: Mapping[str, RoleChoice], mix: numbers.Mix) -> loops.Cast:
    gmv = {i.name: i.gmv_share for i in mix.items}
    ordered = sorted(inputs.products, key=lambda p: (-gmv.get(p.name, 0.0), p.price))
    pick = lambda role, sub=None: tuple(p.name for p in ordered if roles[p.name].role == role  # noqa: E731
                                        and (sub is None or roles[p.name].sub == sub))
    cheap_first = lambda names: tuple(sorted(names, key=lambda n: next(p.price for p in inputs.products if p.name == n)))  # noqa: E731
    return loops.Cast(hooks=cheap_first(pick("hook")), perks=cheap_first(pick("perk")), leads=pick("main", "lead"),
                      seconds=pick("main", "second"), bridges=pick("main", "bridge"), profits=pick("profit"),
                      images=pick("image"))


def compute_facts(inputs: PlanInputs, cards: Mapping[str, Card]) -> PlanFacts:
    material = load_material(cards, inputs.category)
    role_defs = material.get("lineup_roles") or []
    roles = assign_roles(inputs.products, role_defs)
    shares = {r.key: r.order_share for r in role_defs}
    mix = numbers.sales_mix(inputs.products, roles, shares, inputs.target_gmv)
    goal_material = material.get("goal_assumptions")
    rate = goal_material.conversion_rate.of(inputs.stage) if goal_material else PLACEHOLDER_RATE
    goal = numbers.goal_numbers(inputs, rate, mix, goal_material.default_aov if goal_material else PLACEHOLDER_AOV)
    traffic = material.get("traffic_rules")
    profile = material.category[1]
    return_rate = profile.return_rate if profile else (traffic.default_return_rate if traffic else 0.0)
    return_label = profile.return_label if profile else (traffic.return_label if traffic else "未估退货")
    be = numbers.break_even(mix, return_rate, return_label, traffic.commission_rate if traffic else 0.0,
                            traffic.safety_multiple if traffic else 1.0)
    budget = inputs.ad_budget or 0.0
    pre = round(budget * (traffic.pre_share if traffic else 0.0))
    live = budget - pre
    if goal_material:
        r = goal_material.reach
        reach = numbers.reach(inputs, goal, r.fan_reach.of(inputs.stage), r.organic_per_hour.of(inputs.stage),
                              r.cost_per_paid_viewer, live, r.warn_ratio, r.label)
        peak = goal_material.peak
        # Fans first (hour 1 peaks) unless the account is starting or most viewers are bought or recommended.
        ramp = inputs.stage == "cold-start" or reach.paid + reach.organic > reach.fans
        hour_profile, clock = (peak.ramp if ramp else peak.fans), peak.clock
    else:
        reach = numbers.reach(inputs, goal, 0.3, 500, 1.0, live, 1e9, "")
        hour_profile, clock = [1.0], [1.0] * 24
    slots = numbers.hour_slots(inputs, hour_profile, clock, goal, live)
    template = loops.choose_template(material.get("show_blocks") or [], inputs.duration_hours)
    cast = _cast(inputs, roles, mix)
    blocks = loops.plan_loops(inputs.broadcast_at, inputs.minutes, template, cast)
    on_air = loops.airtime(blocks)
    products = {p.name: p for p in inputs.products}
    cue_sources = [m for _, m in material.all("cue_lines")]
    book = cues.cue_book(cue_sources, profile.demo_cue if profile else None)
    scripts = cues.block_scripts(inputs, products, blocks, book, cast.leads or cast.seconds, cast.images)
    by_name = {i.name: i for i in mix.items}
    lineup = tuple(LineupEntry(p, roles[p.name], numbers.product_margin(p), by_name[p.name].order_share,
                               by_name[p.name].orders, by_name[p.name].gmv_share, by_name[p.name].capped,
                               on_air.get(p.name, 0.0)) for p in inputs.products)
    warmup = warmup_items(inputs, material.get("warmup_schedule") or [], budget > 0)
    facts = PlanFacts(inputs, cards, material, lineup, mix, goal, be, slots, reach, pre, live, template, cast,
                      tuple(blocks), tuple(scripts), cues.surge_cue(book, inputs, products, cast.leads or cast.seconds),
                      warmup)
    return _with_warnings(facts)


def _with_warnings(facts: PlanFacts) -> PlanFacts:
    from dataclasses import replace

    return replace(facts, warnings=tuple(plan_warnings(facts)))


def show_day(facts: PlanFacts) -> dt.date:
    return facts.inputs.broadcast_at.date()
