"""Accounts, API keys and app sessions, stored in SQLite under ``PLAYBOOK_DATA_DIR``.

One database file (``accounts.sqlite3``, created readable by its owner only) in WAL mode; every write
is one short transaction, and a fresh connection is opened per call, so the store is safe to share
between the threads of a server and between processes (the app, the API server and the CLI).

Stored: the user's name, role and argon2id password hash; SHA-256 digests of API keys and session
tokens (never the keys or tokens themselves). Removing a user deletes their keys and sessions;
changing a password ends their sessions.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from argon2 import PasswordHasher

import common.sqlite as sqlite_tx
from assistant.accounts import crypto
from assistant.accounts.errors import AccountStoreError, UnknownUserError, UserExistsError
from assistant.accounts.records import ApiKeyInfo, ApiPrincipal, NewApiKey, NewSession, Session, User
from assistant.accounts.validation import validate_name, validate_password, validate_role

DB_NAME = "accounts.sqlite3"
DAY = 86400.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role           TEXT NOT NULL CHECK (role IN ('streamer', 'operator', 'maintainer')),
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key_hash    TEXT NOT NULL UNIQUE,
    prefix      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    last_used   REAL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created     REAL NOT NULL,
    last_seen   REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id);
CREATE INDEX IF NOT EXISTS keys_by_user ON api_keys(user_id);
"""


@dataclass(frozen=True)
class SessionPolicy:
    """How long an app session lives: it ends after ``idle_seconds`` without use, and in any case
    ``absolute_seconds`` after the login. ``touch_seconds``: how often use is written down."""

    idle_seconds: float = 14 * DAY
    absolute_seconds: float = 30 * DAY
    touch_seconds: float = 60.0


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")


def _user(row: sqlite3.Row) -> User:
    return User(id=row["id"], name=row["name"], role=row["role"], created_at=row["created_at"])


