"""The assistant: one subpackage per capability, over the index and the handbook.

- ``assistant.answer``: ``stream_answer(question, history, *, settings, searcher, chat_model=None)``
  yields text pieces then the final ``Answer``; ``answer_question(...)``; ``AnswerStream(stream)``
- ``assistant.plan``: ``parse_plan_inputs``, ``load_plan_inputs``, ``build_plan``, ``plan_markdown``,
  ``plan_ics``, ``ics_filename``, ``ICS_MIME``
- ``assistant.conversations``: the SQLite store of chats and feedback (``ConversationStore``)
- ``assistant.types``: the shared records (``Answer``, ``Source``, ``Turn``, ``Plan``, ...);
  ``assistant.errors``; ``assistant.text``: text helpers shared by the capabilities
- ``assistant.cli``: ``python -m assistant``, only dispatching

Names are imported lazily, so ``import assistant`` stays cheap.
"""

from __future__ import annotations

_EXPORTS = {
    "answer_question": "assistant.answer",
    "stream_answer": "assistant.answer",
    "AnswerStream": "assistant.answer",
    "build_chat_model": "assistant.answer.llm",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
