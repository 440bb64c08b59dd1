"""Building a pre-broadcast plan: the facts first (``assistant.plan.facts``), then each section writes.

Every number, date and time block is computed in the facts; the words come from the cards (their
structured ``plan:`` material and, for persona and stage advice, their summaries and steps). Each
section lists the ids of the cards it used.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from playbook.models import Card

from assistant.plan.facts import PlanFacts, compute_facts
from assistant.plan.inputs import PlanInputs, parse_plan_inputs
from assistant.plan.material import as_card_map
from assistant.plan.sections import SECTION_KEYS, WRITERS
from assistant.types import Plan, ShowBlock, WarmupDay, WarmupEvent

__all__ = ["SECTION_KEYS", "build_plan", "plan_from_facts"]


def plan_from_facts(facts: PlanFacts) -> Plan:
    sections = tuple(writer.write(facts) for writer in WRITERS)
    assert tuple(s.key for s in sections) == SECTION_KEYS
    i = facts.inputs
    day0 = i.broadcast_at.date()
    blocks = tuple(ShowBlock(start=f"{b.start:%H:%M}", end=f"{b.end:%H:%M}", segment=b.segment, products=b.products,
                             role=b.role, minutes=b.minutes, day=(b.start.date() - day0).days, script=script)
                   for b, script in zip(facts.blocks, facts.scripts))
    days: dict = {}
    for item in facts.warmup.items:
        days.setdefault(item.at.date(), []).append(f"{item.at:%H:%M} {item.text}")
    schedule = tuple(WarmupDay(d.isoformat(), tuple(items)) for d, items in sorted(days.items()))
    events = tuple(WarmupEvent(item.at.strftime("%Y-%m-%dT%H:%M"), item.text, item.kind) for item in facts.warmup.items)
    return Plan(inputs=i.to_json(), sections=sections, warmup_schedule=schedule, run_of_show=blocks,
                warmup_events=events, warnings=facts.warnings, lineup=tuple(e.to_json() for e in facts.lineup))


def build_plan(inputs: PlanInputs | Mapping[str, Any], cards: Mapping[str, Card] | Iterable[Card], *,
               chat_model=None, llm_timeout: float = 20.0) -> Plan:
    """The plan for validated inputs (or a raw mapping, validated here; PlanInputError if invalid).

    With ``chat_model`` (a LangChain chat model) the persona advice is also rewritten for this
    streamer (see ``assistant.plan.personalise``); everything computed stays the same."""
    if not isinstance(inputs, PlanInputs):
        inputs = parse_plan_inputs(dict(inputs))
    plan = plan_from_facts(compute_facts(inputs, as_card_map(cards)))
    if chat_model is not None:
        from assistant.plan.personalise import personalise_plan

        plan = personalise_plan(plan, chat_model, llm_timeout)
    return plan
