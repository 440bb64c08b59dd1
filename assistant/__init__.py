"""Retrieval-augmented answers, pre-broadcast plans and LLM providers.

Public API (imported lazily, so ``import assistant`` stays cheap):

- ``answer_question(question, history=(), *, settings, searcher, chat_model=None) -> Answer``
- ``stream_answer(...)`` — yields ``str`` deltas, then the final ``Answer``
- ``AnswerStream(stream_answer(...))`` — iterate for text (``st.write_stream``), then ``.answer``
- ``build_chat_model(settings)`` — the configured LangChain chat model or None
- ``assistant.plan``: ``parse_plan_inputs``, ``load_plan_inputs``, ``build_plan``, ``plan_markdown``,
  ``plan_ics``, ``ics_filename``, ``ICS_MIME``
"""

from __future__ import annotations

_EXPORTS = {
    "answer_question": "assistant.answer",
    "stream_answer": "assistant.answer",
    "AnswerStream": "assistant.answer",
    "build_chat_model": "assistant.llm",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
