"""Plan inputs: every field checked with its rule said in Chinese under the field's own name; products with
cost, stock and role, named by position and name when wrong; products pasted as lines; hostile files."""

from __future__ import annotations

import copy
import datetime as dt
import time

import pytest

from assistant.errors import PlanInputError
from assistant.plan import load_plan_inputs, parse_plan_inputs
from assistant.plan.fields import FIELD_LABELS
from assistant.plan.inputs import MAX_PRODUCTS
from assistant.plan.paste import line_numbers, parse_product_lines, product_lines
from tests.assistant.conftest import DEV_PLANS

pytestmark = pytest.mark.pure


def _with(**changes):
    inputs = copy.deepcopy(DEV_PLANS[0])
    for key, value in changes.items():
        if value is None:
            inputs.pop(key, None)
        else:
            inputs[key] = value
    return inputs


def _problems(data) -> dict:
    with pytest.raises(PlanInputError) as info:
        parse_plan_inputs(data)
    return dict(info.value.problems)


@pytest.mark.parametrize("field", ["streamer", "category", "followers", "stage", "broadcast_at", "duration_hours", "target_gmv"])
def test_missing_required_field_is_named_with_its_label(field):
    message = _problems(_with(**{field: None}))[field]
    assert "缺少必填项" in message and FIELD_LABELS[field] in message and field in message


@pytest.mark.parametrize("field,value,words", [
    ("followers", -1, "0 到 20亿"), ("followers", 12.5, "整数"), ("followers", "4500000", "整数"), ("followers", True, "整数"),
    ("stage", "mature", "cold-start"), ("broadcast_at", "2026-02-30T19:00", "没有这一天"), ("broadcast_at", "明天晚上", "YYYY-MM-DD"),
    ("broadcast_at", "2026-12-09", "缺少几点开播"), ("duration_hours", 0.25, "0.5 到 12 小时"), ("duration_hours", 20, "0.5 到 12 小时"),
    ("target_gmv", 0, "必须大于 0元"), ("target_gmv", -5, "必须大于 0元"), ("target_gmv", 1e15, "最多 1000亿元"), ("target_gmv", "一千万", "数字"),
    ("ad_budget", -1, "不投流可以不填或填 0"), ("ad_budget", float("nan"), "数字"), ("streamer", "  ", "不能为空"), ("streamer", "名" * 61, "60"),
    ("streams_daily", "sometimes", "true 或 false"),
])
def test_invalid_value_is_named_with_its_rule_in_chinese(field, value, words):
    message = _problems(_with(**{field: value}))[field]
    assert words in message, message
    assert message.startswith(FIELD_LABELS[field]), "the message starts with the form's label"
    assert "(out of range)" not in message and "must" not in message


def test_the_walkthroughs_twenty_hours_reads_as_a_rule():
    message = _problems(_with(duration_hours=20))["duration_hours"]
    assert message == "直播时长（小时）超出范围：必须在 0.5 到 12 小时 之间，现在是 20"


@pytest.mark.parametrize("product,field,words", [
    ({"name": "羽绒服", "price": 0}, "price", "必须大于 0元"),
    ({"name": "羽绒服"}, "price", "缺少价格"),
    ({"name": "羽绒服", "price": 399, "cost": -3}, "cost", "0 到 1000万元"),
    ({"name": "羽绒服", "price": 399, "cost": "两百"}, "cost", "必须是数字"),
    ({"name": "羽绒服", "price": 399, "stock": 2.5}, "stock", "整数"),
    ({"name": "羽绒服", "price": 399, "stock": -1}, "stock", "0 到 1亿件"),
    ({"name": "羽绒服", "price": 399, "role": "爆品王"}, "role", "可以写 hook/引流款"),
    ({"name": "羽绒服", "price": 399, "role": 3}, "role", "不认识"),
    ({"name": "羽绒服", "price": 399, "colour": "黑"}, "colour", "不认识的字段"),
])
def test_product_problem_names_position_name_field_and_rule(product, field, words):
    inputs = _with(products=[{"name": "打底衫", "price": 9.9}, product])
    problems = _problems(inputs)
    message = problems[f"products[1].{field}"]
    assert message.startswith("第2款商品“羽绒服”"), message
    assert words in message, message


def test_duplicate_products_and_too_many_products():
    problems = _problems(_with(products=[{"name": "a", "price": 1}, {"name": "a", "price": 2}]))
    assert "第2款商品和第1款都叫“a”" in problems["products[1].name"]
    problems = _problems(_with(products=[{"name": f"p{i}", "price": 1} for i in range(MAX_PRODUCTS + 1)]))
    assert str(MAX_PRODUCTS) in problems["products"]


