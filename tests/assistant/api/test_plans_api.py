"""``POST /v1/plans`` over the real server: the contract's plan JSON, and 422 naming the field."""

from __future__ import annotations

import httpx
import pytest

from assistant.plan import SECTION_KEYS

GOOD = {"streamer": "豆芽", "category": "女装", "followers": 4500000, "stage": "plateau",
        "broadcast_at": "2026-12-09T19:00", "duration_hours": 4, "target_gmv": 10000000, "ad_budget": 200000,
        "products": [{"name": "羊绒大衣", "price": 399}, {"name": "打底衫", "price": 9.9}]}


def _post(url, key, body):
    return httpx.post(f"{url}/v1/plans", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=60)


def test_plan_from_json_inputs(api_url, api_key, shipped_cards):
    r = _post(api_url, api_key, GOOD)
    assert r.status_code == 200
    plan = r.json()
    assert [s["key"] for s in plan["sections"]] == list(SECTION_KEYS)
    assert plan["run_of_show"] and plan["warmup_schedule"]
    assert all(card in shipped_cards for s in plan["sections"] for card in s["sources"])
    shown = {p for block in plan["run_of_show"] for p in block["products"]}
    assert {"羊绒大衣", "打底衫"} <= shown


@pytest.mark.parametrize("change, field", [
    ({"stage": "rocket"}, "stage"),
    ({"duration_hours": 20}, "duration_hours"),
    ({"target_gmv": 0}, "target_gmv"),
    ({"followers": "many"}, "followers"),
])
def test_invalid_inputs_are_422_naming_the_field(api_url, api_key, change, field):
    r = _post(api_url, api_key, {**GOOD, **change})
    error = r.json()["error"]
    assert r.status_code == 422 and error["param"] == field and field in error["message"]
    assert any(p["field"] == field for p in error["problems"])


def test_missing_fields_are_all_listed(api_url, api_key):
    r = _post(api_url, api_key, {"streamer": "豆芽"})
    fields = {p["field"] for p in r.json()["error"]["problems"]}
    assert r.status_code == 422 and {"category", "followers", "stage", "broadcast_at"} <= fields


def test_plan_body_must_be_an_object_and_needs_a_key(api_url, api_key):
    r = _post(api_url, api_key, [GOOD])
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
    assert httpx.post(f"{api_url}/v1/plans", json=GOOD).status_code == 401
