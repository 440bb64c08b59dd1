"""Fakes of the LLM (LangChain chat models): the only part of the system the tests fake."""

from __future__ import annotations

import time
from collections.abc import Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field


class RecordingChatModel(BaseChatModel):
    """A fake chat model: replies from a list in turn, streams them in small pieces, records every
    prompt, and can sleep or raise to imitate a slow or failing provider."""

    replies: list[str] = Field(default_factory=list)
    piece: int = 3
    delay: float = 0.0          # seconds before the first piece
    gap: float = 0.0            # seconds between pieces
    error: str = ""             # raise RuntimeError(error) instead of answering
    calls: list = Field(default_factory=list)
    _i: int = 0

    @property
    def _llm_type(self) -> str:
        return "recording-fake"

    def _next(self, messages: list[BaseMessage]) -> str:
        self.calls.append(messages)
        if self.error:
            raise RuntimeError(self.error)
        reply = self.replies[min(self._i, len(self.replies) - 1)] if self.replies else ""
        self._i += 1
        return reply

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        time.sleep(self.delay)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next(messages)))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs) -> Iterator[ChatGenerationChunk]:
        reply = self._next(messages)
        time.sleep(self.delay)
        if not reply:
            yield ChatGenerationChunk(message=AIMessageChunk(content=""))
        for i in range(0, len(reply), self.piece):
            if i and self.gap:
                time.sleep(self.gap)
            yield ChatGenerationChunk(message=AIMessageChunk(content=reply[i : i + self.piece]))


def make_fake_llm(*replies: str, **kwargs) -> RecordingChatModel:
    return RecordingChatModel(replies=list(replies), calls=[], **kwargs)
