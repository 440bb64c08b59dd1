"""The few calls the UI makes into the assistant package, in one place.

Everything here delegates: answers, plan validation, plan building, Markdown and ``.ics`` export
are the assistant's. This module only adapts the call shapes to what the pages need (a stream of
text pieces plus the final :class:`~assistant.types.Answer`; plan problems as the CLI prints them).
"""

from __future__ import annotations

from typing import Any, Iterator

from assistant.answer import stream_answer
from assistant.errors import PlanInputError
from assistant.plan import build_plan, ics_filename, parse_plan_inputs
from assistant.plan import plan_ics as _plan_ics
from assistant.plan import plan_markdown as _plan_markdown
from assistant.types import Answer, Turn
from settings import Settings


class BackendUnavailable(RuntimeError):
    """The assistant returned something the UI cannot use."""


class AnswerStream:
    """Iterate for the answer's text pieces; afterwards ``.answer`` holds the complete Answer.

    Wraps :func:`assistant.answer.stream_answer`, which yields text deltas and the final Answer last
    (after an LLM fallback the final Answer holds only the offline text: render from it).
    """

    def __init__(self, question: str, history: list[Turn], searcher, settings: Settings, chat_model=None):
        self.question = question
        self.chat_model = chat_model
        self.history = history
        self.searcher = searcher
        self.settings = settings
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        for item in stream_answer(
            self.question, self.history, settings=self.settings, searcher=self.searcher, chat_model=self.chat_model
        ):
            if isinstance(item, Answer):
                self.answer = item
            elif isinstance(item, str) and item:
                yield item
        if self.answer is None:
            raise BackendUnavailable("the answer stream ended without a final answer")


def validate_plan_inputs(raw: dict[str, Any]) -> tuple[Any, list[str]]:
    """(validated inputs, []) or (None, problems) worded exactly as the CLI prints them."""
    try:
        return parse_plan_inputs(raw), []
    except PlanInputError as exc:
        return None, [f"{field}: {message}" for field, message in exc.problems]


def draft_plan(inputs: Any, searcher, settings: Settings, chat_model=None):
    """The plan (``assistant.types.Plan``) built from the indexed cards, personalised by the model
    when one is configured (as ``python -m assistant plan`` does)."""
    return build_plan(inputs, searcher.cards(), chat_model=chat_model, llm_timeout=settings.llm_timeout)


def plan_json(plan) -> dict[str, Any]:
    """The contract's JSON shape."""
    return plan.to_json()


def plan_markdown(plan, searcher=None) -> str:
    return _plan_markdown(plan, searcher.cards() if searcher is not None else None)


def plan_ics(plan) -> tuple[str, str]:
    """(calendar text, file name) of the warm-up schedule and the broadcast."""
    return _plan_ics(plan), ics_filename(plan)
