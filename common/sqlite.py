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
