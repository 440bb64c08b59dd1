"""The SQLite conversation store (assistant.conversations): persistence, feedback, export, crashes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import pytest

from assistant.conversations import DB_NAME, ConversationError, ConversationStore, history_turns
from assistant.types import Source

SOURCE = Source(n=1, card_id="warmup-schedule", title="开播前预热排期", topics=("warmup-video",), excerpt="T-1 发两条", stage="pre")


@pytest.fixture
def store(tmp_path) -> ConversationStore:
    return ConversationStore(tmp_path / "data")


def test_round_trip_and_reopen(tmp_path, store):
    cid = store.create()
    store.add_message(cid, "user", "开播前几天发预热视频？")
    mid = store.add_message(cid, "assistant", "提前三天 [1]", sources=[SOURCE], mode="offline", in_scope=True)
    again = ConversationStore(tmp_path / "data")  # a restart
    conv = again.get(cid)
    assert conv.title == "开播前几天发预热视频？"
    assert [m.role for m in conv.messages] == ["user", "assistant"]
    answer = conv.messages[1]
    assert answer.id == mid and answer.sources == (SOURCE,) and answer.mode == "offline" and answer.in_scope
    assert [c.id for c in again.list()] == [cid]
    turns = history_turns(conv.messages)
    assert turns[1].sources == (SOURCE,)


def test_wal_mode(store):
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_empty_conversations_are_not_listed_and_ids_are_checked(store):
    store.create()
    assert store.list() == []
    assert store.get("../../etc/passwd") is None
    assert not store.exists("x")
    with pytest.raises(ConversationError):
        store.add_message("nope-nope-nope", "user", "hi")
    with pytest.raises(ConversationError):
        store.add_message(store.create(), "system", "hi")


def test_feedback_upsert_remove_and_only_on_answers(store):
    cid = store.create()
    qid = store.add_message(cid, "user", "问")
    aid = store.add_message(cid, "assistant", "答 [1]", sources=[SOURCE])
    store.set_feedback(aid, "down", "  太笼统  ")
    assert store.messages(cid)[1].rating == "down" and store.messages(cid)[1].reason == "太笼统"
    store.set_feedback(aid, "up")
    assert store.feedback_summary() == {"up": 1, "down": 0}
    assert store.feedback_rows()[0]["question"] == "问"
    store.set_feedback(aid, None)
    assert store.feedback_summary() == {"up": 0, "down": 0}
    with pytest.raises(ConversationError):
        store.set_feedback(qid, "up")
    with pytest.raises(ConversationError):
        store.set_feedback(aid, "meh")


def test_export_markdown_and_json(store):
    cid = store.create()
    store.add_message(cid, "user", "憋单怎么做？")
    aid = store.add_message(cid, "assistant", "要有节奏 [1]", sources=[SOURCE], notice="大模型超时，已改用离线回答")
    store.set_feedback(aid, "up", "有用")
    md = store.export_markdown(cid)
    assert md.startswith("# 憋单怎么做？") and "[1] 开播前预热排期（warmup-schedule）" in md and "大模型超时" in md
    data = json.loads(json.dumps(store.export_json(cid), ensure_ascii=False))
    assert data["messages"][1]["sources"][0]["card_id"] == "warmup-schedule"
    assert data["messages"][1]["feedback"] == {"rating": "up", "reason": "有用"}


def test_concurrent_writers(store):
    ids = [store.create() for _ in range(4)]

    def chat(cid):
        for i in range(15):
            store.add_message(cid, "user" if i % 2 == 0 else "assistant", f"消息 {i}")

    threads = [threading.Thread(target=chat, args=(cid,)) for cid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(len(store.messages(cid)) == 15 for cid in ids)


def test_a_kill_mid_write_loses_at_most_that_message(tmp_path):
    """A process killed while writing a message: the earlier messages are all there, the db is sound."""
    data = tmp_path / "data"
    store = ConversationStore(data)
    cid = store.create()
    child = textwrap.dedent(
        f"""
        import time
        from assistant.conversations import ConversationStore
        store = ConversationStore({str(data)!r})
        for i in range(3):
            store.add_message({cid!r}, "user", f"第{{i}}条")
        with store._write() as conn:  # the fourth message, never committed
            conn.execute("INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?, 'user', 'x', 'now')", ({cid!r},))
            print("writing", flush=True)
            time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    again = ConversationStore(data)
    assert [m.content for m in again.messages(cid)] == ["第0条", "第1条", "第2条"]
    with sqlite3.connect(data / DB_NAME) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again.add_message(cid, "assistant", "还能写")  # the lock died with the process
    assert len(again.messages(cid)) == 4


def test_reader_never_waits_on_a_slow_writer(tmp_path):
    store = ConversationStore(tmp_path / "data")
    cid = store.create()
    store.add_message(cid, "user", "已提交")
    started = threading.Event()

    def slow_writer():
        with store._write() as conn:
            conn.execute("UPDATE conversations SET title = 'x' WHERE id = ?", (cid,))
            started.set()
            time.sleep(1.0)

    t = threading.Thread(target=slow_writer)
    t.start()
    started.wait(5)
    t0 = time.monotonic()
    assert [m.content for m in store.messages(cid)] == ["已提交"]  # WAL: readers are not blocked
    assert time.monotonic() - t0 < 0.5
    t.join()
