"""The ``on_exchange`` hook: how the API hands each completed answer to the conversation store.

    def on_exchange(user: User, messages: tuple[Turn, ...], answer: Answer) -> None

``messages`` are the conversation as the client sent it (earlier user/assistant turns, then the
question as the last user Turn); ``answer`` is the final Answer (sources, in_scope, mode, notice).
It runs in the thread pool after the answer is complete (before the last chunk of a stream), once
per request; an exception in it is logged (type only) and never fails the response.

Clients of an OpenAI-style API resend the whole history with every request and carry no
conversation id, so :func:`conversation_key` gives the id to file an exchange under: the same for
every request of one chat (the user and the chat's first question).
"""

from __future__ import annotations

import hashlib
from typing import Callable, Sequence

from assistant.accounts import User
from assistant.types import Answer, Turn

ExchangeHook = Callable[[User, tuple[Turn, ...], Answer], None]


def conversation_key(user: User, messages: Sequence[Turn]) -> str:
    """A stable 32-hex-digit id of the chat these messages belong to (per user: two users asking
    the same first question get different ids)."""
    first = next((t.content for t in messages if t.role == "user"), "")
    return hashlib.sha256(f"{user.id}\0{user.name}\0{first}".encode("utf-8")).hexdigest()[:32]
