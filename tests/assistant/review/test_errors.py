"""Every kind of bad input: one error carrying every problem, each with its row and column (Chinese)."""

from __future__ import annotations

import json

import pytest

from assistant.review import PlanFileError, ShowDataError, load_plan, read_products, read_show, review_text

from .helpers import BENCHMARKS, EXAMPLES

pytestmark = pytest.mark.pure

HEAD = "time,online,entries,orders,gmv\n"


def problems(text, reader=read_show):
    with pytest.raises(ShowDataError) as err:
        reader(text)
    return err.value


def test_not_a_number_names_row_and_column_as_written():
    rows = "".join(f"19:{m:02d},100,50,2,198\n" for m in range(0, 25, 5))
    text = "时间,在线人数,进入人数,成交单数,成交金额（元）\n" + rows + "19:25,100,50,2,\"12,3x\"\n"
    err = problems(text)
    assert [str(p) for p in err.problems] == ['第 7 行「成交金额（元）」：不是数字（"12,3x"）']
    assert '第 7 行「成交金额（元）」：不是数字（"12,3x"）' in str(err)


def test_missing_required_columns_are_all_named():
    err = problems("时间,在线人数,进入人数\n19:00,1,1\n19:05,1,1\n")
    assert {p.row for p in err.problems} == {1}
    text = str(err)
    assert "成交单数" in text and "成交金额" in text and "orders" in text and "gmv" in text


def test_negative_count():
    err = problems(HEAD + "19:00,100,50,2,198\n19:05,100,-3,2,198\n")
    assert [(p.row, p.column) for p in err.problems] == [(3, "entries")]
    assert "负数" in err.problems[0].message


def test_times_out_of_order_and_repeated():
    err = problems(HEAD + "19:00,1,1,0,0\n19:10,1,1,0,0\n19:05,1,1,0,0\n19:15,1,1,0,0\n19:15,1,1,0,0\n")
    assert [(p.row, p.column) for p in err.problems] == [(4, "time"), (6, "time")]
    assert "早" in err.problems[0].message and "相同" in err.problems[1].message


def test_interval_longer_than_15_minutes():
    err = problems(HEAD + "19:00,1,1,0,0\n19:30,1,1,0,0\n")
    assert err.problems[0].row == 3 and "30 分钟" in err.problems[0].message


def test_gap_across_midnight_is_a_gap_not_a_new_order():
    err = problems(HEAD + "23:50,1,1,0,0\n00:20,1,1,0,0\n")
    assert err.problems[0].row == 3 and "30 分钟" in err.problems[0].message


def test_bad_time_text_and_mixed_time_kinds():
    err = problems(HEAD + "19点,1,1,0,0\n2026-12-09 19:05,1,1,0,0\n19:10,1,1,0,0\n")
    assert [(p.row, p.column) for p in err.problems] == [(2, "time"), (4, "time")]


def test_every_problem_in_one_pass():
    err = problems(HEAD + "19:00,abc,1,0,0\n19:05,1,-1,0,0\n19:04,1,1,0,x\n19:06,1,1,,0\n")
    assert [(p.row, p.column) for p in err.problems] == [(2, "online"), (3, "entries"), (4, "gmv"), (4, "time"), (5, "orders")]


@pytest.mark.parametrize("data", [b"", b"   \n\n", "\ufeff".encode("utf-8")])
def test_empty_file(data):
    err = problems(data)
    assert "空" in str(err)


def test_header_only_and_single_row():
    assert "两行" in str(problems(HEAD))
    assert "两行" in str(problems(HEAD + "19:00,1,1,0,0\n"))


def test_unreadable_encoding():
    err = problems(b"\xff\xfe\xfa" if False else b"time,online\n\x81\xff\xfe\x80,1\n")
    assert "编码" in str(err)


def test_old_xls_and_broken_xlsx():
    assert ".xls" in str(problems(b"\xd0\xcf\x11\xe0" + b"\x00" * 100))
    assert "XLSX" in str(problems(b"PK\x03\x04 not really a zip"))


def test_duplicate_column():
    err = problems("time,时间,online,entries,orders,gmv\n19:00,19:00,1,1,0,0\n")
    assert err.problems[0].row == 1 and err.problems[0].column == "时间"


def test_products_errors():
    err = problems("商品,点击人数,成交单数,成交金额,退款单数\n卫衣,100,10,990,12\n,5,1,9,0\n卫衣,1,1,1,0\n袜子,x,1,1,0\n", read_products)
    assert [(p.row, p.column) for p in err.problems] == [(2, "退款单数"), (3, "商品"), (4, "商品"), (5, "点击人数")]


def test_long_error_lists_are_capped_in_the_message_but_kept():
    text = HEAD + "".join(f"19:{m:02d},x,1,0,0\n" for m in range(60))
    err = problems(text)
    assert len(err.problems) > 30 and "还有" in str(err)


def test_plan_errors_name_the_field():
    with pytest.raises(PlanFileError) as err:
        load_plan({"run_of_show": [{"start": "19:00", "end": "19:3x", "segment": "开场"}, {"start": "19:40", "end": "20:00", "segment": ""}]})
    paths = [p for p, _ in err.value.problems]
    assert paths == ["run_of_show[0].end", "run_of_show[1].segment"]
    with pytest.raises(PlanFileError):
        load_plan("{not json")
    with pytest.raises(PlanFileError) as err:
        load_plan({"inputs": {"target_gmv": 1}})
    assert err.value.problems[0][0] == "run_of_show"
    plan = json.loads((EXAMPLES / "plan.json").read_text(encoding="utf-8"))
    plan["run_of_show"][2]["start"] = "20:10"
    with pytest.raises(PlanFileError) as err:
        load_plan(plan)
    assert err.value.problems[0][0] == "run_of_show[2].start"


def test_bad_text_through_the_api_entry():
    with pytest.raises(ShowDataError):
        review_text(HEAD + "19:00,1,1,0,0\n19:05,1,1,0,-5\n", benchmarks=BENCHMARKS)
