"""Chat conversations and answer feedback, stored in SQLite under ``PLAYBOOK_DATA_DIR``.

One database file (``conversations.sqlite3``) in WAL mode. Every write is its own short
transaction, committed before the call returns, so a process killed in the middle of an answer loses
at most the message being written. A fresh connection is opened per call: the store is safe to share
between the threads of a Streamlit server (one thread per browser session) and between processes.

Conversation ids are random and unguessable (they appear in the page address so that a reload keeps
the chat).

Each conversation has an ``owner`` (the account; "" single-user and before accounts). Methods take
``owner=``: someone else's conversation is then treated as one that does not exist; ``None`` = no
filter (command line, maintenance aggregates, which count every owner).
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

import common.sqlite as sqlite_tx
from assistant.conversation_schema import COLUMNS as _COLUMNS
from assistant.conversation_schema import OWNER_INDEX as _INDEX
from assistant.conversation_schema import SCHEMA as _SCHEMA
from assistant.types import Source, Turn

DB_NAME = "conversations.sqlite3"
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
TITLE_CHARS = 40
RATINGS = ("up", "down")
MAX_REASON_CHARS = 1000




class ConversationError(ValueError):
    """A conversation or message that does not exist, or an invalid value."""


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: str
    role: str                      # "user" | "assistant"
    content: str
    created_at: str
    sources: tuple[Source, ...] = ()
    mode: str = ""                 # "offline" | "llm" for assistant messages
    notice: str = ""               # e.g. the LLM fell back to the offline answer
    in_scope: bool | None = None
    rating: str | None = None      # "up" | "down" | None
    reason: str = ""
    scope: dict = field(default_factory=dict, compare=False)  # the Answer's scope evidence (grade, similarity)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "role": self.role, "content": self.content, "created_at": self.created_at}
        if self.role == "assistant":
            data.update(
                mode=self.mode,
                notice=self.notice,
                in_scope=self.in_scope,
                sources=[s.to_json() for s in self.sources],
                feedback={"rating": self.rating, "reason": self.reason} if self.rating else None,
            )
        return data


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str
    created_at: str
    updated_at: str
    message_count: int = 0
    messages: tuple[Message, ...] = field(default_factory=tuple)
    owner: str = ""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def make_title(text: str) -> str:
    """A one-line title from the first question."""
    line = " ".join(text.split())
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1] + "…"


def valid_id(conversation_id: str | None) -> bool:
    return isinstance(conversation_id, str) and bool(ID_PATTERN.match(conversation_id))


def _whose(owner: str | None, column: str = "owner") -> tuple[str, tuple]:
    """The SQL condition (`` AND ...``) and parameters that keep ``owner``'s rows (None: every row)."""
    return ("", ()) if owner is None else (f" AND {column} = ?", (str(owner),))


