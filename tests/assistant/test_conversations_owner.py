"""Conversations belong to their owner: someone else's conversation is treated as one that does not exist;
databases of earlier versions gain the owner column (owner '') without losing anything."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from assistant.conversations import DB_NAME, ConversationError, ConversationStore
from assistant.types import Source

pytestmark = pytest.mark.pure

SOURCE = Source(n=1, card_id="warmup-schedule", title="开播前预热排期", topics=("warmup-video",), excerpt="T-1 发两条", stage="pre")


@pytest.fixture
def store(tmp_path) -> ConversationStore:
    return ConversationStore(tmp_path / "data")


def _chat(store: ConversationStore, owner: str, question: str) -> tuple[str, int]:
    cid = store.create(owner=owner)
    store.add_message(cid, "user", question, owner=owner)
    mid = store.add_message(cid, "assistant", "答 [1]", sources=[SOURCE], mode="offline", in_scope=True, owner=owner)
    return cid, mid


def test_each_owner_lists_and_opens_only_their_own(store):
    mine, _ = _chat(store, "douya", "豆芽的问题")
    theirs, _ = _chat(store, "laoban", "老板的问题")
    assert [c.title for c in store.list(owner="douya")] == ["豆芽的问题"]
    assert [c.title for c in store.list(owner="laoban")] == ["老板的问题"]
    assert store.list(owner="") == []                 # single-user mode sees neither
    assert {c.id for c in store.list()} == {mine, theirs}  # no filter: the command line, aggregates

    assert store.exists(mine, owner="douya") and not store.exists(theirs, owner="douya")
    assert store.get(theirs, owner="douya") is None
    assert store.get(theirs, owner="laoban").owner == "laoban"
    assert store.messages(theirs, owner="douya") == []
    assert store.get(theirs).owner == "laoban" and store.get("nonexistent-id") is None


def test_nobody_writes_into_or_exports_someone_elses_conversation(store):
    theirs, their_answer = _chat(store, "laoban", "老板的问题")
    with pytest.raises(ConversationError):
        store.add_message(theirs, "user", "我也来问", owner="douya")
    with pytest.raises(ConversationError):
        store.set_feedback(their_answer, "down", "不好", owner="douya")
    with pytest.raises(ConversationError):
        store.export_json(theirs, owner="douya")
    with pytest.raises(ConversationError):
        store.export_markdown(theirs, owner="douya")
    with pytest.raises(ConversationError):
        store.rename(theirs, "改名", owner="douya")
    store.delete(theirs, owner="douya")  # silently nothing
    assert [m.role for m in store.messages(theirs)] == ["user", "assistant"]
    assert store.feedback_summary() == {"up": 0, "down": 0}
    store.set_feedback(their_answer, "down", "不好", owner="laoban")
    assert store.feedback_summary() == {"up": 0, "down": 1}  # aggregates count every owner
    assert store.export_json(theirs, owner="laoban")["title"] == "老板的问题"


def test_create_with_a_given_id_is_reused_by_its_owner_only(store):
    cid = store.create("第一问", owner="douya", conversation_id="api-0123456789abcdef")
    assert store.create("第一问", owner="douya", conversation_id="api-0123456789abcdef") == cid
    with pytest.raises(ConversationError):
        store.create("第一问", owner="laoban", conversation_id=cid)
    with pytest.raises(ConversationError):
        store.create(owner="douya", conversation_id="../x")


def test_an_old_database_gains_the_owner_column(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / DB_NAME) as conn:  # the schema of the version before accounts
        conn.executescript("""
            CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL
                REFERENCES conversations(id) ON DELETE CASCADE, role TEXT NOT NULL, content TEXT NOT NULL,
                sources TEXT NOT NULL DEFAULT '[]', mode TEXT NOT NULL DEFAULT '', notice TEXT NOT NULL DEFAULT '',
                in_scope INTEGER, created_at TEXT NOT NULL);
            INSERT INTO conversations VALUES ('oldconversation1', '旧的对话', '2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00');
            INSERT INTO messages (conversation_id, role, content, created_at)
                VALUES ('oldconversation1', 'user', '旧问题', '2026-11-01T00:00:00+00:00');
        """)
    stores = []
    threads = [threading.Thread(target=lambda: stores.append(ConversationStore(data))) for _ in range(4)]
    for t in threads:  # several processes/threads opening it at once migrate it once
        t.start()
    for t in threads:
        t.join()
    assert len(stores) == 4
    store = ConversationStore(data)
    old = store.get("oldconversation1", owner="")
    assert old is not None and old.owner == "" and [m.content for m in old.messages] == ["旧问题"]
    assert store.get("oldconversation1", owner="douya") is None
    with sqlite3.connect(data / DB_NAME) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(conversations)")]
        assert columns.count("owner") == 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
