"""Product roles: a given role is kept; with a cost, margin decides hook and perk; then price position,
a clear price gap for the image item, price × stock for the main item, margin for profit items."""

from __future__ import annotations

import pytest

from assistant.plan.inputs import Product
from assistant.plan.material import first_material
from assistant.plan.roles import assign_roles, parse_role, price_positions

pytestmark = pytest.mark.pure


@pytest.fixture(scope="module")
def role_defs(shipped_cards):
    _, roles = first_material(shipped_cards, "lineup_roles")
    return roles


def roles_of(products, role_defs) -> dict[str, str]:
    return {name: (c.role, c.sub) for name, c in assign_roles(products, role_defs).items()}


def test_role_names_operators_write_are_understood():
    assert parse_role("主推款") == ("main", "lead") and parse_role("承接款") == ("main", "bridge")
    assert parse_role("引流款") == ("hook", None) == parse_role("钩子款") and parse_role("HOOK") == ("hook", None)
    assert parse_role("福利") == ("perk", None) and parse_role("利润款") == ("profit", None) and parse_role("形象款") == ("image", None)
    assert parse_role("爆品王") is None


def test_a_given_role_is_kept_even_against_price_and_margin(role_defs):
    products = (Product("袜子", 9.9, cost=2, role="image"), Product("大衣", 899, cost=950, role="main"), Product("围巾", 59))
    got = roles_of(products, role_defs)
    assert got["袜子"] == ("image", None) and got["大衣"] == ("main", "lead")


def test_margin_decides_hook_and_perk_and_a_cheap_high_margin_item_is_not_a_hook(role_defs):
    products = (Product("福利袜", 9.9, cost=12), Product("羽绒服", 299, cost=290), Product("发夹", 9.9, cost=2.5),
                Product("大衣", 399, cost=200), Product("卫衣", 129, cost=60))
    got = roles_of(products, role_defs)
    assert got["福利袜"][0] == "hook", "sold below cost"
    assert got["羽绒服"][0] == "perk", "sold near cost: a perk, even at a high price"
    assert got["发夹"][0] != "hook" and got["发夹"][0] in ("profit", "main"), "9.9 with a 75% margin is no hook"


def test_the_dearest_item_is_image_only_when_far_dearer(role_defs):
    close = (Product("打底衫", 9.9), Product("围巾", 59), Product("大衣", 399), Product("羽绒服", 699))
    assert roles_of(close, role_defs)["羽绒服"] == ("main", "lead"), "699 vs 399 is no image item: it carries the show"
    far = close + (Product("貂绒", 2999),)
    assert roles_of(far, role_defs)["貂绒"] == ("image", None)


def test_main_item_by_price_times_stock(role_defs):
    products = (Product("试吃", 1, cost=4, stock=3000), Product("坚果礼盒", 129, cost=68, stock=3000),
                Product("黑巧", 199, cost=120, stock=400), Product("辣条", 19.9, cost=8, stock=5000))
    got = roles_of(products, role_defs)
    assert got["坚果礼盒"] == ("main", "lead")
    assert got["黑巧"] == ("main", "second") and got["试吃"][0] == "hook"


def test_profit_items_by_margin_and_bridge_items_cheaper_than_half_the_main(role_defs):
    products = (Product("羽绒服", 399, cost=210, role="main"), Product("打底衫", 29.9, cost=18), Product("围巾", 59, cost=22),
                Product("开衫", 139, cost=62), Product("针织裤", 99, cost=60))
    got = roles_of(products, role_defs)
    assert got["围巾"][0] == "profit", "the highest margin"
    assert got["打底衫"] == ("main", "bridge") and got["针织裤"] == ("main", "bridge")


def test_without_costs_roles_follow_price_position(role_defs):
    products = (Product("圆领毛衣", 79), Product("阔腿裤", 69), Product("打底袜", 9.9), Product("羽绒马甲", 159))
    got = roles_of(products, role_defs)
    assert got["打底袜"][0] == "hook" and got["羽绒马甲"] == ("main", "lead")
    assert got["圆领毛衣"][0] == "profit" and got["阔腿裤"] == ("main", "bridge")


def test_price_positions_mix_rank_and_distance():
    assert price_positions([5.0]) == [0.5] and price_positions([3.0, 3.0]) == [0.5, 0.5]
    pos = price_positions([9.9, 59, 399, 699])
    assert pos[0] == 0 and pos[-1] == 1 and pos == sorted(pos)


def test_every_product_gets_a_role_and_equal_prices_the_same_one(role_defs):
    products = tuple(Product(f"商品{i}", 5 + i) for i in range(200))
    got = assign_roles(products, role_defs)
    assert set(got) == {p.name for p in products}
    assert {c.role for c in assign_roles((Product("a", 50), Product("b", 50)), role_defs).values()} == {"main"}