class ConversationStore(sqlite_tx.SqliteStore):
    """SQLite store of conversations, messages and feedback."""

    DB_NAME = DB_NAME
    SCHEMA = _SCHEMA
    COLUMNS = _COLUMNS
    AFTER_MIGRATION = (_INDEX,)

    # --- conversations -------------------------------------------------------------------------

    def create(self, title: str = "", *, owner: str = "", conversation_id: str | None = None) -> str:
        """A new empty conversation of ``owner``; returns its id (random, or ``conversation_id``: an existing
        conversation of that id and owner is then reused)."""
        if conversation_id is not None and not valid_id(conversation_id):
            raise ConversationError(f"invalid conversation id {conversation_id!r}")
        conversation_id, now = conversation_id or secrets.token_urlsafe(12), _now()
        with self._write() as conn:
            conn.execute("INSERT INTO conversations (id, title, created_at, updated_at, owner) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT(id) DO NOTHING", (conversation_id, make_title(title), now, now, str(owner)))
            row = conn.execute("SELECT owner FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if row["owner"] != str(owner):
            raise ConversationError(f"conversation {conversation_id!r} belongs to someone else")
        return conversation_id

    def exists(self, conversation_id: str | None, *, owner: str | None = None) -> bool:
        cond, args = _whose(owner)
        with self._connect() as conn:
            return valid_id(conversation_id) and conn.execute(
                f"SELECT 1 FROM conversations WHERE id = ?{cond}", (conversation_id, *args)).fetchone() is not None

    def get(self, conversation_id: str | None, *, owner: str | None = None) -> Conversation | None:
        """The conversation with all its messages (oldest first), or None."""
        if not valid_id(conversation_id):
            return None
        cond, args = _whose(owner)
        with self._connect() as conn:
            row = conn.execute(f"SELECT * FROM conversations WHERE id = ?{cond}", (conversation_id, *args)).fetchone()
            if row is None:
                return None
            messages = tuple(self._messages(conn, conversation_id))
        return Conversation(id=row["id"], title=row["title"], created_at=row["created_at"], updated_at=row["updated_at"],
                            message_count=len(messages), messages=messages, owner=row["owner"])

    def list(self, limit: int = 50, *, owner: str | None = None) -> list[Conversation]:
        """Conversations that have messages, most recently updated first (without their messages)."""
        cond, args = _whose(owner, "c.owner")
        with self._connect() as conn:
            rows = conn.execute(
                f"""
                SELECT c.*, COUNT(m.id) AS n FROM conversations c
                JOIN messages m ON m.conversation_id = c.id WHERE 1 = 1{cond}
                GROUP BY c.id ORDER BY c.updated_at DESC, c.rowid DESC LIMIT ?
                """,
                (*args, int(limit)),
            ).fetchall()
        return [Conversation(id=r["id"], title=r["title"], created_at=r["created_at"], updated_at=r["updated_at"],
                             message_count=r["n"], owner=r["owner"]) for r in rows]

    def rename(self, conversation_id: str, title: str, *, owner: str | None = None) -> None:
        cond, args = _whose(owner)
        with self._write() as conn:
            cur = conn.execute(f"UPDATE conversations SET title = ? WHERE id = ?{cond}",
                               (make_title(title), conversation_id, *args))
            if cur.rowcount == 0:
                raise ConversationError(f"no conversation {conversation_id!r}")

    def delete(self, conversation_id: str, *, owner: str | None = None) -> None:
        cond, args = _whose(owner)
        with self._write() as conn:
            conn.execute(f"DELETE FROM conversations WHERE id = ?{cond}", (conversation_id, *args))

    def reassign(self, owner: str, new_owner: str) -> int:
        """Give every conversation of ``owner`` to ``new_owner`` (a removed user's: to nobody); how many."""
        with self._write() as conn:
            return conn.execute("UPDATE conversations SET owner = ? WHERE owner = ?", (new_owner, owner)).rowcount

    # --- messages ------------------------------------------------------------------------------

    def add_message(
        self,
        conversation_id: str,
        role: str,
        content: str,
        *,
        sources: Iterable[Source] = (),
        mode: str = "",
        notice: str = "",
        in_scope: bool | None = None,
        owner: str | None = None,
        scope: dict | None = None,
    ) -> int:
        """Append one message and commit it; returns the message id.

        The first user message also becomes the conversation's title when it has none. ``scope``: the
        Answer's scope evidence (``Answer.scope``), kept for the maintainers' gaps report.
        """
        if role not in ("user", "assistant"):
            raise ConversationError(f"role must be 'user' or 'assistant', not {role!r}")
        now = _now()
        sources_json = json.dumps([s.to_json() for s in sources], ensure_ascii=False)
        cond, args = _whose(owner)
        scope_json = json.dumps(scope or {}, ensure_ascii=False, default=str)
        with self._write() as conn:
            row = conn.execute(f"SELECT title FROM conversations WHERE id = ?{cond}", (conversation_id, *args)).fetchone()
            if row is None:
                raise ConversationError(f"no conversation {conversation_id!r}")
            cur = conn.execute(
                """
                INSERT INTO messages (conversation_id, role, content, sources, mode, notice, in_scope, created_at, scope)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (conversation_id, role, content, sources_json, mode, notice, None if in_scope is None else int(in_scope), now,
                 scope_json),
            )
            if role == "user" and not row["title"]:
                conn.execute("UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?", (make_title(content), now, conversation_id))
            else:
                conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
            return int(cur.lastrowid)

    def messages(self, conversation_id: str, *, owner: str | None = None) -> list[Message]:
        if owner is not None and not self.exists(conversation_id, owner=owner):
            return []
        with self._connect() as conn:
            return self._messages(conn, conversation_id)

    @staticmethod
    def _messages(conn: sqlite3.Connection, conversation_id: str) -> list[Message]:
        rows = conn.execute(
            """
            SELECT m.*, f.rating, f.reason FROM messages m LEFT JOIN feedback f ON f.message_id = m.id
            WHERE m.conversation_id = ? ORDER BY m.id
            """,
            (conversation_id,),
        ).fetchall()
        result = []
        for r in rows:
            try:
                sources = tuple(Source.from_json(s) for s in json.loads(r["sources"] or "[]"))
            except (ValueError, TypeError, AttributeError):
                sources = ()
            result.append(
                Message(
                    id=r["id"],
                    conversation_id=r["conversation_id"],
                    role=r["role"],
                    content=r["content"],
                    created_at=r["created_at"],
                    sources=sources,
                    mode=r["mode"],
                    notice=r["notice"],
                    in_scope=None if r["in_scope"] is None else bool(r["in_scope"]),
                    rating=r["rating"],
                    reason=r["reason"] or "",
                    scope=_json(r["scope"], {}),
                )
            )
        return result

    # --- feedback ------------------------------------------------------------------------------

    def set_feedback(self, message_id: int, rating: str | None, reason: str = "", *, owner: str | None = None) -> None:
        """Record 👍 ("up") or 👎 ("down") with an optional reason; rating None removes it."""
        if rating is not None and rating not in RATINGS:
            raise ConversationError(f"rating must be one of {RATINGS} or None, not {rating!r}")
        reason = (reason or "").strip()[:MAX_REASON_CHARS]
        cond, args = _whose(owner, "c.owner")
        with self._write() as conn:
            row = conn.execute("SELECT m.role FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                               f"WHERE m.id = ?{cond}", (int(message_id), *args)).fetchone()
            if row is None:
                raise ConversationError(f"no message {message_id!r}")
            if row["role"] != "assistant":
                raise ConversationError("feedback is only for answers")
            if rating is None:
                conn.execute("DELETE FROM feedback WHERE message_id = ?", (int(message_id),))
            else:
                conn.execute(
                    """
                    INSERT INTO feedback (message_id, rating, reason, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(message_id) DO UPDATE SET rating = excluded.rating, reason = excluded.reason,
                        updated_at = excluded.updated_at
                    """,
                    (int(message_id), rating, reason, _now()),
                )

    def feedback_summary(self) -> dict[str, int]:
        """Counts of 👍 and 👎 over all answers."""
        with self._connect() as conn:
            rows = conn.execute("SELECT rating, COUNT(*) AS n FROM feedback GROUP BY rating").fetchall()
        counts = {"up": 0, "down": 0}
        counts.update({r["rating"]: r["n"] for r in rows})
        return counts

    def feedback_rows(self, limit: int = 200) -> list[dict[str, Any]]:
        """Recent feedback with the question and answer it is about, newest first."""
        with self._connect() as conn:
            rows = conn.execute(
                """
                SELECT f.message_id, f.rating, f.reason, f.updated_at, m.conversation_id, m.content AS answer,
                    (SELECT q.content FROM messages q WHERE q.conversation_id = m.conversation_id AND q.id < m.id
                        AND q.role = 'user' ORDER BY q.id DESC LIMIT 1) AS question
                FROM feedback f JOIN messages m ON m.id = f.message_id
                ORDER BY f.updated_at DESC, f.message_id DESC LIMIT ?
                """,
                (int(limit),),
            ).fetchall()
        return [dict(r) for r in rows]

    def answer_log(self, since: str | None = None) -> list[dict[str, Any]]:
        """Every answer since ``since`` (ISO, UTC), oldest first, with its question, for aggregate reports
        (the gaps report): no conversation ids and no owners. Keys: question, answer, created_at,
        in_scope, scope, rating, reason, sources (card ids)."""
        with self._connect() as conn:
            rows = conn.execute(
                """
                SELECT m.content AS answer, m.created_at, m.in_scope, m.scope, m.sources, f.rating, f.reason,
                    (SELECT q.content FROM messages q WHERE q.conversation_id = m.conversation_id AND q.id < m.id
                        AND q.role = 'user' ORDER BY q.id DESC LIMIT 1) AS question
                FROM messages m LEFT JOIN feedback f ON f.message_id = m.id
                WHERE m.role = 'assistant' AND m.created_at >= ? ORDER BY m.id
                """, (since or "",)).fetchall()
        return [{**dict(r), "question": r["question"] or "", "reason": r["reason"] or "", "scope": _json(r["scope"], {}),
                 "in_scope": None if r["in_scope"] is None else bool(r["in_scope"]),
                 "sources": [x.get("card_id", "") for x in _json(r["sources"], []) if isinstance(x, dict)]} for r in rows]

    # --- export (assistant/exports.py: times in PLAYBOOK_TIMEZONE, 北京时间 by default, named once) -----------

    def export_json(self, conversation_id: str, timezone_name: str | None = None, *, owner: str | None = None) -> dict[str, Any]:
        from assistant.exports import conversation_json

        return conversation_json(self._existing(conversation_id, owner), timezone_name)

    def export_markdown(self, conversation_id: str, timezone_name: str | None = None, *, owner: str | None = None) -> str:
        from assistant.exports import conversation_markdown

        return conversation_markdown(self._existing(conversation_id, owner), timezone_name)

    def _existing(self, conversation_id: str, owner: str | None = None) -> Conversation:
        if (conv := self.get(conversation_id, owner=owner)) is None:
            raise ConversationError(f"no conversation {conversation_id!r}")
        return conv


def _json(text: str | None, default):
    """A JSON column's value, or ``default`` when it is empty, unreadable or of another type."""
    try:
        value = json.loads(text) if text else default
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


def history_turns(messages: Iterable[Message]) -> list[Turn]:
    """Earlier messages as assistant ``Turn`` records (for follow-up questions)."""
    return [Turn(role=m.role, content=m.content, sources=tuple(m.sources)) for m in messages]
