"""Plans: input validation, the contract shape, computed times and placements, Markdown, iCalendar."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from assistant.errors import PlanInputError
from assistant.plan import build_plan, parse_plan_inputs, plan_ics, plan_markdown
from assistant.plan.build import assign_roles
from assistant.plan.inputs import MAX_PRODUCTS, Product
from tests.assistant.conftest import DEV_PLANS
from tests.support.plans import check_plan_contract

pytestmark = pytest.mark.pure

@pytest.mark.parametrize("index", range(len(DEV_PLANS)))
def test_dev_plans_follow_the_contract(index, shipped_cards):
    inputs = DEV_PLANS[index]
    plan = build_plan(inputs, shipped_cards)
    check_plan_contract(plan.to_json(), inputs, shipped_cards)
    assert plan.to_json()["inputs"]["streamer"] == inputs["streamer"]
    md = plan_markdown(plan, shipped_cards)
    assert md.startswith("# ")
    positions = [md.index(f"## {i}. {s.title}") for i, s in enumerate(plan.sections, 1)]
    assert positions == sorted(positions)


def test_goal_decomposes_the_target_and_uses_product_prices(shipped_cards):
    plan = build_plan(DEV_PLANS[0], shipped_cards)
    goal = plan.section("goal").markdown
    assert "场观" in goal and "转化率" in goal and "客单价" in goal
    aov = sum(p["price"] for p in DEV_PLANS[0]["products"]) / len(DEV_PLANS[0]["products"])
    assert f"{aov:,.2f}".rstrip("0").rstrip(".") in goal
    rows = re.findall(r"^\| (\d\d:\d\d–\d\d:\d\d)(?:（高峰）)? \| ([\d.,]+)万元", goal, re.M)
    assert len(rows) == 4
    assert sum(float(v.replace(",", "")) for _, v in rows) == pytest.approx(1000)
    assert "gmv-decomposition" in plan.section("goal").sources


def test_lineup_places_products_by_relative_price():
    roles = [
        {"key": "hook", "name": "引流款", "share": [0.15, 0.2], "price_band": [0.0, 0.1], "purpose": "留人"},
        {"key": "perk", "name": "福利款", "share": [0.0, 0.2], "price_band": [0.05, 0.25], "purpose": "互动"},
        {"key": "main", "name": "主推款", "share": [0.4, 0.5], "price_band": [0.25, 0.6], "purpose": "成交"},
        {"key": "profit", "name": "利润款", "share": [0.25, 0.3], "price_band": [0.5, 0.85], "purpose": "赚钱"},
        {"key": "image", "name": "形象款", "share": [0.05, 0.1], "price_band": [0.85, 1.0], "purpose": "撑门面"},
    ]
    products = tuple(Product(f"p{i}", price) for i, price in enumerate([9.9, 59, 99, 129, 159, 199, 259, 399, 699]))
    got = assign_roles(products, roles)
    assert got["p0"] == "hook" and got["p8"] == "image"
    order = ["hook", "perk", "main", "profit", "image"]
    ranks = [order.index(got[p.name]) for p in products]
    assert ranks == sorted(ranks), "a dearer product never gets a cheaper role"
    assert set(assign_roles((Product("a", 50), Product("b", 50)), roles).values()) == {"main"}


def test_run_of_show_puts_hooks_first_and_profit_and_image_later(shipped_cards):
    plan = build_plan(DEV_PLANS[0], shipped_cards)
    first_seen = {}
    for i, block in enumerate(plan.run_of_show):
        for p in block.products:
            first_seen.setdefault(p, i)
    assert first_seen["打底衫"] < first_seen["羊绒大衣"] < first_seen["羽绒服"]
    assert plan.run_of_show[0].role == "open" and plan.run_of_show[-1].role == "close"


def _plan_with(**changes):
    inputs = copy.deepcopy(DEV_PLANS[0])
    for key, value in changes.items():
        if value is None:
            inputs.pop(key, None)
        else:
            inputs[key] = value
    return inputs


@pytest.mark.parametrize("when,hours", [("2026-12-31T23:00", 2.25), ("2026-12-09T22:30", 4), ("2026-06-01T00:10", 0.5),
                                        ("2026-06-01T20:00", 12), ("2026-06-01T19:07", 1.3333), ("2026-06-01T21:00", 7.77)])
def test_run_of_show_tiles_any_show_exactly(when, hours, shipped_cards):
    inputs = _plan_with(broadcast_at=when, duration_hours=hours)
    plan = build_plan(inputs, shipped_cards)
    check_plan_contract(plan.to_json(), inputs, shipped_cards)


def test_show_crossing_midnight_is_marked_in_markdown(shipped_cards):
    plan = build_plan(_plan_with(broadcast_at="2026-12-31T23:00", duration_hours=2), shipped_cards)
    assert plan.run_of_show[-1].end == "01:00" and plan.run_of_show[-1].day == 1
    assert "次日" in plan.section("run_of_show").markdown
    assert [d.date for d in plan.warmup_schedule][-1] == "2026-12-31"


def test_early_morning_show_moves_broadcast_day_items_before_the_start(shipped_cards):
    inputs = _plan_with(broadcast_at="2026-03-15T01:00", duration_hours=3)
    plan = build_plan(inputs, shipped_cards)
    check_plan_contract(plan.to_json(), inputs, shipped_cards)
    assert any(d.date == "2026-03-14" and any("悬念" in i for i in d.items) for d in plan.warmup_schedule)


@pytest.mark.parametrize("budget", [0, None])
def test_zero_or_absent_budget_gives_organic_traffic_advice(budget, shipped_cards):
    inputs = _plan_with(ad_budget=budget)
    plan = build_plan(inputs, shipped_cards)
    check_plan_contract(plan.to_json(), inputs, shipped_cards)
    traffic = plan.section("traffic").markdown
    assert "没有付费投流预算" in traffic and "预热" in traffic
    assert "总预算" not in traffic


def test_budget_is_split_before_and_during_the_show(shipped_cards):
    plan = build_plan(DEV_PLANS[0], shipped_cards)
    traffic = plan.section("traffic").markdown
    assert "开播前 4万元" in traffic and "直播中 16万元" in traffic
    hourly = re.findall(r"^\| \d\d:\d\d–\d\d:\d\d(?:（高峰）)? \| ([\d.,]+)万元", traffic, re.M)
    assert sum(float(h) for h in hourly) == pytest.approx(16)


def test_no_products_lists_the_roles_to_fill(shipped_cards):
    inputs = _plan_with(products=None)
    plan = build_plan(inputs, shipped_cards)
    check_plan_contract(plan.to_json(), inputs, shipped_cards)
    lineup = plan.section("lineup").markdown
    assert "引流款" in lineup and "形象款" in lineup and "价格带" in lineup
    assert all(b.products == () for b in plan.run_of_show)


def test_compliance_flags_absolute_terms_in_product_names(shipped_cards):
    inputs = _plan_with(products=[{"name": "全网最低价羊绒大衣", "price": 399}, {"name": "第一名打底衫", "price": 9.9},
                                  {"name": "围巾", "price": 59}])
    compliance = build_plan(inputs, shipped_cards).section("compliance").markdown
    assert "全网最低价羊绒大衣" in compliance and "“全网最低价”" in compliance
    assert "第一名打底衫" in compliance and "“第一”" in compliance
    assert "商品“围巾”" not in compliance


def test_team_follows_the_follower_count(shipped_cards):
    small = build_plan(_plan_with(followers=5000), shipped_cards).section("team").markdown
    large = build_plan(_plan_with(followers=50_000_000), shipped_cards).section("team").markdown
    assert small != large and large.count("\n|") > small.count("\n|")


def test_many_products_up_to_the_limit(shipped_cards):
    products = [{"name": f"商品{i}", "price": 5 + i} for i in range(MAX_PRODUCTS)]
    inputs = _plan_with(products=products)
    plan = build_plan(inputs, shipped_cards)
    check_plan_contract(plan.to_json(), inputs, shipped_cards)


# --- input validation --------------------------------------------------------------------------

def _problems(data) -> dict:
    with pytest.raises(PlanInputError) as info:
        parse_plan_inputs(data)
    return dict(info.value.problems)


@pytest.mark.parametrize("field", ["streamer", "category", "followers", "stage", "broadcast_at", "duration_hours", "target_gmv"])
def test_missing_required_field_is_named(field):
    assert "缺少" in _problems(_plan_with(**{field: None}))[field]


@pytest.mark.parametrize("field,value,words", [
    ("followers", -1, "范围"), ("followers", 12.5, "整数"), ("followers", "4500000", "整数"), ("followers", True, "整数"),
    ("stage", "mature", "cold-start"), ("broadcast_at", "2026-02-30T19:00", "日期"), ("broadcast_at", "明天晚上", "YYYY-MM-DD"),
    ("broadcast_at", "2026-12-09", "YYYY-MM-DD"), ("duration_hours", 0.25, "0.5"), ("duration_hours", 13, "12"),
    ("target_gmv", 0, "范围"), ("target_gmv", -5, "范围"), ("target_gmv", 1e15, "范围"), ("target_gmv", "一千万", "数字"),
    ("ad_budget", -1, "范围"), ("ad_budget", float("nan"), "数字"), ("streamer", "  ", "空"), ("streamer", "名" * 61, "60"),
    ("products", "羊绒大衣", "列表"), ("products", [{"name": "a", "price": 0}], "范围"), ("products", [{"name": "a"}], "缺少"),
    ("products", [{"name": "a", "price": 1}, {"name": "a", "price": 2}], "重复"),
    ("products", [{"name": f"p{i}", "price": 1} for i in range(MAX_PRODUCTS + 1)], str(MAX_PRODUCTS)),
])
def test_invalid_value_is_named_with_its_rule(field, value, words):
    problems = _problems(_plan_with(**{field: value}))
    key = next(k for k in problems if k == field or k.startswith(field + "["))
    assert words in problems[key]


def test_every_problem_is_reported_at_once():
    problems = _problems({"streamer": "", "followers": -1, "stage": "x"})
    assert {"streamer", "followers", "stage", "category", "broadcast_at", "duration_hours", "target_gmv"} <= set(problems)
    with pytest.raises(PlanInputError):
        parse_plan_inputs(["not", "a", "mapping"])


def test_yaml_datetime_and_extra_fields_are_accepted():
    inputs = parse_plan_inputs(_plan_with(broadcast_at=dt.datetime(2026, 12, 9, 19, 0, 30), notes="随便写"))
    assert inputs.broadcast_at == dt.datetime(2026, 12, 9, 19, 0)
    assert inputs.ignored_fields == ("notes",)


# --- calendar export ---------------------------------------------------------------------------

def test_ics_export_is_valid_rfc5545(shipped_cards):
    inputs = _plan_with(streamer="豆芽;测试,账号\\一号")
    plan = build_plan(inputs, shipped_cards)
    ics = plan_ics(plan, now=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc))
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    lines = ics.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert "\n" not in ics.replace("\r\n", "")
    unfolded = ics.replace("\r\n ", "").split("\r\n")
    events = [i for i, line in enumerate(unfolded) if line == "BEGIN:VEVENT"]
    assert len(events) == len(plan.warmup_events) + 1
    assert unfolded.count("END:VEVENT") == len(events)
    for line in unfolded:
        if line.startswith(("DTSTART:", "DTEND:")):
            assert re.fullmatch(r"DT(START|END):\d{8}T\d{6}", line), "floating local time"
    assert "DTSTAMP:20261101T000000Z" in unfolded
    assert any(line.startswith("SUMMARY:【开播】豆芽\\;测试\\,账号\\\\一号") for line in unfolded)
    assert "DTSTART:20261209T190000" in unfolded
    uids = [line for line in unfolded if line.startswith("UID:")]
    assert len(uids) == len(set(uids))


# --- optional LLM personalisation ----------------------------------------------------------------

def test_llm_personalises_persona_but_keeps_everything_computed(shipped_cards, fake_llm):
    offline = build_plan(DEV_PLANS[0], shipped_cards)
    model = fake_llm("- 豆芽主打健身达人的真实穿搭，讲清面料和版型\n- 老铁熟悉的口头禅每场都用")
    plan = build_plan(DEV_PLANS[0], shipped_cards, chat_model=model, llm_timeout=2)
    assert plan.mode == "llm" and "健身达人" in plan.section("persona").markdown
    assert plan.section("persona").markdown.startswith(offline.section("persona").markdown)
    same = lambda p: {k: v for k, v in p.to_json().items() if k not in ("sections", "mode", "notice")}  # noqa: E731
    assert same(plan) == same(offline)
    assert [s.markdown for s in plan.sections if s.key != "persona"] == [s.markdown for s in offline.sections if s.key != "persona"]


@pytest.mark.parametrize("kwargs", [{"replies": ["- 目标冲到2000万"]}, {"replies": [""]}, {"error": "boom"},
                                    {"replies": ["- 慢"], "delay": 3}])
def test_llm_personalisation_failures_keep_the_handbook_text(kwargs, shipped_cards, fake_llm):
    replies = kwargs.pop("replies", [])
    plan = build_plan(DEV_PLANS[0], shipped_cards, chat_model=fake_llm(*replies, **kwargs), llm_timeout=0.5)
    assert plan.mode == "offline" and plan.notice
    assert plan.to_json()["sections"] == build_plan(DEV_PLANS[0], shipped_cards).to_json()["sections"]


def test_hostile_input_files_are_refused_quickly(tmp_path):
    import time

    from assistant.plan import load_plan_inputs

    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    bomb += [f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefgh", "bcdefghi")]
    cases = {"bomb.yaml": "\n".join(bomb + ["streamer: *i"]), "deep.json": "[" * 100_000, "deep.yaml": "a: " + "[" * 100_000,
             "big.yaml": "streamer: " + "x" * 1_100_000}
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        started = time.monotonic()
        with pytest.raises(PlanInputError):
            load_plan_inputs(path)
        assert time.monotonic() - started < 3, name
