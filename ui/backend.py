"""The UI's one way into the assistant and the index (views import only ``ui``; this module does the rest).

Everything here delegates: answers, conversations, plans and Markdown/``.ics`` export are the
assistant's; validating cards, re-indexing and searching are the handbook's and the index's. This
module adapts the call shapes to what the pages need:

- chat: :class:`ChatTurn` runs "save the question -> stream the answer -> save the answer";
- plans: :func:`validate_plan_inputs` (problems worded as the CLI prints them), :func:`draft_plan`, exports;
- handbook: :func:`search_cards`, :func:`filter_cards`;
- maintain: :func:`check_cards`, :func:`reindex` (records the summary), :func:`last_rebuild`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.answer import AnswerStream, stream_answer
from assistant.answer.llm import build_chat_model
from assistant.answer.retrieve import LazySearcher
from assistant.conversations import ConversationStore, Message, history_turns
from assistant.errors import InvalidQuestionError, PlanInputError
from assistant.plan import build_plan, ics_filename, parse_plan_inputs
from assistant.plan import plan_ics as _plan_ics
from assistant.plan import plan_markdown as _plan_markdown
from assistant.plan.inputs import STAGE_NAMES as PLAN_STAGE_NAMES
from assistant.types import Answer, Plan
from common.fsio import write_file_atomic
from index.api import ProgressCallback, RebuildSummary, SearchFilters, SearchResult, ensure_index
from index.api import rebuild as _rebuild
from settings import Settings

__all__ = [
    "LAST_REBUILD_FILE", "PLAN_STAGE_NAMES", "ChatTurn", "InvalidQuestionError", "build_chat_model", "check_cards",
    "conversation_store", "draft_plan", "filter_cards", "last_rebuild", "open_index", "plan_ics", "plan_json",
    "plan_markdown", "reindex", "search_cards", "validate_plan_inputs",
]

LAST_REBUILD_FILE = "last_rebuild.json"  # beside the index, in PLAYBOOK_DATA_DIR


# --- the index and the stores ---------------------------------------------------------------------


def open_index(settings: Settings):
    """The index searcher, built first when there is none (first run)."""
    return ensure_index(settings)


def conversation_store(data_dir: Path | str) -> ConversationStore:
    return ConversationStore(Path(data_dir))


# --- chat -----------------------------------------------------------------------------------------


class ChatTurn:
    """One question in a conversation: the question is checked and saved, the answer streamed and saved.

    ``ChatTurn(...)`` raises :class:`InvalidQuestionError` for an empty or too long question before the
    index is opened (``open_searcher()``) or anything is saved. Iterate for the answer's text pieces
    (``st.write_stream``); when the stream is exhausted the answer is stored and ``answer`` holds it.
    ``conversation_id`` is the conversation of the turn (a new one when None was given)."""

    def __init__(self, store: ConversationStore, conversation_id: str | None, question: str,
                 earlier: Sequence[Message], *, settings: Settings, open_searcher: Callable[[], Any],
                 chat_model=None, history_turns_kept: int = 6):
        searcher = LazySearcher(open_searcher)
        self._stream = AnswerStream(stream_answer(question, history_turns(list(earlier)[-history_turns_kept:]),
                                                  settings=settings, searcher=searcher, chat_model=chat_model))
        searcher.open()  # a valid question: the index now, before the question is saved
        self.store = store
        self.conversation_id = conversation_id or store.create()
        store.add_message(self.conversation_id, "user", question)

    def __iter__(self) -> Iterator[str]:
        yield from self._stream
        answer = self._stream.answer
        self.store.add_message(self.conversation_id, "assistant", answer.answer, sources=answer.sources,
                               mode=answer.mode, notice=answer.notice, in_scope=answer.in_scope)

    @property
    def answer(self) -> Answer:
        return self._stream.answer


# --- plans ----------------------------------------------------------------------------------------


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


# --- the handbook ---------------------------------------------------------------------------------


def search_cards(searcher, query: str, k: int, *, stage: str | None = None, force: str | None = None,
                 topic: str | None = None) -> list[SearchResult]:
    """The best ``k`` cards for ``query`` (one result per card), within the filters."""
    return searcher.search(query, k=k, filters=SearchFilters(stage=stage, force=force, topic=topic))


def filter_cards(searcher, *, stage: str | None = None, force: str | None = None, topic: str | None = None) -> list:
    """The indexed cards that pass the filters (any order)."""
    filters = SearchFilters(stage=stage, force=force, topic=topic)
    return [c for c in searcher.cards().values() if filters.matches(c)]


# --- maintenance ----------------------------------------------------------------------------------


def check_cards(settings: Settings):
    """Validate the cards folder: a result with ``cards``, ``problems`` (``path``, ``line``, ``message``)
    and ``ok``. Raises PlaybookError (e.g. the folder does not exist)."""
    from playbook.loader import check_cards as _check

    return _check(settings.cards_dir)


def reindex(settings: Settings, progress: ProgressCallback | None = None) -> tuple[RebuildSummary, str]:
    """Re-index (incremental, atomic); the summary is kept beside the index so it survives a restart.

    Returns (summary, "" or why the summary could not be saved). Raises CardsInvalidError (``problems``;
    the serving index is unchanged) or the index's errors."""
    summary = _rebuild(settings, progress=progress)
    record = {"at": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")}
    record.update({k: v for k, v in dataclasses.asdict(summary).items() if isinstance(v, (int, float, str, bool))})
    try:
        write_file_atomic(Path(settings.data_dir) / LAST_REBUILD_FILE, json.dumps(record, ensure_ascii=False))
    except OSError as exc:
        return summary, str(exc)
    return summary, ""


def last_rebuild(settings: Settings) -> dict | None:
    """The summary of the last rebuild started from the app, or None."""
    try:
        return json.loads((Path(settings.data_dir) / LAST_REBUILD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
