"""Answers from the handbook: ``retrieve`` (follow-ups, searching, scope evidence), ``scope`` (in or out
of the handbook), ``offline`` (answers composed from the cards), ``llm`` and ``prompts`` (a language model
writing from the same cards), ``citations`` (``[n]`` checked while streaming), ``pipeline`` (the entry
points below) and ``history`` (earlier turns)."""

from __future__ import annotations

from assistant.answer.pipeline import AnswerStream, answer_question, stream_answer

__all__ = ["AnswerStream", "answer_question", "stream_answer"]
