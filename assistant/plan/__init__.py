"""Pre-broadcast plans: inputs, the plan builder, Markdown and calendar output."""

from assistant.plan.build import SECTION_KEYS, build_plan
from assistant.plan.ics import ICS_MIME, ics_filename, plan_ics
from assistant.plan.inputs import PlanInputs, Product, load_plan_inputs, parse_plan_inputs, read_plan_file
from assistant.plan.render import plan_markdown

__all__ = [
    "ICS_MIME",
    "SECTION_KEYS",
    "PlanInputs",
    "Product",
    "build_plan",
    "ics_filename",
    "load_plan_inputs",
    "parse_plan_inputs",
    "plan_ics",
    "plan_markdown",
    "read_plan_file",
]
