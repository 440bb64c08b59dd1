"""Saved plans per owner (list, reopen, copy a week on, edit, delete; nobody sees another's plans), the
printable HTML page and the 主播屏 position across midnight."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from assistant.plan import build_plan
from assistant.plan.cuecard import cue_position
from assistant.plan.printing import plan_html
from assistant.plan.store import PlanStore, PlanStoreError
from tests.assistant.conftest import DEV_PLANS

pytestmark = pytest.mark.pure


@pytest.fixture
def store(tmp_path):
    return PlanStore(tmp_path)


def test_plans_are_saved_listed_reopened_and_edited_per_owner(store, shipped_cards):
    plan = build_plan(DEV_PLANS[0], shipped_cards)
    first = store.save("alice", plan.inputs, plan.to_json())
    second = store.save("alice", DEV_PLANS[1], {"run_of_show": []})
    theirs = store.save("bob", plan.inputs, plan.to_json())
    assert [p.id for p in store.list("alice")] == [second, first]
    assert [p.id for p in store.list("bob")] == [theirs] and store.list("") == []
    opened = store.get("alice", first)
    assert opened.inputs == plan.inputs and opened.plan == plan.to_json() and "豆芽" in opened.title
    assert store.get("bob", first) is None and store.get("alice", theirs) is None, "another owner's plan is invisible"
    changed = dict(plan.inputs, target_gmv=12_000_000)
    assert store.save("alice", changed, plan.to_json(), plan_id=first) == first
    assert store.get("alice", first).inputs["target_gmv"] == 12_000_000
    assert next(p.id for p in store.list("alice")) == first, "the edited plan comes first"
    with pytest.raises(PlanStoreError):
        store.save("bob", changed, {}, plan_id=first)
    assert store.get("alice", first).inputs["target_gmv"] == 12_000_000


def test_last_weeks_plan_is_copied_a_week_on(store):
    plan_id = store.save("", dict(DEV_PLANS[0]), {})
    copied = store.copy("", plan_id)
    assert copied["broadcast_at"] == "2026-12-16T19:00" and copied["streamer"] == "豆芽"
    assert store.get("", plan_id).inputs["broadcast_at"] == "2026-12-09T19:00", "the original stays"
    with pytest.raises(PlanStoreError):
        store.copy("mallory", plan_id)


def test_bad_ids_and_deletes(store):
    plan_id = store.save("a", dict(DEV_PLANS[1]), {})
    for bad in (None, "", "../../etc", "x" * 200, "'; DROP TABLE plans; --"):
        assert store.get("a", bad) is None
    assert not store.delete("b", plan_id) and store.delete("a", plan_id) and store.get("a", plan_id) is None


def test_concurrent_saves_lose_nothing(store):
    def work(n):
        for i in range(10):
            store.save(f"user{n}", dict(DEV_PLANS[1], target_gmv=i + 1), {})

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [len(store.list(f"user{n}")) for n in range(4)] == [10, 10, 10, 10]


def test_the_print_page_is_only_the_plan_and_shows_hostile_text_as_text(shipped_cards):
    raw = dict(DEV_PLANS[0], streamer="<script>alert(1)</script>豆芽",
               products=[{"name": "![x](http://e.example/a.png)", "price": 9.9}, {"name": "<img src=x onerror=alert(1)>羽绒服", "price": 699}])
    page = plan_html(build_plan(raw, shipped_cards), shipped_cards)
    assert page.startswith("<!doctype html>") and "@page" in page and "@media print" in page
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert "<table>" in page and page.count("<h2>") == 10
    assert "生成方案" not in page and "stSidebar" not in page


def test_cue_position_follows_the_clock_across_midnight(shipped_cards):
    plan = build_plan(dict(DEV_PLANS[0], broadcast_at="2026-12-31T23:00", duration_hours=2), shipped_cards).to_json()
    blocks = plan["run_of_show"]
    before = cue_position(plan, dt.datetime(2026, 12, 31, 22, 50))
    assert not before.started and before.next == blocks[0] and before.minutes_left == 10
    first = cue_position(plan, dt.datetime(2026, 12, 31, 23, 0))
    assert first.current == blocks[0] and first.next == blocks[1]
    after_midnight = cue_position(plan, dt.datetime(2027, 1, 1, 0, 30))
    assert after_midnight.started and after_midnight.current is not None
    start = dt.datetime(2026, 12, 31, 23, 0)
    elapsed = 0
    for block in blocks:
        if elapsed <= 90 < elapsed + block["minutes"]:
            assert after_midnight.current == block
        elapsed += block["minutes"]
    assert cue_position(plan, start + dt.timedelta(minutes=120)).ended
    assert cue_position(plan, start + dt.timedelta(minutes=119)).current == blocks[-1]
