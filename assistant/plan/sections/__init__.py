"""One module per plan section; each only writes: ``write(facts) -> PlanSection`` from the frozen facts."""

from __future__ import annotations

from assistant.plan.sections import (
    compliance,
    contingency,
    goal,
    lineup,
    persona,
    review,
    run_of_show,
    team,
    traffic,
    warmup,
)
from assistant.plan.sections.common import SECTION_KEYS, SECTION_TITLES

WRITERS = (goal, persona, lineup, warmup, traffic, run_of_show, team, contingency, compliance, review)

__all__ = ["SECTION_KEYS", "SECTION_TITLES", "WRITERS"]
