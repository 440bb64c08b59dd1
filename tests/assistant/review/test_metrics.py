"""Each metric's formula on a small show computed by hand."""

from __future__ import annotations

import pytest

from assistant.review import read_products, read_show
from assistant.review.metrics import interval_metrics, product_metrics, show_totals

pytestmark = pytest.mark.pure

TEXT = (
    "time,online,entries,orders,gmv,exposures,avg_stay_seconds,comments,new_followers,ad_spend\n"
    "20:00,100,200,4,400,500,60,10,4,100\n"
    "20:05,300,300,9,900,600,40,30,12,100\n"
    "20:15,200,500,12,1500,1000,,20,9,0\n"
)


@pytest.fixture
def show():
    return read_show(TEXT)


def test_interval_lengths_and_time_weighted_online(show):
    assert [i.minutes for i in show.intervals] == [5, 10, 10]  # the last row repeats the previous length
    t = show_totals(show.intervals)
    assert t["minutes"] == 25
    assert t["peak_online"] == 300
    assert t["avg_online"] == pytest.approx((100 * 5 + 300 * 10 + 200 * 10) / 25)


def test_funnel_and_money(show):
    t = show_totals(show.intervals)
    assert (t["gmv"], t["orders"], t["entries"]) == (2800, 25, 1000)
    assert t["conversion_rate"] == pytest.approx(25 / 1000)      # orders ÷ entries
    assert t["aov"] == pytest.approx(2800 / 25)                  # gmv ÷ orders
    assert t["uv_value"] == pytest.approx(2800 / 1000)           # gmv ÷ entries
    assert t["gpm"] == pytest.approx(2800 * 1000 / 1000)         # gmv × 1000 ÷ entries
    assert t["orders_per_minute"] == pytest.approx(25 / 25)


def test_optional_column_metrics(show):
    t = show_totals(show.intervals)
    assert t["exposures"] == 2100 and t["entry_rate"] == pytest.approx(1000 / 2100)
    assert t["avg_stay_seconds"] == pytest.approx((60 * 200 + 40 * 300) / 500)  # weighted by entries, blank row left out
    assert t["interaction_rate"] == pytest.approx(60 / 1000)
    assert t["follow_rate"] == pytest.approx(25 / 1000)
    assert t["ad_spend"] == 200 and t["ad_roi"] == pytest.approx(2800 / 200)


def test_per_interval_rates_and_zero_denominators(show):
    rows = interval_metrics(show.intervals)
    assert rows[0].conversion_rate == pytest.approx(0.02) and rows[0].ad_roi == pytest.approx(4.0)
    assert rows[2].ad_roi is None  # no spend: no ROI, not infinity
    quiet = read_show("time,online,entries,orders,gmv\n20:00,0,0,0,0\n20:05,0,0,0,0\n")
    t = show_totals(quiet.intervals)
    assert t["conversion_rate"] is None and t["aov"] is None and t["uv_value"] is None
    assert "entry_rate" not in t and "ad_roi" not in t


def test_products_click_to_order_refunds_and_net_gmv(show):
    products = product_metrics(read_products("name,clicks,orders,gmv,refunds\n卫衣,400,20,2000,5\n袜子,100,5,50,0\n"))
    assert products[0].click_to_order == pytest.approx(0.05)
    assert products[0].refund_rate == pytest.approx(0.25)
    assert products[0].refunded_gmv == pytest.approx(500)        # 5 refunds × 100 yuan average order
    assert products[0].click_share == pytest.approx(0.8)
    t = show_totals(show.intervals, products)
    assert t["refunds"] == 5 and t["refund_rate"] == pytest.approx(5 / 25)
    assert t["net_gmv"] == pytest.approx(2800 - 500)
    assert "refund_rate" not in show_totals(show.intervals, product_metrics(read_products("商品,点击人数,成交单数,成交金额\n卫衣,1,1,1\n")))
