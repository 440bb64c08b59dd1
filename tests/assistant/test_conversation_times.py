"""Conversation exports show local time, the zone named once (北京时间 by default, PLAYBOOK_TIMEZONE), and
the answer's scope evidence is stored with it."""

from __future__ import annotations

import sqlite3

import pytest

from assistant.conversations import ConversationStore
from common.timefmt import labelled, local_iso, local_text, parse, zone_label

pytestmark = pytest.mark.pure


def _store_with_one_exchange(tmp_path):
    store = ConversationStore(tmp_path)
    cid = store.create()
    store.add_message(cid, "user", "福袋多久发一次？")
    store.add_message(cid, "assistant", "十五分钟 [1]", scope={"grade": "in", "best_similarity": 0.93})
    with sqlite3.connect(store.path) as conn:  # a known instant: 20:32:18 UTC = 04:32:18 the next day in Beijing
        conn.execute("UPDATE messages SET created_at = '2026-12-01T20:32:18+00:00'")
        conn.execute("UPDATE conversations SET created_at = '2026-12-01T20:32:18+00:00', updated_at = '2026-12-01T20:32:18+00:00'")
    return store, cid


def test_exports_are_in_beijing_time_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("PLAYBOOK_TIMEZONE", raising=False)
    store, cid = _store_with_one_exchange(tmp_path)
    md = store.export_markdown(cid)
    assert "创建于 2026-12-02 04:32（北京时间）" in md and "## 问（2026-12-02 04:32）" in md
    assert md.count("北京时间") == 1  # said once
    data = store.export_json(cid)
    assert data["created_at"] == "2026-12-02T04:32:18+08:00" and data["timezone"] == "Asia/Shanghai（北京时间）"
    assert data["messages"][0]["created_at"] == "2026-12-02T04:32:18+08:00"
    assert "+00:00" not in str(data)


def test_the_zone_is_a_setting(tmp_path, monkeypatch):
    store, cid = _store_with_one_exchange(tmp_path)
    monkeypatch.setenv("PLAYBOOK_TIMEZONE", "UTC")
    assert "创建于 2026-12-01 20:32（UTC 时间）" in store.export_markdown(cid)
    assert store.export_json(cid, timezone_name="Europe/Berlin")["created_at"] == "2026-12-01T21:32:18+01:00"


def test_scope_is_stored_with_the_answer(tmp_path):
    store, cid = _store_with_one_exchange(tmp_path)
    assert store.messages(cid)[1].scope == {"grade": "in", "best_similarity": 0.93}
    assert store.messages(cid)[0].scope == {}


def test_time_helpers():
    assert zone_label("Asia/Shanghai") == "北京时间" and zone_label("UTC") == "UTC 时间"
    assert local_text("2026-12-01T20:32:18Z", "Asia/Shanghai", seconds=True) == "2026-12-02 04:32:18"
    assert labelled("2026-12-01T20:32:18", "Asia/Shanghai") == "2026-12-02 04:32（北京时间）"  # no offset: UTC
    assert local_iso("2026-12-01T20:32:18+00:00", "Asia/Shanghai") == "2026-12-02T04:32:18+08:00"
    assert local_text("不是时间", "Asia/Shanghai") == "不是时间" and parse("") is None


def test_an_unknown_zone_is_a_settings_error(monkeypatch):
    from settings import SettingsError, load_settings

    monkeypatch.setenv("PLAYBOOK_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError, match="PLAYBOOK_TIMEZONE"):
        load_settings()
