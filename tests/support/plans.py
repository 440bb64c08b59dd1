"""What contracts.md promises about a plan's JSON, checked in one place (the plan tests and the CLI tests)."""

from __future__ import annotations

import datetime as dt
import itertools
import re

SECTION_ORDER = ["goal", "persona", "lineup", "warmup", "traffic", "run_of_show", "team", "contingency", "compliance", "review"]


def _minutes(hhmm: str) -> int:
    h, m = map(int, hhmm.split(":"))
    return h * 60 + m


def check_plan_contract(data: dict, inputs: dict, cards: dict) -> None:
    """Everything contracts.md promises about a plan's JSON."""
    assert set(data) >= {"inputs", "sections", "warmup_schedule", "run_of_show"}
    assert [s["key"] for s in data["sections"]] == SECTION_ORDER
    for s in data["sections"]:
        assert set(s) >= {"key", "title", "markdown", "sources"}
        assert s["title"] and s["markdown"].strip()
        assert all(cid in cards for cid in s["sources"]), s["sources"]
        assert s["sources"], f"section {s['key']} cites the cards it used"
    start = dt.datetime.fromisoformat(str(inputs["broadcast_at"]))
    total = round(float(inputs["duration_hours"]) * 60)
    # run of show: consecutive, no gaps or overlaps, from the start to the end (across midnight too)
    blocks = data["run_of_show"]
    assert blocks[0]["start"] == start.strftime("%H:%M")
    assert blocks[-1]["end"] == (start + dt.timedelta(minutes=total)).strftime("%H:%M")
    covered = 0
    for a, b in itertools.pairwise(blocks):
        assert a["end"] == b["start"]
    for b in blocks:
        length = (_minutes(b["end"]) - _minutes(b["start"])) % 1440
        assert length > 0
        covered += length
        assert set(b) >= {"start", "end", "segment", "products"} and b["segment"]
    assert covered == total
    # every product in the lineup and in the run of show
    names = [p["name"] for p in inputs.get("products") or []]
    lineup = next(s for s in data["sections"] if s["key"] == "lineup")["markdown"]
    shown = {p for b in blocks for p in b["products"]}
    for name in names:
        assert name in lineup and name in shown
    # warm-up: dates before the broadcast day, or on it before the start time
    assert data["warmup_schedule"]
    dates = [d["date"] for d in data["warmup_schedule"]]
    assert dates == sorted(dates) and len(dates) == len(set(dates))
    for day in data["warmup_schedule"]:
        date = dt.date.fromisoformat(day["date"])
        assert date <= start.date() and day["items"]
        if date == start.date():
            for item in day["items"]:
                when = re.match(r"^(\d\d:\d\d) ", item)
                assert when and _minutes(when.group(1)) < _minutes(start.strftime("%H:%M")), item
    assert any("预告" in i for d in data["warmup_schedule"] for i in d["items"])
    check_plan_additions(data, inputs)


ROLE_IDS = {"hook", "perk", "main", "profit", "image"}


def check_plan_additions(data: dict, inputs: dict) -> None:
    """The 2026-12 additions: ``lineup`` (every product, its role id, minutes_on_air as the run of show gives
    it), ``warnings`` (texts) and ``script`` (texts) on run-of-show items."""
    assert isinstance(data["warnings"], list) and all(isinstance(w, str) and w for w in data["warnings"])
    names = [p["name"] for p in inputs.get("products") or []]
    lineup = {e["name"]: e for e in data["lineup"]}
    assert sorted(lineup) == sorted(names)
    on_air: dict[str, float] = {}
    for b in data["run_of_show"]:
        assert isinstance(b.get("script", []), list) and all(isinstance(line, str) for line in b.get("script", []))
        for p in b["products"]:
            on_air[p] = on_air.get(p, 0.0) + ((_minutes(b["end"]) - _minutes(b["start"])) % 1440) / len(b["products"])
    for name, entry in lineup.items():
        assert set(entry) >= {"name", "price", "role", "minutes_on_air"}
        assert entry["role"] in ROLE_IDS
        assert abs(entry["minutes_on_air"] - on_air[name]) < 0.11, (name, entry, on_air[name])
