"""Saved plans, per owner, in SQLite under ``PLAYBOOK_DATA_DIR`` (``plans.sqlite3``).

Every call takes the owner first ("" in single-user mode) and only ever sees that owner's plans, so
an operator can list, reopen, copy (e.g. last week's plan, moved a week on) and edit their own plans
and nobody else's. A plan is stored as its validated inputs plus the plan JSON drafted from them (the
second screen shows exactly what was drafted). WAL mode, one short transaction per write, a fresh
connection per call (safe across Streamlit's threads and processes), random unguessable ids.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
import common.sqlite as sqlite_tx

DB_NAME = "plans.sqlite3"
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_OWNER_CHARS = 200
_SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    id            TEXT PRIMARY KEY,
    owner         TEXT NOT NULL,
    title         TEXT NOT NULL,
    streamer      TEXT NOT NULL,
    broadcast_at  TEXT NOT NULL,
    inputs        TEXT NOT NULL,
    plan          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS plans_by_owner ON plans(owner, updated_at);
"""


class PlanStoreError(ValueError):
    """A plan that does not exist for this owner, or an unusable value."""


@dataclass(frozen=True)
class SavedPlan:
    id: str
    owner: str
    title: str
    streamer: str
    broadcast_at: str             # YYYY-MM-DDTHH:MM, local
    created_at: str
    updated_at: str
    inputs: dict | None = None    # with get(); None in listings
    plan: dict | None = None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def title_of(inputs: dict) -> str:
    when = str(inputs.get("broadcast_at", "")).replace("T", " ")
    return f"{inputs.get('streamer', '')} · {when} · {inputs.get('duration_hours', '')}小时"


def shift_week(inputs: dict, weeks: int = 1) -> dict:
    """The same inputs ``weeks`` later (copying last week's plan for this week)."""
    out = dict(inputs)
    try:
        when = dt.datetime.fromisoformat(str(inputs["broadcast_at"]))
    except (KeyError, ValueError):
        return out
    out["broadcast_at"] = (when + dt.timedelta(weeks=weeks)).strftime("%Y-%m-%dT%H:%M")
    return out


class PlanStore(sqlite_tx.SqliteStore):
    DB_NAME = DB_NAME
    SCHEMA = _SCHEMA

    @staticmethod
    def _owner(owner: str) -> str:
        if not isinstance(owner, str) or len(owner) > MAX_OWNER_CHARS:
            raise PlanStoreError("owner 必须是不超过 200 个字的文字")
        return owner

    def save(self, owner: str, inputs: dict[str, Any], plan: dict[str, Any], plan_id: str | None = None) -> str:
        """Store a plan (new, or over ``plan_id`` of the same owner); returns its id."""
        owner = self._owner(owner)
        now = _now()
        row = (title_of(inputs), str(inputs.get("streamer", "")), str(inputs.get("broadcast_at", "")),
               json.dumps(inputs, ensure_ascii=False), json.dumps(plan, ensure_ascii=False))
        with self._write() as conn:
            if plan_id is not None:
                updated = conn.execute(
                    "UPDATE plans SET title=?, streamer=?, broadcast_at=?, inputs=?, plan=?, updated_at=? WHERE id=? AND owner=?",
                    (*row, now, plan_id, owner)).rowcount
                if not updated:
                    raise PlanStoreError("没有这份方案（可能已删除，或者不是你的）")
                return plan_id
            new_id = secrets.token_urlsafe(12)
            conn.execute("INSERT INTO plans (id, owner, title, streamer, broadcast_at, inputs, plan, created_at, updated_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (new_id, owner, *row, now, now))
        return new_id

    def list(self, owner: str, limit: int = 50) -> list[SavedPlan]:
        """This owner's plans, most recently changed first (without their contents)."""
        owner = self._owner(owner)
        with self._connect() as conn:
            rows = conn.execute("SELECT id, owner, title, streamer, broadcast_at, created_at, updated_at FROM plans"
                                " WHERE owner = ? ORDER BY updated_at DESC, rowid DESC LIMIT ?", (owner, int(limit))).fetchall()
        return [SavedPlan(**dict(r)) for r in rows]

    def get(self, owner: str, plan_id: str | None) -> SavedPlan | None:
        """The plan with its inputs and JSON, or None (unknown id, or another owner's)."""
        owner = self._owner(owner)
        if not plan_id or not ID_PATTERN.match(plan_id):
            return None
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM plans WHERE id = ? AND owner = ?", (plan_id, owner)).fetchone()
        if row is None:
            return None
        data = dict(row)
        data["inputs"], data["plan"] = json.loads(data["inputs"]), json.loads(data["plan"])
        return SavedPlan(**data)

    def copy(self, owner: str, plan_id: str, weeks: int = 1) -> dict[str, Any]:
        """The inputs of a saved plan moved ``weeks`` on, to edit and save as a new plan."""
        saved = self.get(owner, plan_id)
        if saved is None:
            raise PlanStoreError("没有这份方案（可能已删除，或者不是你的）")
        return shift_week(saved.inputs or {}, weeks)

    def delete(self, owner: str, plan_id: str) -> bool:
        owner = self._owner(owner)
        with self._write() as conn:
            return conn.execute("DELETE FROM plans WHERE id = ? AND owner = ?", (plan_id, owner)).rowcount > 0
