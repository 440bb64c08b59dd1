"""The API run as a real uvicorn server, called with the official ``openai`` client (and raw httpx
where the client hides the wire): models, chat streamed and not, follow-ups, keys, bodies, limits."""

from __future__ import annotations

import json
import re

import httpx
import openai
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from openai import OpenAI

from assistant.accounts import ApiRatePolicy
from assistant.api import ApiOptions, create_app

from .conftest import running

Q = "直播间人气掉了怎么办？"


def _cited(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d{1,3})\]", text)}


def test_healthz_needs_no_key(api_url):
    r = httpx.get(f"{api_url}/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_models_lists_playbook(client):
    models = client.models.list()
    assert [m.id for m in models.data] == ["playbook"]
    assert client.models.retrieve("playbook").id == "playbook"


def test_chat_non_streamed_cites_and_carries_sources(client, exchanges):
    before = len(exchanges.calls)
    completion = client.chat.completions.create(model="playbook", messages=[
        {"role": "system", "content": "你是助手"}, {"role": "user", "content": Q}])
    text = completion.choices[0].message.content
    extra = completion.model_extra
    assert completion.object == "chat.completion" and completion.choices[0].finish_reason == "stop"
    assert extra["in_scope"] is True and extra["mode"] == "offline"
    numbers = {s["n"] for s in extra["sources"]}
    assert _cited(text) and _cited(text) <= numbers
    assert set(extra["sources"][0]) >= {"n", "card_id", "title", "topics", "excerpt"}
    assert "来源：" in text and extra["sources"][0]["card_id"] in text
    # the hook saw the exchange, with the question as the last user turn
    user, messages, answer = exchanges.calls[before]
    assert user.name == "douya" and messages[-1].role == "user" and messages[-1].content == Q
    assert answer.answer in text


def test_chat_streamed_deltas_join_to_the_answer_and_last_chunk_has_sources(client):
    stream = client.chat.completions.create(model="playbook", messages=[{"role": "user", "content": Q}], stream=True)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    sources = last.model_extra["sources"]
    assert sources and _cited(text) <= {s["n"] for s in sources}
    assert all("sources" not in (c.model_extra or {}) for c in chunks[:-1])
    plain = client.chat.completions.create(model="playbook", messages=[{"role": "user", "content": Q}])
    assert text == plain.choices[0].message.content


def test_streamed_wire_format_ends_with_sources_then_done(api_url, api_key):
    body = {"model": "playbook", "messages": [{"role": "user", "content": Q}], "stream": True,
            "stream_options": {"include_usage": True}}
    with httpx.stream("POST", f"{api_url}/v1/chat/completions", json=body,
                      headers={"Authorization": f"Bearer {api_key}"}, timeout=60) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = [line[len("data: "):] for line in r.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    last = json.loads(events[-2])
    assert last["choices"] == [] and last["usage"]["total_tokens"] > 0 and last["sources"]


def test_follow_up_with_earlier_turns(client):
    steps_q = "直播间人气掉了怎么办？"  # its answer quotes numbered steps
    steps = client.chat.completions.create(model="playbook", messages=[{"role": "user", "content": steps_q}])
    steps_reply = steps.choices[0].message.content
    step_two = re.search(r"(?m)^2\. (.+?)(?: \[\d+\])?$", steps_reply).group(1)  # one citation per paragraph
    follow = client.chat.completions.create(model="playbook", messages=[
        {"role": "user", "content": steps_q}, {"role": "assistant", "content": steps_reply},
        {"role": "user", "content": "第二步具体怎么做？"}])
    assert follow.model_extra["in_scope"] is True
    assert step_two in follow.choices[0].message.content
    first_q = "开播前几天应该发预热视频？"
    first = client.chat.completions.create(model="playbook", messages=[{"role": "user", "content": first_q}])
    reply = first.choices[0].message.content
    alone = client.chat.completions.create(model="playbook", messages=[{"role": "user", "content": "那预热视频发几条？"}])
    with_history = client.chat.completions.create(model="playbook", messages=[
        {"role": "user", "content": first_q}, {"role": "assistant", "content": reply},
        {"role": "user", "content": "那预热视频发几条？"}])
    assert any("warmup-video" in s["topics"] for s in with_history.model_extra["sources"])
    assert with_history.choices[0].message.content != alone.choices[0].message.content or alone.model_extra["in_scope"]


def test_hook_files_a_chat_under_one_key_across_requests(client, exchanges):
    from assistant.api import conversation_key

    first_q = "福袋抽奖什么时候发效果最好？"
    start = len(exchanges.calls)
    first = client.chat.completions.create(model="playbook", messages=[{"role": "user", "content": first_q}])
    list(client.chat.completions.create(model="playbook", messages=[
        {"role": "user", "content": first_q}, {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "那多久发一次？"}], stream=True))
    calls = exchanges.calls[start:]
    assert len(calls) == 2
    keys = {conversation_key(user, messages) for user, messages, _ in calls}
    assert len(keys) == 1
    _user, messages, _ = calls[1]
    assert [t.role for t in messages] == ["user", "assistant", "user"] and messages[1].sources, \
        "the sources list in our earlier reply is read back as that turn's sources"


def test_out_of_scope_question_is_declined_without_sources(client):
    completion = client.chat.completions.create(model="playbook", messages=[{"role": "user", "content": "帮我写一段Python排序代码"}])
    assert completion.model_extra["in_scope"] is False and completion.model_extra["sources"] == []
    assert "来源：" not in completion.choices[0].message.content


def test_missing_or_wrong_key_is_401(api_url):
    for key in ("pb-not-a-real-key-at-all-xxxxxxxx", "nonsense"):
        with OpenAI(base_url=f"{api_url}/v1", api_key=key, max_retries=0) as bad:
            with pytest.raises(openai.AuthenticationError) as info:
                bad.chat.completions.create(model="playbook", messages=[{"role": "user", "content": Q}])
        assert info.value.status_code == 401 and info.value.body["code"] == "invalid_api_key"
    r = httpx.get(f"{api_url}/v1/models")
    assert r.status_code == 401 and set(r.json()["error"]) >= {"message", "type", "code"}
    assert "Authorization: Bearer" in r.json()["error"]["message"]


def test_revoked_key_stops_working(api_url, api_accounts):
    key = api_accounts.create_key("laoban").key
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.get(f"{api_url}/v1/models", headers=headers).status_code == 200
    api_accounts.revoke_keys("laoban")
    assert httpx.get(f"{api_url}/v1/models", headers=headers).status_code == 401


@pytest.mark.parametrize("body, field", [
    ({"messages": [{"role": "user", "content": Q}]}, "model"),
    ({"model": "playbook"}, "messages"),
    ({"model": "playbook", "messages": []}, "messages"),
    ({"model": "playbook", "messages": [{"role": "wizard", "content": Q}]}, "messages[0].role"),
    ({"model": "playbook", "messages": [{"role": "user", "content": 42}]}, "messages[0].content"),
    ({"model": "playbook", "messages": [{"role": "user", "content": Q}], "stream": "yes"}, "stream"),
    ({"model": "playbook", "messages": [{"role": "assistant", "content": "只有回答"}]}, "messages"),
    ({"model": "playbook", "messages": [{"role": "user", "content": "  "}]}, "messages"),
    ({"model": "playbook", "messages": [{"role": "user", "content": "问" * 3000}]}, "messages"),
])
def test_bad_body_is_400_naming_the_field(api_url, api_key, body, field):
    r = httpx.post(f"{api_url}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {api_key}"})
    error = r.json()["error"]
    assert r.status_code == 400 and error["param"] == field and field.split("[")[0] in error["message"]
    assert error["type"] == "invalid_request_error"


def test_bad_body_raises_the_clients_bad_request_error(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="playbook", messages=[{"role": "tutor", "content": Q}])
    assert info.value.status_code == 400 and info.value.body["param"] == "messages[0].role"


def test_unknown_model_and_bad_json(client, api_url, api_key):
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": Q}])
    assert info.value.body["param"] == "model"
    r = httpx.post(f"{api_url}/v1/chat/completions", content=b"{not json", headers={
        "Authorization": f"Bearer {api_key}", "Content-Type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["error"]["message"]


def test_too_large_body_is_413(api_url, api_key):
    headers = {"Authorization": f"Bearer {api_key}"}
    body = {"model": "playbook", "messages": [{"role": "user", "content": "问" * 40000}]}
    r = httpx.post(f"{api_url}/v1/chat/completions", json=body, headers=headers)
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"

    def chunked():  # no Content-Length: counted as it arrives
        yield b'{"model": "playbook", "messages": [{"role": "user", "content": "'
        for _ in range(20):
            yield b"x" * 8192
        yield b'"}]}'

    r = httpx.post(f"{api_url}/v1/chat/completions", content=chunked(), headers={**headers, "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"


def test_rate_limit_per_key_is_429_with_retry_after(index_settings, searcher, api_accounts):
    app = create_app(index_settings, searcher=searcher, accounts=api_accounts,
                     options=ApiOptions(rate=ApiRatePolicy(rate_per_minute=2, burst=3)))
    first_key, other_key = api_accounts.create_key("douya").key, api_accounts.create_key("laoban").key
    with running(app) as url, OpenAI(base_url=f"{url}/v1", api_key=first_key, max_retries=0) as c:
        for _ in range(3):
            c.models.list()
        with pytest.raises(openai.RateLimitError) as info:
            c.chat.completions.create(model="playbook", messages=[{"role": "user", "content": Q}])
        assert int(info.value.response.headers["Retry-After"]) >= 1
        # another key (another account) is not affected
        assert httpx.get(f"{url}/v1/models", headers={"Authorization": f"Bearer {other_key}"}).status_code == 200


def test_llm_mode_streams_through_the_same_answer_function(llm_settings, searcher, api_accounts, api_key):
    model = GenericFakeChatModel(messages=iter([AIMessage(content="掉人时先补福袋留人 [1] ，再看停留时长 [2] 。")]))
    app = create_app(llm_settings, searcher=searcher, chat_model=model, accounts=api_accounts)
    with running(app) as url, OpenAI(base_url=f"{url}/v1", api_key=api_key, max_retries=0) as c:
        chunks = list(c.chat.completions.create(model="playbook", messages=[{"role": "user", "content": Q}], stream=True))
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    last = chunks[-1].model_extra
    assert last["mode"] == "llm" and last["in_scope"] is True
    assert len(chunks) > 5, "model tokens are streamed as separate chunks"
    assert _cited(text) <= {s["n"] for s in last["sources"]}


def test_failing_llm_falls_back_to_offline_with_a_notice(llm_settings, searcher, api_accounts, api_key, fake_llm):
    app = create_app(llm_settings, searcher=searcher, chat_model=fake_llm(error="provider down"), accounts=api_accounts)
    with running(app) as url, OpenAI(base_url=f"{url}/v1", api_key=api_key, max_retries=0) as c:
        completion = c.chat.completions.create(model="playbook", messages=[{"role": "user", "content": Q}])
    extra = completion.model_extra
    assert extra["mode"] == "offline" and extra["notice"] and extra["sources"]
    assert "provider down" not in completion.choices[0].message.content


def test_reviews_route_is_501_until_the_engine_lands(api_url, api_key):
    from assistant.api.reviews import review_available

    r = httpx.post(f"{api_url}/v1/reviews", json={"data": "time,online,entries,orders,gmv\n19:00,1,1,0,0\n"},
                   headers={"Authorization": f"Bearer {api_key}"})
    if review_available():
        assert r.status_code in (200, 422)
    else:
        assert r.status_code == 501 and r.json()["error"]["code"] == "not_implemented"
    r = httpx.post(f"{api_url}/v1/reviews", json={"products": "x"}, headers={"Authorization": f"Bearer {api_key}"})
    assert r.status_code == 400 and r.json()["error"]["param"] == "data"
