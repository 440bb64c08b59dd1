"""The UI's one way into the assistant and the index (views import only ``ui``; this package does the rest).

Everything here delegates: answers, conversations, plans and Markdown/``.ics`` export are the
assistant's; validating cards, re-indexing and searching are the handbook's and the index's. This
package adapts the call shapes to what the pages need, one module per page's concern (views import
``from ui import backend`` and call ``backend.<name>``; a new capability adds its module here and its names below):

- chat: :class:`ChatTurn` runs "save the question -> stream the answer -> save the answer";
- plans: :func:`validate_plan_inputs` / :func:`field_problems` (problems worded as the CLI prints them, keyed by
  field for the form), pasted product lines, :func:`draft_plan`, exports (md, json, ics, printable HTML), saved
  plans per owner (:func:`save_plan`, :func:`list_plans`, :func:`open_plan`, :func:`copy_plan`) and the 主播屏
  position (:func:`cue_now`);
- handbook: :func:`search_cards`, :func:`filter_cards`;
- maintain: :func:`check_cards`, :func:`reindex` (records the summary), :func:`last_rebuild`.
"""

from __future__ import annotations

from assistant.answer.llm import build_chat_model
from assistant.errors import InvalidQuestionError
from assistant.plan.inputs import STAGE_NAMES as PLAN_STAGE_NAMES
from ui.backend.chat import ChatTurn
from ui.backend.handbook import filter_cards, search_cards
from ui.backend.maintain import LAST_REBUILD_FILE, check_cards, last_rebuild, reindex
from ui.backend.plans import (
    PLAN_FIELD_LABELS,
    PLAN_PRODUCT_LABELS,
    PRODUCT_LINE_HINT,
    PlanStoreError,
    copy_plan,
    cue_now,
    delete_plan,
    draft_plan,
    field_problems,
    list_plans,
    open_plan,
    plan_html,
    plan_ics,
    plan_json,
    plan_markdown,
    product_lines,
    products_from_lines,
    save_plan,
    show_now,
    validate_plan_inputs,
)
from ui.backend.stores import conversation_store, current_owner, open_index

__all__ = [
    "LAST_REBUILD_FILE", "PLAN_FIELD_LABELS", "PLAN_PRODUCT_LABELS", "PLAN_STAGE_NAMES", "PRODUCT_LINE_HINT",
    "ChatTurn", "InvalidQuestionError", "PlanStoreError", "build_chat_model", "check_cards", "conversation_store",
    "copy_plan", "cue_now", "current_owner", "delete_plan", "draft_plan", "field_problems", "filter_cards",
    "last_rebuild", "list_plans", "open_index", "open_plan", "plan_html", "plan_ics", "plan_json", "plan_markdown",
    "product_lines", "products_from_lines", "reindex", "save_plan", "search_cards", "show_now",
    "validate_plan_inputs",
]