class AccountStore:
    """SQLite store of users, API keys and sessions (see the module docstring)."""

    def __init__(self, data_dir: Path | str, *, hasher: PasswordHasher | None = None,
                 sessions: SessionPolicy = SessionPolicy(), clock: Callable[[], float] = time.time,
                 timeout: float = 10.0, kdf_concurrency: int = 2):
        self.path = Path(data_dir) / DB_NAME
        self.hasher = hasher or crypto.default_hasher()
        self.policy = sessions
        self.clock = clock
        self.timeout = timeout
        self._dummy_hash = ""
        # Each argon2 check takes 64 MiB and most of a core: a burst of logins must not exhaust memory.
        self._kdf_slots = threading.BoundedSemaphore(max(1, kdf_concurrency))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists()
            with self._connect() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(_SCHEMA)
            if fresh:
                os.chmod(self.path, 0o600)
        except (OSError, sqlite3.Error) as exc:
            raise AccountStoreError(f"账号数据库打不开：{self.path}（{type(exc).__name__}: {exc}）") from None

    def __repr__(self) -> str:
        return f"AccountStore({str(self.path)!r})"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise AccountStoreError(f"账号数据库打不开：{self.path}（{exc}）") from None
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise AccountStoreError(f"账号数据库读写失败：{self.path}（{exc}）") from None
        finally:
            conn.close()

    def _write(self):
        """One short write transaction, committed when the block ends."""
        return sqlite_tx.transaction(self._connect)

    def _hash(self, password: str) -> str:
        with self._kdf_slots:
            return crypto.hash_password(self.hasher, password)

    def _matches(self, stored_hash: str, password: str) -> bool:
        with self._kdf_slots:
            return crypto.password_matches(self.hasher, stored_hash, password)

    def _user_id(self, conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT id FROM users WHERE name = ?", (validate_name(name),)).fetchone()
        if row is None:
            raise UnknownUserError(f"没有这个用户：{name}（用 users list 查看已有用户）")
        return int(row["id"])

    # --- users ---------------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password: str) -> User:
        name = validate_name(name)
        role = validate_role(role)
        password_hash = self._hash(validate_password(password, name))
        created_at = _iso(self.clock())
        try:
            with self._write() as conn:
                cur = conn.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                                   (name, role, password_hash, created_at))
        except sqlite3.IntegrityError:
            raise UserExistsError(f"用户 {name} 已经存在（用户名不区分大小写）") from None
        return User(id=int(cur.lastrowid), name=name, role=role, created_at=created_at)

    def get_user(self, name: str) -> User | None:
        try:
            name = validate_name(name)
        except ValueError:
            return None
        with self._connect() as conn:
            row = conn.execute("SELECT id, name, role, created_at FROM users WHERE name = ?", (name,)).fetchone()
        return _user(row) if row else None

    def list_users(self) -> list[User]:
        with self._connect() as conn:
            rows = conn.execute("SELECT id, name, role, created_at FROM users ORDER BY id").fetchall()
        return [_user(r) for r in rows]

    def has_users(self) -> bool:
        """Whether any account exists (with none, the app stays single-user as before)."""
        with self._connect() as conn:
            return conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def remove_user(self, name: str) -> None:
        """Delete the user with their API keys and sessions."""
        with self._write() as conn:
            conn.execute("DELETE FROM users WHERE id = ?", (self._user_id(conn, name),))

    def set_role(self, name: str, role: str) -> None:
        role = validate_role(role)
        with self._write() as conn:
            conn.execute("UPDATE users SET role = ? WHERE id = ?", (role, self._user_id(conn, name)))

    def change_password(self, name: str, password: str, *, keep_session: str | None = None) -> None:
        """Set a new password and end the user's sessions (except ``keep_session``, the token of the
        session that made the change, when given)."""
        name = validate_name(name)
        password_hash = self._hash(validate_password(password, name))
        keep = crypto.digest(keep_session) if keep_session else ""
        with self._write() as conn:
            user_id = self._user_id(conn, name)
            conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
            conn.execute("DELETE FROM sessions WHERE user_id = ? AND token_hash != ?", (user_id, keep))

    def verify(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs, else None. An unknown name costs the same argon2 work
        as a known one (a dummy hash is checked), so timing does not tell which names exist. A hash
        made with older parameters is replaced on a successful check."""
        row = None
        try:
            clean = validate_name(name)
        except ValueError:
            clean = ""
        if clean and isinstance(password, str):
            with self._connect() as conn:
                row = conn.execute("SELECT * FROM users WHERE name = ?", (clean,)).fetchone()
        if row is None:
            if not self._dummy_hash:
                self._dummy_hash = self._hash(crypto.new_token())
            self._matches(self._dummy_hash, str(password))
            return None
        if not self._matches(row["password_hash"], password):
            return None
        if crypto.needs_rehash(self.hasher, row["password_hash"]):
            new_hash = self._hash(password)
            with self._write() as conn:
                conn.execute("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?",
                             (new_hash, row["id"], row["password_hash"]))
        return _user(row)

    # --- API keys ------------------------------------------------------------------------------

    def create_key(self, name: str) -> NewApiKey:
        """A new API key for the user: returned once, stored as its SHA-256 digest."""
        key = crypto.new_api_key()
        prefix = key[: len(crypto.KEY_PREFIX) + crypto.SHOWN_PREFIX_CHARS - 3]
        with self._write() as conn:
            user_id = self._user_id(conn, name)
            conn.execute("INSERT INTO api_keys (user_id, key_hash, prefix, created_at) VALUES (?, ?, ?, ?)",
                         (user_id, crypto.digest(key), prefix, _iso(self.clock())))
            owner = conn.execute("SELECT name FROM users WHERE id = ?", (user_id,)).fetchone()["name"]
        return NewApiKey(key=key, user=owner, prefix=prefix)

    def revoke_keys(self, name: str) -> int:
        """Revoke every API key of the user; returns how many there were."""
        with self._write() as conn:
            return conn.execute("DELETE FROM api_keys WHERE user_id = ?", (self._user_id(conn, name),)).rowcount

    def list_keys(self, name: str | None = None) -> list[ApiKeyInfo]:
        sql = ("SELECT k.id, u.name, k.prefix, k.created_at, k.last_used FROM api_keys k "
               "JOIN users u ON u.id = k.user_id")
        with self._connect() as conn:
            if name is None:
                rows = conn.execute(sql + " ORDER BY k.id").fetchall()
            else:
                rows = conn.execute(sql + " WHERE k.user_id = ? ORDER BY k.id", (self._user_id(conn, name),)).fetchall()
        return [ApiKeyInfo(r["id"], r["name"], r["prefix"], r["created_at"], _iso(r["last_used"]) if r["last_used"] else "")
                for r in rows]

    def authenticate_key(self, key: str) -> ApiPrincipal | None:
        """Who owns ``key`` (None for an unknown or revoked key)."""
        if not crypto.looks_like_key(key):
            return None
        with self._connect() as conn:
            row = conn.execute(
                "SELECT k.id AS key_id, k.last_used, u.id, u.name, u.role, u.created_at FROM api_keys k "
                "JOIN users u ON u.id = k.user_id WHERE k.key_hash = ?", (crypto.digest(key),)).fetchone()
        if row is None:
            return None
        now = self.clock()
        if row["last_used"] is None or now - row["last_used"] > self.policy.touch_seconds:
            with self._write() as conn:
                conn.execute("UPDATE api_keys SET last_used = ? WHERE id = ?", (now, row["key_id"]))
        return ApiPrincipal(user=_user(row), key_id=int(row["key_id"]))

    # --- app sessions --------------------------------------------------------------------------

    def create_session(self, name: str) -> NewSession:
        """A new session for the user (call it after :meth:`verify` succeeded)."""
        token = crypto.new_token()
        now = self.clock()
        with self._write() as conn:
            user_id = self._user_id(conn, name)
            oldest = now - self.policy.absolute_seconds
            conn.execute("DELETE FROM sessions WHERE created < ? OR last_seen < ?",
                         (oldest, now - self.policy.idle_seconds))
            conn.execute("INSERT INTO sessions (token_hash, user_id, created, last_seen) VALUES (?, ?, ?, ?)",
                         (crypto.digest(token), user_id, now, now))
            row = conn.execute("SELECT id, name, role, created_at FROM users WHERE id = ?", (user_id,)).fetchone()
        return NewSession(token=token, user=_user(row), expires_at=self._expiry(now, now))

    def _expiry(self, created: float, last_seen: float) -> float:
        return min(created + self.policy.absolute_seconds, last_seen + self.policy.idle_seconds)

    def validate_session(self, token: str | None) -> Session | None:
        """The session of ``token`` if it is valid (not ended, not expired, user still there); use
        counts as activity for the idle limit."""
        if not token or not isinstance(token, str) or len(token) > 200:
            return None
        token_hash = crypto.digest(token)
        with self._connect() as conn:
            row = conn.execute(
                "SELECT s.created, s.last_seen, u.id, u.name, u.role, u.created_at FROM sessions s "
                "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?", (token_hash,)).fetchone()
        if row is None:
            return None
        now = self.clock()
        if now >= self._expiry(row["created"], row["last_seen"]):
            self.end_session(token)
            return None
        last_seen = row["last_seen"]
        if now - last_seen > self.policy.touch_seconds:
            last_seen = now
            with self._write() as conn:
                conn.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now, token_hash))
        return Session(user=_user(row), created=row["created"], expires_at=self._expiry(row["created"], last_seen))

    def end_session(self, token: str | None) -> None:
        """Log out: the token stops working (no error when it was not valid)."""
        if token and isinstance(token, str):
            with self._write() as conn:
                conn.execute("DELETE FROM sessions WHERE token_hash = ?", (crypto.digest(token),))

    def end_sessions(self, name: str) -> int:
        """End every session of the user (e.g. "log out everywhere"); returns how many there were."""
        with self._write() as conn:
            return conn.execute("DELETE FROM sessions WHERE user_id = ?", (self._user_id(conn, name),)).rowcount
