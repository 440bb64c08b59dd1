"""The index searcher, the stores and who is using the app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.conversations import Conversation, ConversationError, ConversationStore, Message
from index.api import ensure_index
from settings import Settings
from ui.backend.accounts import viewer


def open_index(settings: Settings):
    """The index searcher, built first when there is none (first run)."""
    return ensure_index(settings)


def current_owner() -> str:
    """The signed-in user's name, whose conversations, plans and shows the pages show; "" in
    single-user mode (no accounts configured). Raises NotSignedInError when accounts exist and this
    browser is not signed in (the app shows only the login then, so pages never get here)."""
    return viewer().owner


class OwnedConversations:
    """The conversation store as the person using this session sees it: every call is scoped to
    ``owner()`` at the moment of the call, so one process-wide object serves every browser session.
    Someone else's conversation is treated exactly like one that does not exist. The feedback
    summaries are aggregates over everyone (the 维护 page; they name no conversation's owner)."""

    def __init__(self, store: ConversationStore, owner: Callable[[], str] = current_owner):
        self.store = store    # unscoped: for aggregates only (maintenance reports), never for listing chats
        self._owner = owner

    @property
    def path(self) -> Path:
        return self.store.path

    def create(self, title: str = "") -> str:
        return self.store.create(title, owner=self._owner())

    def exists(self, conversation_id: str | None) -> bool:
        return self.store.exists(conversation_id, owner=self._owner())

    def get(self, conversation_id: str | None) -> Conversation | None:
        return self.store.get(conversation_id, owner=self._owner())

    def list(self, limit: int = 50) -> list[Conversation]:
        return self.store.list(limit, owner=self._owner())

    def rename(self, conversation_id: str, title: str) -> None:
        self.store.rename(conversation_id, title, owner=self._owner())

    def delete(self, conversation_id: str) -> None:
        self.store.delete(conversation_id, owner=self._owner())

    def add_message(self, conversation_id: str, role: str, content: str, **fields: Any) -> int:
        return self.store.add_message(conversation_id, role, content, owner=self._owner(), **fields)

    def messages(self, conversation_id: str) -> list[Message]:
        return self.store.messages(conversation_id, owner=self._owner())

    def set_feedback(self, message_id: int, rating: str | None, reason: str = "") -> None:
        self.store.set_feedback(message_id, rating, reason, owner=self._owner())

    def export_json(self, conversation_id: str) -> dict[str, Any]:
        return self.store.export_json(conversation_id, owner=self._owner())

    def export_markdown(self, conversation_id: str) -> str:
        return self.store.export_markdown(conversation_id, owner=self._owner())

    def feedback_summary(self) -> dict[str, int]:
        return self.store.feedback_summary()

    def feedback_rows(self, limit: int = 200) -> list[dict[str, Any]]:
        return [{k: v for k, v in row.items() if k != "conversation_id"} for row in self.store.feedback_rows(limit)]

    def answer_log(self, since: str | None = None) -> list[dict[str, Any]]:
        return self.store.answer_log(since)  # aggregate rows: no conversation ids, no owners


def conversation_store(data_dir: Path | str, owner: Callable[[], str] | None = None) -> OwnedConversations:
    """The conversations of whoever uses the session (``current_owner()`` at each call)."""
    return OwnedConversations(ConversationStore(Path(data_dir)), owner or current_owner)


__all__ = ["ConversationError", "OwnedConversations", "conversation_store", "current_owner", "open_index"]