def test_cost_stock_and_role_are_kept_in_any_language():
    inputs = parse_plan_inputs(_with(products=[
        {"name": "羽绒服", "price": 399, "cost": 210, "stock": 300, "role": "主推款"},
        {"name": "福利袜子", "price": 9.9, "cost": 12, "stock": 500},
        {"name": "卫衣", "price": 69, "role": "承接款"},
        {"name": "开衫", "price": 139, "role": "profit"},
        {"name": "大衣", "price": 899, "cost": 900, "role": "形象款"},
    ]))
    by_name = {p.name: p for p in inputs.products}
    assert (by_name["羽绒服"].role, by_name["羽绒服"].cost, by_name["羽绒服"].stock) == ("main", 210, 300)
    assert by_name["福利袜子"].role is None and by_name["福利袜子"].cost == 12
    assert (by_name["卫衣"].role, by_name["卫衣"].sub) == ("main", "bridge")
    assert by_name["开衫"].role == "profit" and by_name["大衣"].role == "image"
    assert inputs.to_json()["products"][0] == {"name": "羽绒服", "price": 399, "cost": 210, "stock": 300, "role": "main"}


def test_every_problem_is_reported_at_once():
    problems = _problems({"streamer": "", "followers": -1, "stage": "x"})
    assert {"streamer", "followers", "stage", "category", "broadcast_at", "duration_hours", "target_gmv"} <= set(problems)
    with pytest.raises(PlanInputError) as info:
        parse_plan_inputs(["not", "a", "mapping"])
    assert info.value.problems[0][0] == "(file)"


def test_yaml_datetime_and_extra_fields_are_accepted():
    inputs = parse_plan_inputs(_with(broadcast_at=dt.datetime(2026, 12, 9, 19, 0, 30), notes="随便写", streams_daily=False))
    assert inputs.broadcast_at == dt.datetime(2026, 12, 9, 19, 0)
    assert inputs.ignored_fields == ("notes",) and inputs.streams_daily is False and not inputs.daily
    assert parse_plan_inputs(_with()).daily and not parse_plan_inputs(_with(stage="big-event")).daily


# --- pasted product lines ------------------------------------------------------------------------

def test_paste_lines_read_name_price_cost_stock_and_role():
    text = ("羽绒服 399 成本200 库存300 主推\n\n# 注释行\n福利袜子 9.9 成本12 库存500\n纯棉 四件套\t199\t98\t800\t利润款\n"
            "316保温杯 ¥89 cost=35 stock:1500 profit\n脐橙5斤装 29.9元 成本 19 库存 300件")
    products, problems = parse_product_lines(text)
    assert problems == []
    assert products[0] == {"name": "羽绒服", "price": 399, "cost": 200, "stock": 300, "role": "主推"}
    assert products[2] == {"name": "纯棉 四件套", "price": 199, "cost": 98, "stock": 800, "role": "利润款"}
    assert products[3]["name"] == "316保温杯" and products[3]["price"] == 89 and products[3]["role"] == "profit"
    assert products[4] == {"name": "脐橙5斤装", "price": 29.9, "cost": 19, "stock": 300}
    assert line_numbers(text) == [1, 4, 5, 6, 7]
    again, _ = parse_product_lines(product_lines(products))
    assert again == products


@pytest.mark.parametrize("line,words", [
    ("羽绒服", "没有找到价格"), ("羽绒服 399 200 300 100", "多出来的数字“100”"), ("羽绒服 399 成本", "成本后面缺少数字"),
    ("羽绒服 399 库存很多", "看不懂"), ("399", "缺少商品名"), ("羽绒服 399 主推 利润", "角色写了两次"),
])
def test_a_bad_pasted_line_is_named_by_its_line(line, words):
    _, problems = parse_product_lines("围巾 59\n" + line)
    assert len(problems) == 1 and problems[0].startswith("第2行") and words in problems[0], problems


def test_products_may_be_pasted_lines_in_a_file_too():
    inputs = parse_plan_inputs(_with(products="羽绒服 399 成本200 库存300 主推\n围巾 59"))
    assert [p.name for p in inputs.products] == ["羽绒服", "围巾"] and inputs.products[0].role == "main"
    assert "第1行“羊绒大衣”：没有找到价格" in _problems(_with(products="羊绒大衣"))["products"]


def test_hostile_input_files_are_refused_quickly(tmp_path):
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
