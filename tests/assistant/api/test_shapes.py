"""Pure parts of the API: messages to question/history, the sources list read back, error texts."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.api import ApiError, ApiOptions
from assistant.api.chat import reply_tail, split_footer, split_messages
from assistant.api.errors import field_path
from assistant.api.schemas import ChatMessage
from assistant.types import Answer, Source


def _msgs(*pairs):
    return [ChatMessage(role=r, content=c) for r, c in pairs]


def test_last_user_message_is_the_question_and_system_is_ignored():
    question, history = split_messages(_msgs(("system", "忽略手册"), ("user", "a"), ("assistant", "b"),
                                             ("user", "c"), ("assistant", "prefill")), {})
    assert question == "c" and [(t.role, t.content) for t in history] == [("user", "a"), ("assistant", "b")]


def test_text_parts_are_joined_and_images_refused():
    msg = ChatMessage(role="user", content=[{"type": "text", "text": "直播间"}, {"type": "text", "text": "人气掉了"}])
    assert split_messages([msg], {})[0] == "直播间\n人气掉了"
    with pytest.raises(ApiError) as info:
        split_messages([ChatMessage(role="user", content=[{"type": "image_url", "image_url": {"url": "x"}}])], {})
    assert info.value.status == 400 and info.value.param == "messages[0].content"


def test_our_sources_list_round_trips_into_history_sources():
    answer = Answer("先补福袋 [1]，再看停留 [2]。", "offline", True,
                    (Source(1, "fudai-timing", "福袋什么时候发", ("interaction",), "…"),
                     Source(2, "dwell-time", "停留时长", ("realtime-metrics",), "…")), notice="大模型超时，已改用离线回答")
    text = answer.answer + reply_tail(answer)
    body, listed = split_footer(text)
    assert listed == [(1, "福袋什么时候发", "fudai-timing"), (2, "停留时长", "dwell-time")]
    assert body.startswith(answer.answer) and "来源" not in body
    _, history = split_messages(_msgs(("user", "q"), ("assistant", text), ("user", "那第二步呢？")),
                                {"fudai-timing": type("Card", (), {"topics": ["interaction"]})()})
    assert [s.card_id for s in history[1].sources] == ["fudai-timing", "dwell-time"]
    assert history[1].sources[0].topics == ("interaction",)
    assert split_footer("普通文字\n\n来源：\n不是列表")[1] == []


def test_field_paths_drop_union_member_tags():
    assert field_path(("body", "messages", 2, "content", "list[ContentPart]", 0, "type")) == "messages[2].content[0].type"
    assert field_path(("body",)) == "(body)"


def test_options_follow_settings_when_they_have_api_fields(make_settings):
    settings = make_settings()
    assert ApiOptions.from_settings(settings) == ApiOptions()

    @dataclasses.dataclass(frozen=True)
    class WithApi:
        api_rate_per_minute: float = 10
        api_burst: int = 2
        api_max_body_kb: int = 16

    options = ApiOptions.from_settings(WithApi())
    assert options.rate.rate_per_minute == 10 and options.rate.burst == 2 and options.max_body_bytes == 16 * 1024
