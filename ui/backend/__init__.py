"""The UI's one way into the assistant and the index (views import only ``ui``; this package does the rest).

Everything here delegates: answers, conversations, plans and Markdown/``.ics`` export are the
assistant's; validating cards, re-indexing and searching are the handbook's and the index's. This
package adapts the call shapes to what the pages need, one module per page's concern (views import
``from ui import backend`` and call ``backend.<name>``; a new capability adds its module here and its names below):

- chat: :class:`ChatTurn` runs "save the question -> stream the answer -> save the answer";
- plans: :func:`validate_plan_inputs` (problems worded as the CLI prints them), :func:`draft_plan`, exports;
- handbook: :func:`search_cards`, :func:`filter_cards`;
- maintain: :func:`check_cards`, :func:`reindex` (records the summary), :func:`last_rebuild`;
- accounts: :func:`viewer` (who uses this session), :func:`current_owner` (whose data the pages show),
  the owner-scoped :func:`conversation_store`, the login limits; ``web`` serves the login form and
  the page gate that ``ui/server.py`` mounts.
"""

from __future__ import annotations

from assistant.answer.llm import build_chat_model
from assistant.errors import InvalidQuestionError
from assistant.plan.inputs import STAGE_NAMES as PLAN_STAGE_NAMES
from ui.backend.chat import ChatTurn
from ui.backend.handbook import filter_cards, search_cards
from ui.backend.maintain import LAST_REBUILD_FILE, check_cards, last_rebuild, reindex
from ui.backend.plans import draft_plan, plan_ics, plan_json, plan_markdown, validate_plan_inputs
from ui.backend.accounts import (
    CLIENT_KEY,
    DEVICE_COOKIE,
    ROLE_LABELS,
    SESSION_COOKIE,
    TOKEN_KEY,
    LoginLimiter,
    LoginPolicy,
    NotSignedInError,
    Viewer,
    account_store,
    accounts_enabled,
    client_address,
    device_id,
    end_current_session,
    session_token,
    viewer,
)
from ui.backend.stores import OwnedConversations, conversation_store, current_owner, open_index
from ui.backend.web import reset_login_limits, routes_mounted

__all__ = [
    "LAST_REBUILD_FILE", "PLAN_STAGE_NAMES", "ChatTurn", "InvalidQuestionError", "build_chat_model", "check_cards",
    "conversation_store", "current_owner", "draft_plan", "filter_cards", "last_rebuild", "open_index", "plan_ics",
    "plan_json", "plan_markdown", "reindex", "search_cards", "validate_plan_inputs",
]
__all__ += [  # accounts
    "CLIENT_KEY", "DEVICE_COOKIE", "ROLE_LABELS", "SESSION_COOKIE", "TOKEN_KEY", "LoginLimiter", "LoginPolicy",
    "NotSignedInError", "OwnedConversations", "Viewer", "account_store", "accounts_enabled", "client_address", "device_id",
    "end_current_session", "reset_login_limits", "routes_mounted", "session_token", "viewer",
]
