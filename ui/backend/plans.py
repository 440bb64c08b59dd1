"""Plans: validation worded as the CLI prints it (and keyed by field for the form), pasted product lines,
drafting from the indexed cards, exports (Markdown, JSON, .ics, printable HTML), saved plans per owner
and the 主播屏 position of a show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from assistant.errors import PlanInputError
from assistant.plan import build_plan, ics_filename, parse_plan_inputs
from assistant.plan import plan_ics as _plan_ics
from assistant.plan import plan_markdown as _plan_markdown
from assistant.plan.cuecard import CuePosition, cue_position
from assistant.plan.fields import FIELD_LABELS as PLAN_FIELD_LABELS
from assistant.plan.fields import PRODUCT_LABELS as PLAN_PRODUCT_LABELS
from assistant.plan.paste import FORMAT_HINT as PRODUCT_LINE_HINT
from assistant.plan.paste import line_numbers, parse_product_lines, product_lines
from assistant.plan.printing import plan_html as _plan_html
from assistant.plan.store import PlanStore, PlanStoreError, SavedPlan
from assistant.types import Plan
from settings import Settings

SHOW_TIMEZONE = ZoneInfo("Asia/Shanghai")   # plan times are the show's local (Beijing) time

__all__ = [
    "PLAN_FIELD_LABELS",
    "PLAN_PRODUCT_LABELS",
    "PRODUCT_LINE_HINT",
    "CuePosition",
    "PlanStoreError",
    "SavedPlan",
    "copy_plan",
    "cue_now",
    "delete_plan",
    "draft_plan",
    "field_problems",
    "list_plans",
    "open_plan",
    "plan_html",
    "plan_ics",
    "plan_json",
    "plan_markdown",
    "plan_store",
    "product_lines",
    "products_from_lines",
    "save_plan",
    "show_now",
    "validate_plan_inputs",
]


def validate_plan_inputs(raw: dict[str, Any]) -> tuple[Any, list[str]]:
    """(validated inputs, []) or (None, problems) worded exactly as the CLI prints them."""
    try:
        return parse_plan_inputs(raw), []
    except PlanInputError as exc:
        return None, [f"{field}: {message}" for field, message in exc.problems]


def field_problems(raw: dict[str, Any]) -> tuple[Any, dict[str, list[str]]]:
    """(validated inputs, {}) or (None, {top-level field: [messages]}): product problems go under
    ``products``, each message as the CLI words it, so the form shows them beside the field."""
    try:
        return parse_plan_inputs(raw), {}
    except PlanInputError as exc:
        out: dict[str, list[str]] = {}
        for field, message in exc.problems:
            key = field.split("[", 1)[0].split(".", 1)[0]
            out.setdefault(key, []).append(message)
        return None, out


def products_from_lines(text: str) -> tuple[list[dict], list[str], list[int]]:
    """(product mappings, problems naming the line, the line of each product) from the form's text box."""
    products, problems = parse_product_lines(text or "")
    return products, problems, line_numbers(text or "")


def draft_plan(inputs: Any, searcher, settings: Settings, chat_model=None) -> Plan:
    """The plan built from the indexed cards, personalised by the model when one is configured
    (as ``python -m assistant plan`` does)."""
    return build_plan(inputs, searcher.cards(), chat_model=chat_model, llm_timeout=settings.llm_timeout)


def plan_json(plan: Plan) -> dict[str, Any]:
    """The contract's JSON shape."""
    return plan.to_json()


def plan_markdown(plan: Plan, searcher=None) -> str:
    return _plan_markdown(plan, searcher.cards() if searcher is not None else None)


def plan_html(plan: Plan, searcher=None) -> str:
    """The printable page: only the plan, no form, no sidebar."""
    return _plan_html(plan, searcher.cards() if searcher is not None else None)


def plan_ics(plan: Plan) -> tuple[str, str]:
    """(calendar text, file name) of the warm-up schedule and the broadcast."""
    return _plan_ics(plan), ics_filename(plan)


# --- saved plans (always the signed-in owner's) --------------------------------------------------

def plan_store(data_dir: Path | str) -> PlanStore:
    return PlanStore(Path(data_dir))


def save_plan(settings: Settings, owner: str, plan: Plan, plan_id: str | None = None) -> str:
    """Save a drafted plan (its validated inputs and JSON); over ``plan_id`` to keep editing the same one."""
    return plan_store(settings.data_dir).save(owner, plan.inputs, plan.to_json(), plan_id)


def list_plans(settings: Settings, owner: str, limit: int = 30) -> list[SavedPlan]:
    return plan_store(settings.data_dir).list(owner, limit)


def open_plan(settings: Settings, owner: str, plan_id: str | None) -> SavedPlan | None:
    return plan_store(settings.data_dir).get(owner, plan_id)


def copy_plan(settings: Settings, owner: str, plan_id: str, weeks: int = 1) -> dict[str, Any]:
    """The inputs of a saved plan moved a week on (last week's plan for this week)."""
    return plan_store(settings.data_dir).copy(owner, plan_id, weeks)


def delete_plan(settings: Settings, owner: str, plan_id: str) -> bool:
    return plan_store(settings.data_dir).delete(owner, plan_id)


# --- the 主播屏 -----------------------------------------------------------------------------------

def show_now() -> dt.datetime:
    """Now in the show's time zone (naive, like the plan's times)."""
    return dt.datetime.now(SHOW_TIMEZONE).replace(tzinfo=None, second=0, microsecond=0)


def cue_now(plan_data: dict[str, Any], now: dt.datetime | None = None) -> CuePosition:
    return cue_position(plan_data, now or show_now())
