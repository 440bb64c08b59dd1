"""The UI's one way into the assistant and the index (views import only ``ui``; this package does the rest).

Everything here delegates: answers, conversations, plans and Markdown/``.ics`` export are the
assistant's; validating cards, re-indexing and searching are the handbook's and the index's. This
package adapts the call shapes to what the pages need, one module per page's concern (views import
``from ui import backend`` and call ``backend.<name>``; a new capability adds its module here and its names below):

- chat: :class:`ChatTurn` runs "save the question -> stream the answer -> save the answer";
- plans: :func:`validate_plan_inputs` (problems worded as the CLI prints them), :func:`draft_plan`, exports;
- handbook: :func:`search_cards`, :func:`filter_cards`;
- maintain: :func:`check_cards`, :func:`reindex` (records the summary), :func:`last_rebuild`.
"""

from __future__ import annotations

from assistant.answer.llm import build_chat_model
from assistant.errors import InvalidQuestionError
from assistant.plan.inputs import STAGE_NAMES as PLAN_STAGE_NAMES
from ui.backend.answers import answer_suggestions, link_citations, source_anchor
from ui.backend.chat import ChatTurn
from ui.backend.handbook import filter_cards, search_cards
from ui.backend.maintain import LAST_REBUILD_FILE, check_cards, last_rebuild, reindex
from ui.backend.plans import draft_plan, plan_ics, plan_json, plan_markdown, validate_plan_inputs
from ui.backend.stores import conversation_store, current_owner, open_index

__all__ = [
    "LAST_REBUILD_FILE", "PLAN_STAGE_NAMES", "ChatTurn", "InvalidQuestionError", "answer_suggestions", "build_chat_model",
    "check_cards", "conversation_store", "current_owner", "draft_plan", "filter_cards", "last_rebuild", "link_citations",
    "open_index", "plan_ics", "plan_json", "plan_markdown", "reindex", "search_cards", "source_anchor",
    "validate_plan_inputs",
]
