"""Planted problems are found — and only they; healthy shows come out clean; every finding cites a card."""

from __future__ import annotations

import pytest

from assistant.review import BenchmarkSet, review_text
from assistant.review.findings import SEVERITIES

from .helpers import BENCHMARKS, healthy_rows, metric_ids, review, show_csv

pytestmark = pytest.mark.pure

PLANTED = [
    (("healthy.csv", "healthy_products.csv", None), set()),
    (("healthy.csv", "healthy_products.csv", "plan.json"), set()),
    (("healthy_1min.xlsx", None, None), set()),
    (("midnight_utf8bom.csv", None, None), set()),
    (("viewer_drop.csv", None, None), {"online_drop"}),
    (("viewer_drop.csv", "healthy_products.csv", "plan.json"), {"online_drop", "target_gap"}),
    (("low_stay_gb18030.csv", None, None), {"avg_stay"}),
    (("low_conversion.csv", None, None), {"conversion_rate"}),
    (("spend_falling.csv", None, None), {"ad_roi"}),
    (("healthy.csv", "product_not_bought_products.csv", None), {"product_conversion"}),
    (("healthy.csv", "high_refunds_products.csv", None), {"refund_rate"}),
]


@pytest.mark.parametrize("files,expected", PLANTED, ids=[f"{a}+{b}+{c}" for (a, b, c), _ in PLANTED])
def test_each_planted_problem_is_found_and_only_it(files, expected, shipped_card_ids):
    result = review(*files)
    assert metric_ids(result) == expected
    for f in result.findings:
        assert f.sources, f
        assert set(f.sources) <= shipped_card_ids
        if f.metric != "target_gap":
            assert set(f.sources) == set(BENCHMARKS.get(f.metric).cards)
            assert f.advice == BENCHMARKS.get(f.metric).action
    ranks = [SEVERITIES.index(f.severity) for f in result.findings]
    assert ranks == sorted(ranks)


def test_viewer_drop_says_when_and_where():
    (f,) = review("viewer_drop.csv", "healthy_products.csv", "plan.json").findings[:1]
    assert (f.metric, f.severity, f.when) == ("online_drop", "high", "20:45-20:50")
    assert f.value > 0.5 and "循环过款" in f.detail


def test_spend_kept_up_while_viewers_fell_is_timed():
    (f,) = review("spend_falling.csv").findings
    assert f.when is not None and f.when.startswith("21:") and f.when.endswith("23:00")
    assert "没有减" in f.detail and "其余时段 ROI" in f.benchmark


def test_product_that_was_clicked_but_not_bought_is_named_with_its_block():
    (f,) = review("healthy.csv", "product_not_bought_products.csv", "plan.json").findings
    assert "羽绒服" in f.name and f.when == "20:00-20:45" and f.value == pytest.approx(14 / 3200)
    assert "方案里是利润款" in f.detail


def test_refund_finding_names_the_worst_product_and_net_gmv():
    (f,) = review("healthy.csv", "high_refunds_products.csv").findings
    assert "退款最多" in f.detail and "扣除退款后" in f.detail


def test_the_account_is_first_compared_with_itself():
    usual = {"avg_stay_seconds": 150.0}
    result = review("healthy.csv", history=[usual] * 5)
    (f,) = result.findings
    assert (f.metric, f.severity) == ("avg_stay", "medium")       # 47 % under its own median, above the handbook line
    assert "本账号近 5 场中位数 150 秒" in f.benchmark and "经验线 ≥45 秒" in f.benchmark
    assert metric_ids(review("healthy.csv", history=[{"avg_stay_seconds": 82.0}] * 5)) == set()
    standing = review("low_stay_gb18030.csv", history=[{"avg_stay_seconds": 29.0}] * 4)
    assert [(f.metric, f.severity) for f in standing.findings] == [("avg_stay", "low")]  # as usual, but under the line
    assert metric_ids(review("healthy.csv", history=[usual] * 2)) == set()  # fewer than 3 shows: not a baseline


def test_history_raises_a_handbook_finding_to_high():
    result = review("low_stay_gb18030.csv", history=[{"avg_stay_seconds": 70.0}] * 3)
    assert [(f.metric, f.severity) for f in result.findings] == [("avg_stay", "high")]


def test_tiny_rooms_and_first_minutes_do_not_raise_false_alarms():
    text = "time,online,entries,orders,gmv,avg_stay_seconds\n" + "".join(
        f"20:{m:02d},{20 if m < 30 else 6},{5},{0},{0},{20}\n" for m in range(0, 60, 5))
    result = review_text(text, benchmarks=BENCHMARKS)
    assert result.findings == ()
    assert any("样本太少" in w for w in result.warnings)


def test_goodbye_at_the_end_is_not_a_viewer_drop():
    rows = healthy_rows()
    for r in rows[-2:]:
        r["online"] = 400
    assert metric_ids(review_text(show_csv(rows), benchmarks=BENCHMARKS)) == set()
    rows[-4]["online"] = 400  # the same fall 20 minutes before the end is one
    assert metric_ids(review_text(show_csv(rows), benchmarks=BENCHMARKS)) == {"online_drop"}


