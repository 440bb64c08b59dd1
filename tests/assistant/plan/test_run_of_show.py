"""The run of show as loops: exact tiling (midnight included), rounds of 20–40 minutes, hooks back within
~45 minutes however long the show, airtime following value, the image item as the opening anchor, cue
lines filled with this show's products and prices."""

from __future__ import annotations

import copy
import re

import pytest

from assistant.plan import build_plan, compute_facts, parse_plan_inputs
from assistant.plan.loops import airtime, hook_gaps
from tests.assistant.conftest import DEV_PLANS, load_yaml
from tests.support.paths import EVAL_DIR
from tests.support.plans import check_plan_contract

pytestmark = pytest.mark.pure
CASES = {c["id"]: {k: v for k, v in c.items() if k not in ("id", "note")} for c in load_yaml(EVAL_DIR / "plan_cases.yaml")["plans"]}
WINTER = CASES["winter-down-jacket-growth"]


def facts_for(raw, cards, **changes):
    raw = copy.deepcopy(raw)
    raw.update(changes)
    return compute_facts(parse_plan_inputs(raw), cards)


@pytest.mark.parametrize("when,hours", [("2026-12-31T23:00", 2.25), ("2026-12-09T22:30", 4), ("2026-06-01T00:10", 0.5),
                                        ("2026-06-01T20:00", 12), ("2026-06-01T19:07", 1.3333), ("2026-06-01T21:00", 7.77),
                                        ("2026-11-10T18:00", 6)])
def test_run_of_show_tiles_any_show_exactly(when, hours, shipped_cards):
    raw = dict(copy.deepcopy(WINTER), broadcast_at=when, duration_hours=hours)
    plan = build_plan(raw, shipped_cards)
    check_plan_contract(plan.to_json(), raw, shipped_cards)


@pytest.mark.parametrize("hours", [1, 2, 3, 4, 6, 8, 12])
def test_rounds_last_20_to_40_minutes_and_hooks_come_back_within_45(hours, shipped_cards):
    facts = facts_for(WINTER, shipped_cards, duration_hours=hours)
    rounds: dict[int, int] = {}
    for b in facts.blocks:
        if b.round:
            rounds[b.round] = rounds.get(b.round, 0) + b.minutes
    assert all(20 <= m <= 40 for m in rounds.values()), rounds
    assert max(hook_gaps(facts.blocks)) <= 45
    assert len(rounds) >= hours * 60 // 45 - 1, "a long show is a loop, not three hook rounds"
    assert [b.part for b in facts.blocks].count("hook") == len(rounds)


def test_a_six_hour_show_has_hooks_all_the_way_through(shipped_cards):
    facts = facts_for(WINTER, shipped_cards, duration_hours=6)
    starts = [(b.start - facts.blocks[0].start).total_seconds() / 60 for b in facts.blocks if b.part == "hook"]
    assert len(starts) >= 8 and starts[-1] > 300
    assert any(b.highlight for b in facts.blocks), "long shows mark a 小高潮 about every two hours"


def test_main_items_carry_the_airtime(shipped_cards):
    facts = facts_for(WINTER, shipped_cards)
    on_air = {e.name: e.minutes_on_air for e in facts.lineup}
    assert max(on_air, key=on_air.get) == "长款白鸭绒羽绒服"
    assert on_air["长款白鸭绒羽绒服"] > 3 * on_air["羊毛围巾"]
    assert on_air["双面羊绒大衣"] < 20
    mains = [b for b in facts.blocks if b.part == "main"]
    assert mains and all("长款白鸭绒羽绒服" in b.products for b in mains), "the main item is in every round"
    assert on_air == pytest.approx(airtime(facts.blocks))


def test_the_image_item_anchors_the_opening_and_stays_short(shipped_cards):
    """The new order (replaces "profit and image later"): 形象款 is shown at the opening as the price anchor,
    formally pitched once after the first round and again about every two hours; hooks lead each round."""
    facts = facts_for(WINTER, shipped_cards)
    blocks = facts.blocks
    assert blocks[0].part == "open" and "双面羊绒大衣" in blocks[0].products and "形象款" in blocks[0].segment
    first_round = [b.part for b in blocks if b.round == 1]
    assert first_round[0] == "hook" and first_round.index("main") < first_round.index("profit")
    images = [i for i, b in enumerate(blocks) if b.part == "image"]
    assert images and blocks[images[0] - 1].round == 1
    assert blocks[-1].part == "close" and blocks[-2].part == "encore"


def test_hooks_and_perks_take_turns_and_rotate(shipped_cards):
    raw = dict(copy.deepcopy(WINTER), products=WINTER["products"] + [{"name": "福利发夹", "price": 1.9, "cost": 1.9}])
    facts = facts_for(raw, shipped_cards)
    leaders = [(b.products[0], b.perk) for b in facts.blocks if b.part == "hook"]
    assert leaders[0] == ("福利棉袜三双装", False) and leaders[1] == ("福利发夹", True)
    assert "福利款接新人" in next(b.segment for b in facts.blocks if b.part == "hook" and b.perk)


def test_every_product_appears_even_with_200_of_them(shipped_cards):
    products = [{"name": f"商品{i}", "price": 5 + i} for i in range(200)]
    for hours in (0.5, 12):
        raw = dict(copy.deepcopy(WINTER), products=products, duration_hours=hours)
        plan = build_plan(raw, shipped_cards)
        check_plan_contract(plan.to_json(), raw, shipped_cards)


def test_no_products_gives_the_loop_shape_with_cue_templates(shipped_cards):
    plan = build_plan(DEV_PLANS[1], shipped_cards)
    assert all(b.products == () for b in plan.run_of_show)
    assert all(b.script for b in plan.run_of_show) and any("【" in line for b in plan.run_of_show for line in b.script)
    assert "还没有填商品" in plan.section("run_of_show").markdown


def test_cue_lines_are_filled_with_this_shows_products_prices_and_times(shipped_cards):
    plan = build_plan(WINTER, shipped_cards)
    blocks = plan.run_of_show
    assert all(2 <= len(b.script) <= 3 for b in blocks if b.role in ("open", "hook", "close")), [b.script for b in blocks]
    assert all(b.script for b in blocks)
    every_line = [line for b in blocks for line in b.script]
    assert not any(re.search(r"[{}【】]", line) for line in every_line)
    mains = [b for b in blocks if b.role == "main" and "长款白鸭绒羽绒服" in b.products]
    assert any("长款白鸭绒羽绒服" in line and "399" in line for b in mains for line in b.script)
    assert "暖暖女装" in blocks[0].script[0] and "19:00" in blocks[0].script[0]
    hooks = [b for b in blocks if b.role == "hook"]
    assert any("9.9" in line for line in hooks[0].script)
    assert any(hooks[1].start in line for line in hooks[0].script), "the next round's time is announced"
    assert hooks[0].script != hooks[1].script, "lines rotate from round to round"
    assert any("身高体重" in line for b in mains for line in b.script), "the category's demo line joins the pitch"


def test_plan_cases_give_the_main_item_the_most_airtime(shipped_cards):
    for case_id, raw in CASES.items():
        if not raw.get("products"):
            continue
        facts = compute_facts(parse_plan_inputs(raw), shipped_cards)
        top = max(facts.lineup, key=lambda e: e.minutes_on_air)
        assert top.choice.role == "main" and top.choice.sub == "lead", (case_id, top.name)
        assert max(hook_gaps(facts.blocks)) <= 45, case_id
