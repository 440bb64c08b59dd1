"""OpenAI chat shapes: request messages to (question, history), and an Answer to a ``chat.completion``
object or to ``chat.completion.chunk`` events.

The reply text is what a person reads in a plain chat client: the answer citing ``[n]``, the notice
(e.g. the model timed out) and a sources list ``来源：[n] 标题（card-id）`` (as ``assistant ask`` prints
without ``--json``). The machine-readable ``sources``, ``in_scope``, ``mode`` and ``notice`` ride along
at the top level (non-streamed) or in the last chunk (streamed). When a client sends our earlier
answer back as history, its sources list is read back into Sources, so follow-ups work offline.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any, Iterable, Mapping

from assistant.types import Answer, Source, Turn

from assistant.api.errors import ApiError
from assistant.api.schemas import ChatMessage

MODEL_ID = "playbook"
SOURCES_HEADING = "来源："
_FOOTER_LINE = re.compile(r"^\[(\d{1,3})\] (.+)（([a-z0-9-]+)）\s*$")


def message_text(message: ChatMessage, index: int) -> str:
    content = message.content
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    texts = []
    for j, part in enumerate(content):
        if part.type != "text" or part.text is None:
            raise ApiError(400, f"messages[{index}].content[{j}]: 只支持文字内容（type 为 text），不支持 {part.type}",
                           code="invalid_value", param=f"messages[{index}].content")
        texts.append(part.text)
    return "\n".join(texts)


def split_footer(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Our reply text -> (answer without the sources list, [(n, title, card_id)])."""
    head, sep, tail = text.rpartition("\n\n" + SOURCES_HEADING + "\n")
    if not sep:
        return text, []
    found = []
    for line in tail.splitlines():
        m = _FOOTER_LINE.match(line.strip())
        if not m:
            return text, []
        found.append((int(m.group(1)), m.group(2), m.group(3)))
    return head, found


def _sources_of(message: ChatMessage, text: str, cards: Mapping[str, Any]) -> tuple[str, tuple[Source, ...]]:
    if message.sources:
        out = []
        for s in message.sources:
            try:
                out.append(Source(int(s["n"]), str(s["card_id"]), str(s.get("title", "")),
                                  tuple(s.get("topics") or ()), str(s.get("excerpt", ""))))
            except (KeyError, TypeError, ValueError):
                continue
        return split_footer(text)[0], tuple(out)
    body, listed = split_footer(text)
    sources = []
    for n, title, card_id in listed:
        card = cards.get(card_id)
        sources.append(Source(n, card_id, title, tuple(getattr(card, "topics", ()) or ()), ""))
    return body, tuple(sources)


def split_messages(messages: list[ChatMessage], cards: Mapping[str, Any]) -> tuple[str, list[Turn]]:
    """The last user message is the question; earlier user/assistant messages are the history.
    System/developer/tool messages are ignored: answers follow the handbook's own rules."""
    last = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last is None:
        raise ApiError(400, "messages: 至少要有一条 role 为 user 的消息（问题）", code="invalid_value", param="messages")
    question = message_text(messages[last], last)
    history: list[Turn] = []
    for i, message in enumerate(messages[:last]):
        if message.role not in ("user", "assistant"):
            continue
        text = message_text(message, i)
        if message.role == "assistant":
            text, sources = _sources_of(message, text, cards)
            history.append(Turn("assistant", text, sources))
        elif text.strip():
            history.append(Turn("user", text))
    return question, history


def sources_json(answer: Answer) -> list[dict]:
    return answer.to_json()["sources"]


def reply_tail(answer: Answer) -> str:
    """What follows the answer text in the reply: the notice and the sources list."""
    tail = ""
    if answer.notice:
        tail += f"\n\n（{answer.notice}）"
    if answer.sources:
        tail += "\n\n" + SOURCES_HEADING + "\n" + "\n".join(f"[{s.n}] {s.title}（{s.card_id}）" for s in answer.sources)
    return tail


def extras(answer: Answer) -> dict[str, Any]:
    data = answer.to_json()
    return {"sources": data["sources"], "in_scope": answer.in_scope, "mode": answer.mode, "notice": answer.notice}


def _usage(prompt_chars: int, completion_chars: int) -> dict[str, int]:
    # Characters, not tokens: there is no tokenizer here (a Chinese character is about one token).
    return {"prompt_tokens": prompt_chars, "completion_tokens": completion_chars,
            "total_tokens": prompt_chars + completion_chars}


def new_id() -> str:
    return "chatcmpl-" + secrets.token_hex(12)


def completion(answer: Answer, *, prompt_chars: int) -> dict[str, Any]:
    """The ``chat.completion`` object of a non-streamed reply."""
    text = answer.answer + reply_tail(answer)
    return {
        "id": new_id(), "object": "chat.completion", "created": int(time.time()), "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop",
                     "logprobs": None}],
        "usage": _usage(prompt_chars, len(text)),
        **extras(answer),
    }


def chunk(cid: str, created: int, delta: dict[str, Any], finish_reason: str | None = None,
          **extra: Any) -> dict[str, Any]:
    return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}], **extra}


def stream_chunks(items: Iterable[str | Answer], *, include_usage: bool, prompt_chars: int,
                  on_final=None) -> Iterable[dict[str, Any]]:
    """Chunks for the items of ``stream_answer`` (text pieces, then the Answer). The last chunk
    carries ``sources``, ``in_scope``, ``mode`` and ``notice``; ``on_final(answer)`` runs before it."""
    cid, created = new_id(), int(time.time())
    yield chunk(cid, created, {"role": "assistant", "content": ""})
    sent = 0
    final: Answer | None = None
    for item in items:
        if isinstance(item, Answer):
            final = item
            break
        if item:
            sent += len(item)
            yield chunk(cid, created, {"content": item})
    if final is None:
        raise RuntimeError("the answer stream ended without an Answer")
    if on_final is not None:
        on_final(final)
    tail = reply_tail(final)
    yield chunk(cid, created, {"content": tail} if tail else {}, "stop", **extras(final))
    if include_usage:
        usage_chunk = chunk(cid, created, {}, None, usage=_usage(prompt_chars, sent + len(tail)), **extras(final))
        usage_chunk["choices"] = []
        yield usage_chunk
