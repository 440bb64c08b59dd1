"""The stores' shared SQLite connection and write transaction."""

from __future__ import annotations

import sqlite3
from functools import partial

import pytest

from common.sqlite import connection, transaction

pytestmark = pytest.mark.pure


def test_a_transaction_commits_when_the_block_ends_and_rolls_back_on_an_error(tmp_path):
    connect = partial(connection, tmp_path / "t.sqlite3", 5.0)
    with connect() as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
    with transaction(connect) as conn:
        conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(RuntimeError), transaction(connect) as conn:
        conn.execute("INSERT INTO t VALUES (2)")
        raise RuntimeError("midway")
    with connect() as conn:
        assert [r["x"] for r in conn.execute("SELECT x FROM t")] == [1]


def test_connections_enforce_foreign_keys(tmp_path):
    connect = partial(connection, tmp_path / "t.sqlite3", 5.0)
    with connect() as conn:
        conn.executescript("CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (a_id INTEGER REFERENCES a(id));")
    with pytest.raises(sqlite3.IntegrityError), transaction(connect) as conn:
        conn.execute("INSERT INTO b VALUES (7)")
