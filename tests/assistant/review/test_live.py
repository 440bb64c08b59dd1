"""The live console engine: alerts against this show's own running baseline, debounced, with the plan's blocks."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant.review import LiveInputError, from_cumulative, live_point, live_status, load_plan
from assistant.review.live import as_show

from .helpers import BENCHMARKS, EXAMPLES

pytestmark = pytest.mark.pure


def series(online, conv=None, stay=None, spend=None, start="20:00", step=5):
    """Typed-in points every ``step`` minutes; ``conv``/``stay``/``spend`` are lists or one value."""
    pick = lambda v, k, d: d if v is None else (v[k] if isinstance(v, list) else v)  # noqa: E731
    points = []
    h, m = map(int, start.split(":"))
    for k, on in enumerate(online):
        minute = h * 60 + m + k * step
        clock = f"{minute // 60 % 24:02d}:{minute % 60:02d}"
        entries = on * 0.3
        orders = round(entries * pick(conv, k, 0.05))
        points.append(live_point(clock, on, round(entries), orders, orders * 100, pick(stay, k, 80), pick(spend, k, None),
                                 previous=points[-1] if points else None, day0=datetime(2026, 12, 9).date()))
    return points


def fired(points, **kw):
    return [(a.metric, a.time) for a in live_status(points, BENCHMARKS, **kw).alerts]


def test_viewer_drop_fires_once_at_the_right_point_and_again_after_recovery():
    online = [1000] * 8 + [600] * 6 + [1000] * 6 + [550] * 2
    points = series(online)
    assert fired(points) == [("online_drop", "20:40"), ("online_drop", "21:40")]
    status = live_status(points[:9], BENCHMARKS)
    assert [a.time for a in status.latest] == ["20:40"] and "online_drop" in status.active
    alert = status.latest[0]
    assert alert.action == BENCHMARKS.get("online_drop").action and alert.sources == BENCHMARKS.get("online_drop").cards
    assert "1,000" in alert.message and alert.severity == "medium"
    assert live_status(points[:11], BENCHMARKS).latest == ()  # still low: no repeat


def test_drop_is_relative_to_the_rooms_own_level_not_a_fixed_number():
    assert fired(series([100] * 6 + [60] * 2)) == [("online_drop", "20:30")]
    assert fired(series([1000] * 6 + [800] * 2)) == []          # a 20 % dip is under the 30 % line
    assert fired(series([25] * 6 + [8] * 2)) == []              # a room of 25 viewers: below the floor


def test_conversion_alert_is_against_this_shows_earlier_conversion():
    conv = [0.06] * 8 + [0.025] * 6
    assert fired(series([1000] * 14, conv=conv)) == [("conversion_rate", "20:50")]
    assert fired(series([1000] * 14, conv=0.025)) == []          # the same 2.5 % all along: above the line, no change
    assert fired(series([1000] * 14, conv=0.004)) == [("conversion_rate", "20:10")]  # under the line, after warm-up


def test_nothing_but_drops_fires_in_the_warm_up():
    assert fired(series([1000] * 2, conv=0.0, stay=10)) == []


def test_low_stay_and_spend_kept_up_while_viewers_fall():
    assert ("avg_stay", "20:10") in fired(series([1000] * 6, stay=30))
    online = [1000] * 6 + [900, 800, 700, 650, 600, 550, 500, 500]
    alerts = fired(series(online, spend=300))
    assert any(m == "ad_roi" for m, _ in alerts)
    assert not any(m == "ad_roi" for m, _ in fired(series(online, spend=[300] * 6 + [100] * 8)))


def test_current_and_next_block_with_cue_lines():
    plan = load_plan((EXAMPLES / "plan.json").read_bytes())
    points = series([1000] * 14, start="19:00")
    status = live_status(points, BENCHMARKS, plan=plan)
    assert status.current_block.segment == "利润款" and status.next_block.segment == "循环过款"
    assert status.current_block.script
    assert live_status(points, BENCHMARKS, plan=plan, now=datetime(2026, 12, 9, 22, 50)).next_block is None


def test_typed_points_are_validated_and_cross_midnight():
    first = live_point("23:55", "1,200", 300, 10, "¥999")
    nxt = live_point("00:00", 1100, 280, 9, 899, previous=first)
    assert nxt.start.day == first.start.day + 1 and nxt.minutes == 5
    with pytest.raises(LiveInputError, match="成交金额"):
        live_point("20:00", 1, 1, 1, "abc")
    with pytest.raises(LiveInputError, match="负数"):
        live_point("20:00", 1, -1, 1, 1)
    with pytest.raises(LiveInputError, match="不晚于"):
        live_point("23:50", 1, 1, 1, 1, previous=first)
    with pytest.raises(LiveInputError, match="15 分钟"):
        live_point("00:30", 1, 1, 1, 1, previous=first)
    with pytest.raises(LiveInputError, match="没有填"):
        live_point("20:00", 1, "", 1, 1)


def test_running_totals_from_the_dashboard():
    a = live_point("20:00", 500, 100, 2, 200, ad_spend=50)
    b = live_point("20:05", 600, 250, 5, 500, ad_spend=80, previous=a)
    per = from_cumulative([a, b])
    assert [(i.entries, i.orders, i.gmv, i.ad_spend) for i in per] == [(100, 2, 200, 50), (150, 3, 300, 30)]
    c = live_point("20:10", 600, 240, 5, 500, previous=b)
    with pytest.raises(LiveInputError, match="进入人数"):
        from_cumulative([a, b, c])


def test_live_series_becomes_a_show_to_review():
    from assistant.review import review_show

    points = series([1000] * 8 + [500] * 6, spend=100)
    show = as_show(points)
    assert show.minutes == 70 and show.has("ad_spend") and show.has("avg_stay_seconds")
    result = review_show(show, benchmarks=BENCHMARKS)
    assert "online_drop" in {f.metric for f in result.findings}
