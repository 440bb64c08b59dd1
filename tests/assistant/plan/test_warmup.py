"""Warm-up: the variant for big shows, daily and other accounts; tasks at times and advice as notes; items
for other stages left out; never five tasks at one minute; everything before the start."""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter

import pytest

from assistant.plan import build_plan, compute_facts, parse_plan_inputs
from assistant.plan.warmup import MAX_AT_ONCE
from tests.assistant.conftest import DEV_PLANS
from tests.support.plans import check_plan_contract

pytestmark = pytest.mark.pure
BASE = DEV_PLANS[0]


def warmup(cards, **changes):
    raw = copy.deepcopy(BASE)
    raw.update(changes)
    return compute_facts(parse_plan_inputs(raw), cards).warmup


def texts(w) -> list[str]:
    return [i.text for i in w.items]


def test_big_event_opens_the_booking_seven_days_before(shipped_cards):
    w = warmup(shipped_cards, stage="big-event")
    assert w.variant == "big"
    first = min(i.at for i in w.items).date()
    show = dt.date(2026, 12, 9)
    assert (show - first).days == 7
    booking = [i for i in w.items if i.kind == "booking"]
    assert booking and (show - booking[0].at.date()).days == 7


def test_a_daily_account_warms_up_with_the_previous_show(shipped_cards):
    w = warmup(shipped_cards, stage="growth")
    assert w.variant == "daily"
    previous = next(i for i in w.items if i.text.startswith("上一场下播前"))
    assert previous.at == dt.datetime(2026, 12, 8, 22, 50), "ten minutes before yesterday's show (same slot) ends"
    assert min(i.at.date() for i in w.items) == dt.date(2026, 12, 8)


def test_a_weekly_account_opens_the_booking_three_days_before(shipped_cards):
    w = warmup(shipped_cards, stage="growth", streams_daily=False)
    assert w.variant == "regular"
    booking = next(i for i in w.items if i.kind == "booking")
    assert booking.at.date() == dt.date(2026, 12, 6)


def test_advice_is_a_note_not_a_task(shipped_cards):
    w = warmup(shipped_cards, stage="growth", streams_daily=False)
    assert not any("间隔六到八小时" in t for t in texts(w))
    assert any("间隔六到八小时" in n for notes in w.notes.values() for n in notes)
    md = build_plan(dict(copy.deepcopy(BASE), stage="growth", streams_daily=False), shipped_cards).section("warmup").markdown
    assert "- 提示：两条视频间隔六到八小时发布" in md


def test_items_for_another_stage_are_left_out(shipped_cards):
    growth = texts(warmup(shipped_cards, stage="growth", streams_daily=False))
    assert not any("起号期" in t for t in growth)
    cold = texts(warmup(shipped_cards, stage="cold-start", streams_daily=False))
    assert any("起号期账号在这一天发布直播预告" in t for t in cold)


def test_no_budget_no_ad_task(shipped_cards):
    assert any("投放计划" in t for t in texts(warmup(shipped_cards)))
    assert not any("投放" in t for t in texts(warmup(shipped_cards, ad_budget=0)))


@pytest.mark.parametrize("stage", ["cold-start", "growth", "plateau", "big-event"])
@pytest.mark.parametrize("when", ["2026-12-09T19:00", "2026-03-15T01:00", "2026-06-01T00:10", "2026-06-01T08:00"])
def test_never_more_than_two_at_one_minute_and_all_before_the_start(stage, when, shipped_cards):
    w = warmup(shipped_cards, stage=stage, broadcast_at=when)
    start = dt.datetime.fromisoformat(when)
    assert all(i.at < start for i in w.items)
    assert max(Counter(i.at for i in w.items).values()) <= MAX_AT_ONCE
    assert any(i.kind == "booking" for i in w.items)
    assert w.live and all(t.startswith("开播后") for t in w.live)


def test_an_early_morning_show_moves_show_day_items_before_the_start(shipped_cards):
    raw = dict(copy.deepcopy(BASE), broadcast_at="2026-03-15T01:00", duration_hours=3, stage="growth", streams_daily=False)
    plan = build_plan(raw, shipped_cards)
    check_plan_contract(plan.to_json(), raw, shipped_cards)
    assert any(d.date == "2026-03-14" and any("悬念" in i for i in d.items) for d in plan.warmup_schedule)
