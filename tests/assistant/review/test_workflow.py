"""The workflow the CLI and the pages share (history, saving, reopening), the store's additions, and the
contingency-rule adapter on the shipped cards."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from assistant.review import ReviewStore, ShowDataError
from assistant.review.contingency import contingency_rules
from assistant.review.workflow import Handbook, open_store, reopen_show, review_upload

from .helpers import EXAMPLES, SHIPPED_CARDS, healthy_rows, show_csv

pytestmark = pytest.mark.pure


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    from playbook.loader import load_cards

    return Handbook.from_cards(load_cards(SHIPPED_CARDS))


def _bytes(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def test_save_reopen_and_the_same_show_twice(tmp_path, handbook):
    store = ReviewStore(tmp_path)
    first = review_upload(_bytes("viewer_drop.csv"), data_name="viewer_drop.csv", products=_bytes("healthy_products.csv"),
                          plan=_bytes("plan.json"), handbook=handbook, store=store, owner="alice", save=True)
    assert first.show_id and not first.already_saved and first.account == "示例女装店"   # the plan's streamer
    again = review_upload(_bytes("viewer_drop.csv"), data_name="viewer_drop.csv", products=_bytes("healthy_products.csv"),
                          plan=_bytes("plan.json"), handbook=handbook, store=store, owner="alice", save=True)
    assert again.already_saved and again.show_id == first.show_id and len(store.list_shows("alice")) == 1
    reopened = reopen_show(store, "alice", first.show_id, handbook=handbook)
    assert [f.to_json() for f in reopened.result.findings] == [f.to_json() for f in first.result.findings]
    assert reopened.result.comparison is not None and reopened.result.products    # plan and products came back
    assert reopened.result.show.start == dt.datetime(2026, 12, 9, 19, 0)          # dated by the plan's broadcast day
    with pytest.raises(LookupError):
        reopen_show(store, "bob", first.show_id, handbook=handbook)


def test_history_is_the_accounts_earlier_shows_never_the_show_itself(tmp_path, handbook):
    store = ReviewStore(tmp_path)
    days = [dt.date(2026, 12, d) for d in (1, 2, 3)]
    for day, stay in zip(days, (150, 160, 170)):
        rows = healthy_rows()
        for r in rows:
            r["avg_stay_seconds"] = stay
        review_upload(show_csv(rows), handbook=handbook, store=store, account="号A", save=True, today=day)
    later = review_upload(_bytes("healthy.csv"), handbook=handbook, store=store, account="号A", today=dt.date(2026, 12, 4))
    (f,) = later.result.findings
    assert f.metric == "avg_stay" and len(later.result.history) == 3
    stored = store.list_shows("", "号A")
    reopened = reopen_show(store, "", stored[0].id, handbook=handbook)
    assert len(reopened.result.history) == 2                                     # the other two, not itself


def test_invalid_files_store_nothing_and_open_nothing(tmp_path, handbook):
    opened = []
    with pytest.raises(ShowDataError):
        review_upload(b"time,online\n", handbook=handbook, store=lambda: opened.append(1), save=True)
    assert opened == [] and open_store(tmp_path, create=False) is None and not any(tmp_path.iterdir())


def test_a_store_from_before_inputs_were_kept_gains_the_column(tmp_path):
    with sqlite3.connect(tmp_path / "reviews.sqlite3") as conn:
        conn.execute("CREATE TABLE shows (id TEXT PRIMARY KEY, owner TEXT NOT NULL, account TEXT NOT NULL, title TEXT NOT NULL"
                     " DEFAULT '', started_at TEXT NOT NULL, minutes INTEGER NOT NULL, totals TEXT NOT NULL, series TEXT NOT NULL,"
                     " review TEXT NOT NULL, created_at TEXT NOT NULL)")
        conn.execute("INSERT INTO shows VALUES ('old', '', '号A', '', '2026-12-01T19:00', 240, ?, '[]', '{}', 'x')",
                     (json.dumps({"gmv": 1.0}),))
    store = ReviewStore(tmp_path)
    ReviewStore(tmp_path)                                                        # idempotent
    assert store.get_show("", "old").inputs is None and store.previous_totals("", "号A") == [{"gmv": 1.0}]


def test_pasted_points_are_stored_all_or_none(tmp_path):
    from assistant.review import StoreError, read_show

    store = ReviewStore(tmp_path)
    session = store.start_session("alice", "号A")
    points = list(read_show(_bytes("healthy.csv")).intervals)
    store.append_points("alice", session, points[:10])
    store.append_points("alice", session, points[5:12])                       # overlapping rows replace
    assert len(store.points("alice", session)) == 12
    with pytest.raises(StoreError):
        store.append_points("bob", session, points[12:])
    assert len(store.points("alice", session)) == 12


def test_contingency_rules_of_the_shipped_cards_by_live_metric(shipped_cards):
    rules = contingency_rules(shipped_cards.values())
    assert set(rules) >= {"online_drop", "avg_stay", "conversion_rate", "ad_roi"}
    assert all(r.card in shipped_cards and r.action for rs in rules.values() for r in rs)
    drop = [r.condition for r in rules["online_drop"]]
    assert any("三成" in c for c in drop) and not any("翻倍" in c for c in drop)   # a surge is not a drop's rule


def test_contingency_rules_with_structured_triggers():
    from .helpers import make_card

    card = make_card("x", {"contingency_rules": [
        {"metric": "在线", "trigger": {"metric": "avg_stay", "below": 30}, "condition": "停留低于30秒", "action": "上福袋"},
        {"metric_id": "conversion_rate", "metric": "成交", "condition": "c", "action": "a"},
        {"metric": "评论区", "condition": "刷屏", "action": "禁言"},
        "not a rule",
    ]})
    rules = contingency_rules([card])
    assert [r.action for r in rules["avg_stay"]] == ["上福袋"] and [r.action for r in rules["conversion_rate"]] == ["a"]
    assert "online_drop" not in rules
