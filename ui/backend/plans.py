"""Plans: validation worded as the CLI prints it, drafting from the indexed cards, exports."""

from __future__ import annotations

from typing import Any

from assistant.errors import PlanInputError
from assistant.plan import build_plan, ics_filename, parse_plan_inputs
from assistant.plan import plan_ics as _plan_ics
from assistant.plan import plan_markdown as _plan_markdown
from assistant.types import Plan
from settings import Settings


def validate_plan_inputs(raw: dict[str, Any]) -> tuple[Any, list[str]]:
    """(validated inputs, []) or (None, problems) worded exactly as the CLI prints them."""
    try:
        return parse_plan_inputs(raw), []
    except PlanInputError as exc:
        return None, [f"{field}: {message}" for field, message in exc.problems]


def draft_plan(inputs: Any, searcher, settings: Settings, chat_model=None) -> Plan:
    """The plan built from the indexed cards, personalised by the model when one is configured
    (as ``python -m assistant plan`` does)."""
    return build_plan(inputs, searcher.cards(), chat_model=chat_model, llm_timeout=settings.llm_timeout)


def plan_json(plan: Plan) -> dict[str, Any]:
    """The contract's JSON shape."""
    return plan.to_json()


def plan_markdown(plan: Plan, searcher=None) -> str:
    return _plan_markdown(plan, searcher.cards() if searcher is not None else None)


def plan_ics(plan: Plan) -> tuple[str, str]:
    """(calendar text, file name) of the warm-up schedule and the broadcast."""
    return _plan_ics(plan), ics_filename(plan)
