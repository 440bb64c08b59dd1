"""The ``on_exchange`` hook: how the API hands each completed answer to the conversation store.

    def on_exchange(user: User, messages: tuple[Turn, ...], answer: Answer) -> None

``messages`` are the conversation as the client sent it (earlier user/assistant turns, then the
question as the last user Turn); ``answer`` is the final Answer (sources, in_scope, mode, notice).
It runs in the thread pool after the answer is complete (before the last chunk of a stream), once
per request; an exception in it is logged (type only) and never fails the response.

Clients of an OpenAI-style API resend the whole history with every request and carry no
conversation id, so :func:`conversation_key` gives the id to file an exchange under: the same for
every request of one chat (the user and the chat's first question).

:func:`store_exchanges` is the hook ``python -m assistant serve`` uses: each exchange lands in the
caller's own conversations (owner = the key's user; the app lists it under 最近的对话 and the gaps
report counts it), the question and the answer appended once per request.
"""

from __future__ import annotations

import hashlib
from typing import Callable, Sequence

from assistant.accounts import User
from assistant.conversations import ConversationStore
from assistant.types import Answer, Turn

KEY_PREFIX = "api-"   # conversation ids of API chats: "api-" + 32 hex digits

ExchangeHook = Callable[[User, tuple[Turn, ...], Answer], None]


def conversation_key(user: User, messages: Sequence[Turn]) -> str:
    """A stable 32-hex-digit id of the chat these messages belong to (per user: two users asking
    the same first question get different ids)."""
    first = next((t.content for t in messages if t.role == "user"), "")
    return hashlib.sha256(f"{user.id}\0{user.name}\0{first}".encode("utf-8")).hexdigest()[:32]


def store_exchanges(store: ConversationStore) -> ExchangeHook:
    """An ``on_exchange`` hook filing every API exchange in ``store`` under the caller's name."""

    def on_exchange(user: User, messages: tuple[Turn, ...], answer: Answer) -> None:
        first = next((t.content for t in messages if t.role == "user"), "")
        conversation_id = store.create(first, owner=user.name, conversation_id=KEY_PREFIX + conversation_key(user, messages))
        store.add_message(conversation_id, "user", messages[-1].content, owner=user.name)
        store.add_message(conversation_id, "assistant", answer.answer, sources=answer.sources, mode=answer.mode,
                          notice=answer.notice, in_scope=answer.in_scope, owner=user.name)

    return on_exchange
