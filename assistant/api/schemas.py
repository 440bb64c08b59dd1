"""Request bodies of the API (pydantic). Unknown OpenAI parameters (temperature, max_tokens, n, ...)
are accepted and ignored: the answer comes from the handbook either way."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

MAX_MESSAGES = 200


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: StrictStr
    text: StrictStr | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: StrictStr | list[ContentPart] | None = None
    # Extension: the "sources" of an earlier answer of ours, sent back so follow-ups such as
    # "第二步具体怎么做？" find the card the step came from (optional; the sources list at the end of
    # our answers' text is read back too).
    sources: list[dict[str, Any]] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: StrictBool = False


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: StrictStr = Field(min_length=1, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: StrictBool = False
    stream_options: StreamOptions | None = None


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: StrictStr = Field(min_length=1)
    products: StrictStr | None = None
    plan: dict[str, Any] | None = None
