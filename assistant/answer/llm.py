"""Language models through LangChain: building the chat model, streaming it under a deadline.

Providers (``PLAYBOOK_LLM_PROVIDER``): ``openai`` — any OpenAI-compatible endpoint (OpenAI, DeepSeek,
Qwen/DashScope, Moonshot, vLLM, ...) via ``langchain_openai.ChatOpenAI`` with ``PLAYBOOK_LLM_BASE_URL``
and the key from ``PLAYBOOK_LLM_API_KEY``; ``ollama`` via ``langchain_ollama.ChatOllama``.

The model runs in a worker thread that feeds a queue; the caller waits at most ``timeout`` seconds
for each piece, so a hung or slow provider turns into :class:`LLMTimeout` on time whatever the client
library does. Error messages never include the key or the provider's raw response.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any, Iterator, Sequence

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from settings import Settings

MAX_OUTPUT_TOKENS = 900
_DONE = object()


class LLMError(Exception):
    """The model failed; the message is safe to show (no secrets, no raw payload)."""


class LLMTimeout(LLMError):
    pass


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None when ``PLAYBOOK_LLM_PROVIDER`` is ``none``."""
    if settings.llm_provider == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url or None,
            api_key=settings.llm_api_key() or "not-needed",  # local servers (vLLM) accept any key
            timeout=settings.llm_timeout,
            max_retries=0,
            temperature=settings.llm_temperature,
            max_tokens=MAX_OUTPUT_TOKENS,
            streaming=True,
        )
    if settings.llm_provider == "ollama":
        from langchain_ollama import ChatOllama

        kwargs: dict[str, Any] = {
            "model": settings.llm_model or "qwen2.5:7b",
            "temperature": settings.llm_temperature,
            "num_predict": MAX_OUTPUT_TOKENS,
            "client_kwargs": {"timeout": settings.llm_timeout},
        }
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
        return ChatOllama(**kwargs)
    return None


def _text_of(chunk: Any) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content if b)
    return ""


def _describe(exc: BaseException) -> str:
    """A safe one-line description of a provider error (class name and HTTP status only)."""
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    name = type(exc).__name__
    return f"{name}（HTTP {status}）" if status else name


WHOLE_REPLY_TIMEOUT_FACTOR = 6  # the whole streamed reply may take this many times the per-piece timeout


def stream_text(model: BaseChatModel, messages: Sequence[BaseMessage], timeout: float, deadline: float | None = None) -> Iterator[str]:
    """Text deltas of the model's reply. Raises LLMTimeout when no delta arrives within ``timeout``
    seconds (or ``deadline``, a ``time.monotonic()`` instant, passes before the first one), LLMError
    on any failure of the provider."""
    pieces: queue.Queue = queue.Queue()
    stop = threading.Event()

    def work():
        try:
            for chunk in model.stream(list(messages)):
                if stop.is_set():
                    return
                text = _text_of(chunk)
                if text:
                    pieces.put(text)
            pieces.put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller as LLMError
            pieces.put(exc)

    worker = threading.Thread(target=work, name="llm-stream", daemon=True)
    worker.start()
    # A trickling endpoint must not hold an answer open forever: cap the whole reply too.
    whole_reply_deadline = time.monotonic() + timeout * WHOLE_REPLY_TIMEOUT_FACTOR
    first = True
    try:
        while True:
            wait = timeout
            if first and deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            wait = min(wait, whole_reply_deadline - time.monotonic())
            if wait <= 0:
                raise LLMTimeout("大模型超时")
            try:
                item = pieces.get(timeout=wait)
            except queue.Empty:
                raise LLMTimeout("大模型超时") from None
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise LLMError(f"大模型调用失败：{_describe(item)}") from None
            first = False
            yield item
    finally:
        stop.set()


def complete(model: BaseChatModel, messages: Sequence[BaseMessage], timeout: float) -> str:
    """The whole reply, within ``timeout`` seconds in total."""
    deadline = time.monotonic() + timeout
    out = []
    for piece in stream_text(model, messages, timeout, deadline):
        out.append(piece)
        if time.monotonic() > deadline:
            raise LLMTimeout("大模型超时")
    return "".join(out)
