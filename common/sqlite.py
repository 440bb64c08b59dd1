"""SQLite connections as the project's stores use them: autocommit connections with named rows, WAL-friendly
synchronous=NORMAL and foreign keys on, and one short write transaction (BEGIN IMMEDIATE) per block."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def connection(path: str | Path, timeout: float) -> Iterator[sqlite3.Connection]:
    """A connection to ``path`` (closed when the block ends); statements commit on their own."""
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        yield conn
    finally:
        conn.close()


@contextmanager
def transaction(connect: Callable[[], AbstractContextManager[sqlite3.Connection]]) -> Iterator[sqlite3.Connection]:
    """One write transaction on a connection from ``connect()``: committed when the block ends, rolled
    back on any exception (a second writer waits up to the connection's timeout)."""
    with connect() as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def add_missing_columns(conn: sqlite3.Connection, columns: tuple[tuple[str, str, str], ...]) -> None:
    """Additive migrations: each (table, column, definition) missing from an older database is added."""
    for table, column, definition in columns:
        if column not in {r["name"] for r in conn.execute(f"PRAGMA table_info({table})")}:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


class SqliteStore:
    """A store kept in one SQLite file under a data dir. Subclasses name the file (``DB_NAME``), the
    schema (``SCHEMA``, idempotent ``CREATE ... IF NOT EXISTS``), the columns later versions added
    (``COLUMNS``: (table, column, definition)) and statements that need them (``AFTER_MIGRATION``).
    Opening creates what is missing; a second process opening at once waits, then finds it done."""

    DB_NAME = ""
    SCHEMA = ""
    COLUMNS: tuple[tuple[str, str, str], ...] = ()
    AFTER_MIGRATION: tuple[str, ...] = ()

    def __init__(self, data_dir: Path | str, *, timeout: float = 10.0):
        self.path = Path(data_dir) / self.DB_NAME
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(self.SCHEMA)
        if self.COLUMNS or self.AFTER_MIGRATION:
            with self._write() as conn:
                add_missing_columns(conn, self.COLUMNS)
                for statement in self.AFTER_MIGRATION:
                    conn.execute(statement)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connection(self.path, self.timeout)

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One short write transaction, committed when the block ends."""
        return transaction(self._connect)
