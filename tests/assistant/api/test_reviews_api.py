"""``POST /v1/reviews`` over the real server, called through the official ``openai`` client's raw HTTP
(``client.post``) and httpx: the contract's review JSON from CSV text, the handbook's cards cited, and
422 naming the row and the column (or the plan's field)."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from tests.support.paths import REPO_ROOT

EXAMPLES = REPO_ROOT / "assistant" / "review" / "examples"


def _text(name: str, encoding: str = "utf-8") -> str:
    return (EXAMPLES / name).read_text(encoding=encoding)


def _post(url, key, body):
    return httpx.post(f"{url}/v1/reviews", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=60)


def test_review_through_the_openai_client(client, shipped_cards):
    body = {"data": _text("viewer_drop.csv"), "products": _text("healthy_products.csv"), "plan": json.loads(_text("plan.json"))}
    review = client.post("/reviews", body=body, cast_to=httpx.Response).json()
    assert [f["metric"] for f in review["findings"]] == ["online_drop", "target_gap"]
    assert review["findings"][0]["when"] == "20:45-20:50"
    assert all(f["sources"] and all(c in shipped_cards for c in f["sources"]) for f in review["findings"])
    assert review["show"]["minutes"] == 240 and review["segments"] and review["products"]
    assert {"gmv", "orders", "entries", "peak_online", "avg_online", "conversion_rate", "aov", "uv_value", "gpm"} <= set(review["totals"])


def test_chinese_headers_and_a_healthy_show(api_url, api_key):
    r = _post(api_url, api_key, {"data": _text("low_stay_gb18030.csv", "gb18030")})
    assert r.status_code == 200 and [f["metric"] for f in r.json()["findings"]] == ["avg_stay"]
    r = _post(api_url, api_key, {"data": _text("healthy.csv"), "products": _text("healthy_products.csv")})
    assert r.status_code == 200 and r.json()["findings"] == []


def test_bad_data_is_422_naming_row_and_column(client, api_url, api_key):
    bad = "time,online,entries,orders,gmv\n19:00,100,50,2,10\n19:05,100,abc,2,10\n"
    with pytest.raises(openai.UnprocessableEntityError) as err:
        client.post("/reviews", body={"data": bad}, cast_to=httpx.Response)
    error = err.value.body
    assert error["param"] == "data" and "第 3 行「entries」" in error["message"]
    assert error["problems"] == [{"row": 3, "column": "entries", "message": '不是数字（"abc"）'}]
    r = _post(api_url, api_key, {"data": _text("healthy.csv"), "products": "商品,点击人数,成交单数,成交金额\n卫衣,100,-1,10\n"})
    assert r.status_code == 422 and r.json()["error"]["param"] == "products" and "第 2 行「成交单数」" in r.json()["error"]["message"]
    r = _post(api_url, api_key, {"data": _text("healthy.csv"), "plan": {"run_of_show": [{"start": "19:00", "end": "x", "segment": "开场"}]}})
    error = r.json()["error"]
    assert r.status_code == 422 and error["param"] == "plan" and error["problems"][0]["field"] == "plan.run_of_show[0].end"


def test_wrong_body_shapes_are_400_naming_the_field(api_url, api_key):
    r = _post(api_url, api_key, {"data": 5})
    assert r.status_code == 400 and r.json()["error"]["param"] == "data"
    r = _post(api_url, api_key, {"data": "x", "plan": "not an object"})
    assert r.status_code == 400 and r.json()["error"]["param"] == "plan"
    r = _post(api_url, api_key, {"data": "x", "extra": 1})
    assert r.status_code == 400 and r.json()["error"]["param"] == "extra"
    assert httpx.post(f"{api_url}/v1/reviews", json={"data": "x"}).status_code == 401
