"""Reviewed shows and live-console sessions in SQLite under the data dir (``reviews.sqlite3``).

WAL mode; every write is one short transaction committed before the call returns; a connection per
call (safe across Streamlit's threads and across processes). Everything belongs to an ``owner``
(the account name; '' in single-user mode) and every read is filtered by it: one owner can neither
list nor open another's shows or sessions. ``account`` is the streamer the show belongs to (the
account's own history for baselines).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import common.sqlite as sqlite_tx
from assistant.review.errors import StoreError
from assistant.review.models import Interval

DB_NAME = "reviews.sqlite3"
MAX_POINTS = 5000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS shows (
    id          TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    account     TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    totals      TEXT NOT NULL,
    series      TEXT NOT NULL,
    review      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    inputs      TEXT
);
CREATE INDEX IF NOT EXISTS shows_by_owner ON shows(owner, account, started_at);
CREATE TABLE IF NOT EXISTS live_sessions (
    id          TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    account     TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    plan        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_owner ON live_sessions(owner, updated_at);
CREATE TABLE IF NOT EXISTS live_points (
    session_id  TEXT NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    data        TEXT NOT NULL,
    PRIMARY KEY (session_id, at)
);
"""
_FIELDS = ("minutes", "online", "entries", "orders", "gmv", "exposures", "avg_stay_seconds", "comments", "new_followers", "ad_spend")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class StoredShow:
    id: str
    account: str
    title: str
    started_at: str
    minutes: int
    totals: dict[str, Any]
    created_at: str
    series: tuple[dict, ...] = ()
    review: dict | None = None
    inputs: dict | None = None

    def intervals(self) -> list[Interval]:
        """The stored series as Interval records (what the review was made of)."""
        return [Interval(start=datetime.strptime(row["time"], "%Y-%m-%d %H:%M"),
                         **{k: row[k] for k in _FIELDS if row.get(k) is not None}) for row in self.series]


@dataclass(frozen=True)
class LiveSession:
    id: str
    account: str
    title: str
    created_at: str
    updated_at: str
    plan: dict | None = None
    points: int = 0


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) <= max(0.01, 1e-6 * abs(float(a)))


def _point_json(i: Interval) -> str:
    return json.dumps({k: getattr(i, k) for k in _FIELDS if getattr(i, k) is not None})


def _point(at: str, data: str) -> Interval:
    values = json.loads(data)
    return Interval(start=datetime.fromisoformat(at), **values)


