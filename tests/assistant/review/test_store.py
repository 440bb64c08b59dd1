"""The show store: owner isolation, the account's history for baselines, live sessions that survive a reload."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from assistant.review import ReviewStore, StoreError, live_point, live_status

from .helpers import BENCHMARKS, review

pytestmark = pytest.mark.pure


@pytest.fixture
def store(tmp_path):
    return ReviewStore(tmp_path / "data")


def test_saved_show_round_trips_and_only_its_owner_sees_it(store, tmp_path):
    result = review("viewer_drop.csv", "healthy_products.csv", "plan.json")
    show_id = store.save_show("alice", "示例女装店", result, title="12月9日")
    got = store.get_show("alice", show_id)
    assert got.totals == result.to_json()["totals"] and len(got.series) == 48
    assert got.review["findings"] == result.to_json()["findings"] and got.minutes == 240
    assert store.get_show("bob", show_id) is None and store.list_shows("bob") == []
    assert store.get_show("", show_id) is None                  # single-user mode is its own owner
    assert [s.id for s in store.list_shows("alice")] == [show_id]
    assert not store.delete_show("bob", show_id) and store.get_show("alice", show_id) is not None
    assert store.delete_show("alice", show_id) and store.list_shows("alice") == []
    with sqlite3.connect(tmp_path / "data" / "reviews.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_previous_totals_feed_the_accounts_own_baseline(store):
    healthy = review("healthy.csv")
    for _ in range(3):
        store.save_show("alice", "示例女装店", healthy)
    store.save_show("alice", "别的账号", review("low_stay_gb18030.csv"))
    store.save_show("bob", "示例女装店", review("low_stay_gb18030.csv"))
    history = store.previous_totals("alice", "示例女装店")
    assert len(history) == 3 and all(h["avg_stay_seconds"] > 70 for h in history)
    result = review("low_stay_gb18030.csv", history=history)
    (f,) = result.findings
    assert f.severity == "high" and "本账号近 3 场中位数" in f.benchmark
    assert store.previous_totals("alice", "示例女装店", before="2000-01-01T00:00") == []


def test_live_session_survives_a_reload_and_a_second_device(store, tmp_path):
    session = store.start_session("alice", "示例女装店", title="今晚", plan={"run_of_show": []})
    previous = None
    for k, online in enumerate([1000] * 8 + [600] * 3):
        previous = live_point(f"20:{5 * k:02d}", online, 300, 15, 1500, 80, previous=previous)
        store.append_point("alice", session, previous)
    before = live_status(store.points("alice", session), BENCHMARKS)
    again = ReviewStore(tmp_path / "data")                        # a reload, or another browser
    after = live_status(again.points("alice", session), BENCHMARKS)
    assert [a.to_json() for a in after.alerts] == [a.to_json() for a in before.alerts]
    assert [a.time for a in after.alerts] == ["20:40"]
    assert again.get_session("alice", session).points == 11 and again.get_session("alice", session).plan == {"run_of_show": []}
    fixed = live_point("20:50", 650, 300, 15, 1500, 80)
    fixed = type(fixed)(**{**fixed.__dict__, "start": datetime(2000, 1, 1, 20, 50)})
    again.append_point("alice", session, fixed)                  # same time: a correction replaces the point
    assert [p.online for p in again.points("alice", session)][-1] == 650 and len(again.points("alice", session)) == 11
    with pytest.raises(StoreError):
        again.points("bob", session)
    with pytest.raises(StoreError):
        again.append_point("bob", session, fixed)
    assert again.list_sessions("bob") == [] and [s.id for s in again.list_sessions("alice")] == [session]
    assert not again.delete_session("bob", session) and again.delete_session("alice", session)
    assert again.get_session("alice", session) is None
