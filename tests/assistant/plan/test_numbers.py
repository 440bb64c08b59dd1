"""The plan's numbers: 客单价 weighted by the expected sales mix, stock caps, break-even ROI with returns,
hour slots (fan rooms peak in hour 1), and the reach check with its plain-Chinese warning."""

from __future__ import annotations

import copy

import pytest

from assistant.plan import compute_facts, parse_plan_inputs
from assistant.plan.inputs import Product
from assistant.plan.numbers import break_even, sales_mix, split_by_weight
from assistant.plan.roles import RoleChoice
from tests.assistant.conftest import DEV_PLANS, load_yaml
from tests.support.paths import EVAL_DIR

pytestmark = pytest.mark.pure
CASES = {c["id"]: c for c in load_yaml(EVAL_DIR / "plan_cases.yaml")["plans"]}
SHARES = {"hook": 0.25, "perk": 0.15, "main": 0.39, "profit": 0.19, "image": 0.02}


def facts_of(case_id: str, cards, **changes):
    raw = {k: v for k, v in copy.deepcopy(CASES[case_id]).items() if k not in ("id", "note")}
    raw.update(changes)
    return compute_facts(parse_plan_inputs(raw), cards)


def test_aov_is_weighted_by_the_sales_mix_not_a_plain_average():
    products = (Product("袜子", 9.9), Product("羽绒服", 399), Product("围巾", 59))
    roles = {"袜子": RoleChoice("hook", "x"), "羽绒服": RoleChoice("main", "x", "lead"), "围巾": RoleChoice("profit", "x")}
    mix = sales_mix(products, roles, SHARES, 100_000)
    shares = (0.25, 0.39, 0.19)
    expected = sum(s * p.price for s, p in zip(shares, products)) / sum(shares)
    assert mix.aov == pytest.approx(expected)
    assert mix.aov != pytest.approx(sum(p.price for p in products) / 3)
    by = {i.name: i for i in mix.items}
    assert by["袜子"].order_share + by["围巾"].order_share > 0.5, "most orders come from the cheap items"
    assert by["羽绒服"].gmv_share > 0.8, "the GMV comes from the main item"
    assert mix.orders * mix.aov == pytest.approx(100_000)


def test_stock_caps_an_item_and_the_rest_carries_the_target():
    products = (Product("福利扇贝", 9.9, stock=50), Product("帝王蟹", 399, stock=150), Product("虾仁", 49.9, stock=100_000))
    roles = {"福利扇贝": RoleChoice("perk", "x"), "帝王蟹": RoleChoice("main", "x", "lead"), "虾仁": RoleChoice("main", "x", "bridge")}
    mix = sales_mix(products, roles, SHARES, 200_000)
    by = {i.name: i for i in mix.items}
    assert by["福利扇贝"].orders == 50 and by["福利扇贝"].capped
    assert by["帝王蟹"].orders == 150 and by["帝王蟹"].capped
    assert sum(i.orders * i.product.price for i in mix.items) == pytest.approx(200_000)
    assert mix.stock_gmv == pytest.approx(50 * 9.9 + 150 * 399 + 100_000 * 49.9)


def test_break_even_roi_counts_returns_and_commission():
    products = (Product("连衣裙", 100, cost=60),)
    mix = sales_mix(products, {"连衣裙": RoleChoice("main", "x", "lead")}, SHARES, 10_000)
    assert mix.margin == pytest.approx(0.4)
    assert break_even(mix, 0.3, "经验", 0.0, 1.2).roi == pytest.approx(1 / 0.28)       # ≈ 3.6, not 2.5
    assert break_even(mix, 0.3, "经验", 0.1, 1.2).roi == pytest.approx(1 / 0.18)       # ≈ 5.6
    assert break_even(mix, 0.7, "经验", 0.2, 1.2).roi is None                          # nothing left to pay for ads
    no_cost = sales_mix((Product("a", 10),), {"a": RoleChoice("main", "x", "lead")}, SHARES, 100)
    assert no_cost.margin is None and break_even(no_cost, 0.3, "", 0, 1).roi is None


def test_split_by_weight_adds_up_exactly():
    parts = split_by_weight(1000, [1.5, 1.0, 1.0, 0.7])
    assert sum(parts) == 1000 and parts[0] == max(parts)


def test_fan_driven_rooms_peak_in_the_first_hour(shipped_cards):
    facts = facts_of("winter-down-jacket-growth", shipped_cards)
    assert facts.reach.fans > facts.reach.paid + facts.reach.organic
    assert facts.slots[0].peak and facts.slots[0].gmv == max(s.gmv for s in facts.slots)
    assert sum(s.gmv for s in facts.slots) == pytest.approx(facts.inputs.target_gmv)
    assert sum(s.budget for s in facts.slots) == pytest.approx(facts.live_budget)


def test_rooms_living_on_recommendation_build_up_and_evening_hours_weigh_more(shipped_cards):
    cold = facts_of("womenswear-cold-start-2h", shipped_cards)
    assert not cold.slots[0].peak
    day = facts_of("home-goods-12h-growth", shipped_cards)
    by_hour = {s.start.hour: s.gmv for s in day.slots}
    assert by_hour[19] > by_hour[9] and by_hour[12] > by_hour[15], "evening and noon above morning and afternoon"


def test_the_winter_case_numbers(shipped_cards):
    facts = facts_of("winter-down-jacket-growth", shipped_cards)
    mean = sum(p.price for p in facts.inputs.products) / len(facts.inputs.products)
    assert facts.goal.aov < mean and facts.goal.aov > 100
    top = max(facts.mix.items, key=lambda i: i.gmv_share)
    assert top.name == "长款白鸭绒羽绒服" and top.gmv_share > 0.5
    assert facts.break_even.return_rate == 0.3 and "经验假设" in facts.break_even.return_label
    assert facts.break_even.roi == pytest.approx(1 / (facts.mix.margin * 0.7))
    assert not facts.reach.out_of_reach and not facts.warnings


def test_an_out_of_reach_target_warns_in_plain_chinese_with_what_would_help(shipped_cards):
    facts = facts_of("out-of-reach-target-growth", shipped_cards)
    assert facts.reach.out_of_reach
    warning = next(w for w in facts.warnings if "够不着" in w)
    for words in ("人次场观", "12万粉丝", "把目标降到约", "投流预算加到约", "客单价提到约", "大场"):
        assert words in warning, words
    reachable = facts_of("out-of-reach-target-growth", shipped_cards, target_gmv=40_000)
    assert not any("够不着" in w for w in reachable.warnings)


def test_stock_that_cannot_carry_the_target_is_a_warning(shipped_cards):
    facts = facts_of("seafood-plateau-tiny-perk-stock", shipped_cards)
    assert any("库存全部卖完也只有" in w for w in facts.warnings)
    assert any("帝王蟹整只" in w and "库存" in w for w in facts.warnings)


def test_no_products_uses_the_placeholder_and_says_so(shipped_cards):
    facts = compute_facts(parse_plan_inputs(dict(DEV_PLANS[1].items())), shipped_cards)
    assert not facts.goal.aov_from_mix and facts.goal.aov == 100
