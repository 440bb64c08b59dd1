"""Chat: one question in a conversation (save the question, stream the answer, save the answer)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from assistant.answer import AnswerStream, stream_answer
from assistant.answer.retrieve import LazySearcher
from assistant.conversations import ConversationStore, Message, history_turns
from assistant.types import Answer
from settings import Settings


class ChatTurn:
    """One question in a conversation: the question is checked and saved, the answer streamed and saved.

    ``ChatTurn(...)`` raises :class:`InvalidQuestionError` for an empty or too long question before the
    index is opened (``open_searcher()``) or anything is saved. Iterate for the answer's text pieces
    (``st.write_stream``); when the stream is exhausted the answer is stored and ``answer`` holds it.
    ``conversation_id`` is the conversation of the turn (a new one when None was given)."""

    def __init__(self, store: ConversationStore, conversation_id: str | None, question: str,
                 earlier: Sequence[Message], *, settings: Settings, open_searcher: Callable[[], Any],
                 chat_model=None, history_turns_kept: int = 6):
        searcher = LazySearcher(open_searcher)
        self._stream = AnswerStream(stream_answer(question, history_turns(list(earlier)[-history_turns_kept:]),
                                                  settings=settings, searcher=searcher, chat_model=chat_model))
        searcher.open()  # a valid question: the index now, before the question is saved
        self.store = store
        self.conversation_id = conversation_id or store.create()
        store.add_message(self.conversation_id, "user", question)

    def __iter__(self) -> Iterator[str]:
        yield from self._stream
        answer = self._stream.answer
        self.store.add_message(self.conversation_id, "assistant", answer.answer, sources=answer.sources,
                               mode=answer.mode, notice=answer.notice, in_scope=answer.in_scope, scope=answer.scope)

    @property
    def answer(self) -> Answer:
        return self._stream.answer