def test_a_weak_stretch_is_found_but_a_short_dip_is_not():
    rows = healthy_rows()
    rows[20]["orders"] = rows[21]["orders"] = 0  # 10 minutes without orders (e.g. holding the link): not a finding
    assert metric_ids(review_text(show_csv(rows), benchmarks=BENCHMARKS)) == set()
    for r in rows[24:32]:   # 40 minutes converting at ~0.3 %
        r["orders"] = 1
    result = review_text(show_csv(rows), benchmarks=BENCHMARKS)
    (f,) = result.findings
    assert f.metric == "conversion_rate" and f.when == "21:00-21:40" and f.severity == "medium"
    assert "整场" in f.benchmark


def test_low_uv_value_from_cheap_items_is_reported_when_conversion_is_fine():
    rows = healthy_rows()
    for r in rows:
        r["gmv"] = round(r["orders"] * 9.9, 2)
        r["ad_spend"] = round(r["gmv"] / 5, 2)
    found = review_text(show_csv(rows), benchmarks=BENCHMARKS).findings
    assert {f.metric for f in found} == {"uv_value"}


def test_break_even_from_the_plan_costs(tmp_path):
    rows = healthy_rows()
    for r in rows:
        r["ad_spend"] = round(r["gmv"] / 2.0, 2)   # ROI 2: over 1.0 but under the plan's break-even (~2.4)
    text = show_csv(rows)
    assert metric_ids(review_text(text, benchmarks=BENCHMARKS)) == set()
    from .helpers import EXAMPLES

    plan = (EXAMPLES / "plan.json").read_text(encoding="utf-8")
    result = review_text(text, plan=plan, benchmarks=BENCHMARKS, goal_sources=("gmv-decomposition",))
    roi = [f for f in result.findings if f.metric == "ad_roi"]
    assert len(roi) == 1 and "毛利" in roi[0].benchmark and roi[0].when is None
    assert result.break_even.roi == pytest.approx(2.3, abs=0.3)
    given = review_text(text, benchmarks=BENCHMARKS, break_even=1.5)
    assert metric_ids(given) == set() and given.break_even.basis == "按填写的回本 ROI"


def test_no_benchmarks_means_no_diagnosis_but_a_warning():
    result = review("viewer_drop.csv", benchmarks=BenchmarkSet(items={}))
    assert result.findings == () and any("metric_benchmarks" in w for w in result.warnings)


def test_a_metric_without_a_benchmark_is_not_judged():
    partial = BenchmarkSet(items={k: v for k, v in BENCHMARKS.items.items() if k != "online_drop"})
    assert metric_ids(review("viewer_drop.csv", benchmarks=partial)) == set()


def test_an_image_block_converting_little_is_not_a_weak_stretch():
    import json

    from .helpers import EXAMPLES

    rows = healthy_rows()
    for r in rows[24:32]:   # 21:00-21:40 converting at ~0.3 %
        r["orders"] = 1
    plan = json.loads((EXAMPLES / "plan.json").read_text(encoding="utf-8"))
    plan["run_of_show"][3]["role"] = "image"  # 20:45-21:30 shows the 899 coat
    plan["run_of_show"][4]["role"] = "image"  # 21:30-22:15 too
    result = review_text(show_csv(rows), plan=plan, benchmarks=BENCHMARKS)
    assert "conversion_rate" not in metric_ids(result)


def test_a_slow_start_while_the_room_fills_is_not_a_weak_stretch():
    rows = healthy_rows()
    for r in rows[:4]:      # 19:00-19:20 without orders
        r["orders"], r["gmv"] = 0, 0
    assert metric_ids(review_text(show_csv(rows), benchmarks=BENCHMARKS)) == set()


def test_low_uv_value_is_not_reported_twice_when_conversion_explains_it():
    rows = healthy_rows()
    for r in rows:
        r["orders"] = round(r["entries"] * 0.004)
        r["gmv"] = r["orders"] * 99.0
        r["ad_spend"] = round(r["gmv"] / 5, 2)
    result = review_text(show_csv(rows), benchmarks=BENCHMARKS)
    assert result.totals["uv_value"] < BENCHMARKS.get("uv_value").concern
    assert metric_ids(result) == {"conversion_rate"}


def test_products_with_few_clicks_or_few_orders_are_not_judged():
    from .helpers import EXAMPLES

    text = (EXAMPLES / "healthy.csv").read_text(encoding="utf-8")
    few_clicks = "name,clicks,orders,gmv\n卫衣,2000,240,30960\n新款帽子,60,0,0\n"
    assert metric_ids(review_text(text, few_clicks, benchmarks=BENCHMARKS)) == set()
    assert metric_ids(review_text(text, few_clicks.replace(",60,", ",600,"), benchmarks=BENCHMARKS)) == {"product_conversion"}
    few_orders = "name,clicks,orders,gmv,refunds\n卫衣,200,20,2580,8\n"
    assert metric_ids(review_text(text, few_orders, benchmarks=BENCHMARKS)) == set()
    assert metric_ids(review_text(text, few_orders.replace(",20,2580,8", ",40,5160,16"), benchmarks=BENCHMARKS)) == {"refund_rate"}
