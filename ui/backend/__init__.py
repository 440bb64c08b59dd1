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
- review: :func:`review_files`, :func:`review_example`, stored shows, 直播PK (:func:`pk_table`), curve rows;
- live: live sessions, :func:`add_live_point`, :func:`paste_live_export`, :func:`live_view` (alerts, plan blocks);
- accounts: :func:`viewer` (who uses this session), :func:`current_owner` (whose data the pages show),
  the owner-scoped :func:`conversation_store`, the login limits; ``web`` serves the login form and
  the page gate that ``ui/server.py`` mounts;
- maintain: :func:`check_cards`, :func:`reindex` (records the summary), :func:`last_rebuild`, the index
  history and :func:`rollback`; edit: :func:`check_edit`, :func:`save_edit`; gaps: :func:`handbook_gaps`,
  :func:`thumbs_down`; times: :func:`local_time`, :func:`zone_label` (every page that shows a time).
"""

from __future__ import annotations

from assistant.answer.llm import build_chat_model
from assistant.errors import InvalidQuestionError
from assistant.plan.inputs import STAGE_NAMES as PLAN_STAGE_NAMES
from ui.backend.answers import answer_suggestions, link_citations, source_anchor
from ui.backend.chat import ChatTurn
from ui.backend.handbook import filter_cards, search_cards
from ui.backend.edit import EditCheck, card_source, check_edit, editable_cards, save_edit
from ui.backend.gaps import gap_reason_names, handbook_gaps, thumbs_down
from ui.backend.maintain import (
    LAST_REBUILD_FILE,
    check_cards,
    check_summary,
    error_text,
    index_history,
    last_rebuild,
    problem_text,
    reindex,
    rollback,
    serving_state,
    stage_lines,
)
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
from ui.backend.review import (
    EXAMPLES as REVIEW_EXAMPLES, ReviewOutcome, card_titles, curve_rows, delete_stored_show, example_files, finding_spans,
    finding_value_text, open_stored_show, pk_table, plan_blocks, review_example, review_files, severity_name, stored_shows,
)
from ui.backend.live import (
    LiveView, add_live_point, delete_live_session, finish_live_session, live_sessions, live_view, paste_live_export,
    remove_last_point, start_live_session,
)
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
from ui.backend.times import local_time, local_time_labelled, zone_label

__all__ = [
    "LAST_REBUILD_FILE", "PLAN_STAGE_NAMES", "ChatTurn", "InvalidQuestionError", "answer_suggestions", "build_chat_model",
    "check_cards", "conversation_store", "current_owner", "draft_plan", "filter_cards", "last_rebuild", "link_citations",
    "open_index", "plan_ics", "plan_json", "plan_markdown", "reindex", "search_cards", "source_anchor",
    "validate_plan_inputs",
]
__all__ += [  # review (复盘) and live (播中看板)
    "REVIEW_EXAMPLES", "LiveView", "ReviewOutcome", "add_live_point", "card_titles", "curve_rows", "delete_live_session",
    "delete_stored_show", "example_files", "finding_spans", "finding_value_text", "finish_live_session", "live_sessions",
    "live_view", "open_stored_show", "paste_live_export", "pk_table", "plan_blocks", "remove_last_point", "review_example",
    "review_files", "severity_name", "start_live_session", "stored_shows",
]
__all__ += [  # accounts
    "CLIENT_KEY", "DEVICE_COOKIE", "ROLE_LABELS", "SESSION_COOKIE", "TOKEN_KEY", "LoginLimiter", "LoginPolicy",
    "NotSignedInError", "OwnedConversations", "Viewer", "account_store", "accounts_enabled", "client_address", "device_id",
    "end_current_session", "reset_login_limits", "routes_mounted", "session_token", "viewer",
]
__all__ += [  # maintainers (维护) and times
    "EditCheck", "card_source", "check_edit", "check_summary", "editable_cards", "error_text", "gap_reason_names",
    "handbook_gaps", "index_history", "local_time", "local_time_labelled", "problem_text", "rollback", "save_edit",
    "serving_state", "stage_lines", "thumbs_down", "zone_label",
]
__all__ += [  # plans (播前方案)
    "PLAN_FIELD_LABELS", "PLAN_PRODUCT_LABELS", "PRODUCT_LINE_HINT", "PlanStoreError", "copy_plan", "cue_now",
    "delete_plan", "field_problems", "list_plans", "open_plan", "plan_html", "product_lines", "products_from_lines",
    "save_plan", "show_now",
]