class ReviewStore(sqlite_tx.SqliteStore):
    DB_NAME = DB_NAME
    SCHEMA = _SCHEMA
    COLUMNS = (("shows", "inputs", "TEXT"),)  # a store made before shows kept their inputs

    @classmethod
    def from_settings(cls, settings) -> "ReviewStore":
        return cls(settings.data_dir)

    # --- reviewed shows -------------------------------------------------------------------------

    def save_show(self, owner: str, account: str, result, title: str = "", inputs: dict | None = None) -> str:
        """Store a ReviewResult (totals, series, review JSON and ``inputs``: products, plan, dated); returns the id."""
        show_id = secrets.token_urlsafe(12)
        review = result.to_json()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO shows (id, owner, account, title, started_at, minutes, totals, series, review, created_at, inputs)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (show_id, owner, account, title, result.show.start.isoformat(timespec="minutes"), result.show.minutes,
                 json.dumps(review["totals"], ensure_ascii=False), json.dumps(result.series_json(), ensure_ascii=False),
                 json.dumps(review, ensure_ascii=False), _now(), None if inputs is None else json.dumps(inputs, ensure_ascii=False)),
            )
        return show_id

    def find_same(self, owner: str, account: str, started_at: str, totals: dict[str, Any]) -> str | None:
        """The id of a stored show with the same start and the same totals (the same data saved again), if any."""
        with self._connect() as conn:
            rows = conn.execute("SELECT id, totals FROM shows WHERE owner = ? AND account = ? AND started_at = ?",
                                (owner, account, started_at)).fetchall()
        for r in rows:
            stored = json.loads(r["totals"])
            keys = set(stored) | {k for k, v in totals.items() if v is not None}
            if all(_close(stored.get(k), totals.get(k)) for k in keys):
                return r["id"]
        return None

    def list_shows(self, owner: str, account: str | None = None, limit: int = 100) -> list[StoredShow]:
        """An owner's shows (optionally of one account), newest first, without series."""
        sql = "SELECT id, account, title, started_at, minutes, totals, created_at FROM shows WHERE owner = ?"
        args: list[Any] = [owner]
        if account is not None:
            sql += " AND account = ?"
            args.append(account)
        sql += " ORDER BY started_at DESC, created_at DESC, rowid DESC LIMIT ?"
        args.append(int(limit))
        with self._connect() as conn:
            rows = conn.execute(sql, args).fetchall()
        return [StoredShow(id=r["id"], account=r["account"], title=r["title"], started_at=r["started_at"], minutes=r["minutes"],
                           totals=json.loads(r["totals"]), created_at=r["created_at"]) for r in rows]

    def get_show(self, owner: str, show_id: str) -> StoredShow | None:
        with self._connect() as conn:
            r = conn.execute("SELECT * FROM shows WHERE id = ? AND owner = ?", (show_id, owner)).fetchone()
        if r is None:
            return None
        return StoredShow(id=r["id"], account=r["account"], title=r["title"], started_at=r["started_at"], minutes=r["minutes"],
                          totals=json.loads(r["totals"]), created_at=r["created_at"], series=tuple(json.loads(r["series"])),
                          review=json.loads(r["review"]), inputs=json.loads(r["inputs"]) if r["inputs"] else None)

    def previous_totals(self, owner: str, account: str, before: str | None = None, limit: int = 10,
                        exclude: str | None = None) -> list[dict[str, Any]]:
        """The totals of the account's latest ``limit`` shows (started before ``before`` if given, never the
        show ``exclude``): the baseline."""
        sql = "SELECT totals FROM shows WHERE owner = ? AND account = ?"
        args: list[Any] = [owner, account]
        if before is not None:
            sql += " AND started_at < ?"
            args.append(before)
        if exclude is not None:
            sql += " AND id != ?"
            args.append(exclude)
        sql += " ORDER BY started_at DESC, rowid DESC LIMIT ?"
        args.append(int(limit))
        with self._connect() as conn:
            return [json.loads(r["totals"]) for r in conn.execute(sql, args).fetchall()]

    def delete_show(self, owner: str, show_id: str) -> bool:
        with self._write() as conn:
            return conn.execute("DELETE FROM shows WHERE id = ? AND owner = ?", (show_id, owner)).rowcount > 0

    # --- live sessions --------------------------------------------------------------------------

    def start_session(self, owner: str, account: str, title: str = "", plan: dict | None = None) -> str:
        session_id = secrets.token_urlsafe(12)
        now = _now()
        with self._write() as conn:
            conn.execute("INSERT INTO live_sessions (id, owner, account, title, plan, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (session_id, owner, account, title, None if plan is None else json.dumps(plan, ensure_ascii=False), now, now))
        return session_id

    def _own_session(self, conn: sqlite3.Connection, owner: str, session_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM live_sessions WHERE id = ? AND owner = ?", (session_id, owner)).fetchone()
        if row is None:
            raise StoreError(f"没有这个播中记录（{session_id}）")
        return row

    def append_point(self, owner: str, session_id: str, point: Interval) -> None:
        """Add (or correct: same time replaces) one interval of a live session; committed on return."""
        with self._write() as conn:
            self._own_session(conn, owner, session_id)
            n = conn.execute("SELECT COUNT(*) FROM live_points WHERE session_id = ?", (session_id,)).fetchone()[0]
            if n >= MAX_POINTS:
                raise StoreError(f"一场最多记录 {MAX_POINTS} 条")
            conn.execute("INSERT OR REPLACE INTO live_points (session_id, at, data) VALUES (?, ?, ?)",
                         (session_id, point.start.isoformat(timespec="seconds"), _point_json(point)))
            conn.execute("UPDATE live_sessions SET updated_at = ? WHERE id = ?", (_now(), session_id))

    def append_points(self, owner: str, session_id: str, points: list[Interval]) -> None:
        """Add several intervals in one transaction (a pasted export): all of them or none."""
        with self._write() as conn:
            self._own_session(conn, owner, session_id)
            n = conn.execute("SELECT COUNT(*) FROM live_points WHERE session_id = ?", (session_id,)).fetchone()[0]
            if n + len(points) > MAX_POINTS:
                raise StoreError(f"一场最多记录 {MAX_POINTS} 条")
            conn.executemany("INSERT OR REPLACE INTO live_points (session_id, at, data) VALUES (?, ?, ?)",
                             [(session_id, p.start.isoformat(timespec="seconds"), _point_json(p)) for p in points])
            conn.execute("UPDATE live_sessions SET updated_at = ? WHERE id = ?", (_now(), session_id))

    def points(self, owner: str, session_id: str) -> list[Interval]:
        """The session's series, in time order."""
        with self._connect() as conn:
            self._own_session(conn, owner, session_id)
            rows = conn.execute("SELECT at, data FROM live_points WHERE session_id = ? ORDER BY at", (session_id,)).fetchall()
        return [_point(r["at"], r["data"]) for r in rows]

    def remove_point(self, owner: str, session_id: str, at: datetime) -> None:
        with self._write() as conn:
            self._own_session(conn, owner, session_id)
            conn.execute("DELETE FROM live_points WHERE session_id = ? AND at = ?", (session_id, at.isoformat(timespec="seconds")))

    def get_session(self, owner: str, session_id: str) -> LiveSession | None:
        with self._connect() as conn:
            r = conn.execute(
                "SELECT s.*, (SELECT COUNT(*) FROM live_points p WHERE p.session_id = s.id) AS n FROM live_sessions s"
                " WHERE s.id = ? AND s.owner = ?", (session_id, owner)).fetchone()
        return None if r is None else self._session(r)

    def list_sessions(self, owner: str, limit: int = 50) -> list[LiveSession]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT s.*, (SELECT COUNT(*) FROM live_points p WHERE p.session_id = s.id) AS n FROM live_sessions s"
                " WHERE s.owner = ? ORDER BY s.updated_at DESC, s.rowid DESC LIMIT ?", (owner, int(limit))).fetchall()
        return [self._session(r) for r in rows]

    def delete_session(self, owner: str, session_id: str) -> bool:
        with self._write() as conn:
            return conn.execute("DELETE FROM live_sessions WHERE id = ? AND owner = ?", (session_id, owner)).rowcount > 0

    @staticmethod
    def _session(r: sqlite3.Row) -> LiveSession:
        return LiveSession(id=r["id"], account=r["account"], title=r["title"], created_at=r["created_at"], updated_at=r["updated_at"],
                           plan=json.loads(r["plan"]) if r["plan"] else None, points=r["n"])
