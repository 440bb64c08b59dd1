"""Pre-broadcast plans: inputs, the plan builder, Markdown and calendar output."""

from assistant.plan.build import SECTION_KEYS, build_plan, plan_from_facts
from assistant.plan.facts import PlanFacts, compute_facts
from assistant.plan.ics import ICS_MIME, ics_filename, plan_ics
from assistant.plan.inputs import PlanInputs, Product, load_plan_inputs, parse_plan_inputs, read_plan_file
from assistant.plan.render import plan_markdown

__all__ = [
    "ICS_MIME",
    "SECTION_KEYS",
    "PlanFacts",
    "PlanInputs",
    "Product",
    "build_plan",
    "compute_facts",
    "ics_filename",
    "load_plan_inputs",
    "parse_plan_inputs",
    "plan_from_facts",
    "plan_ics",
    "plan_markdown",
    "read_plan_file",
]
