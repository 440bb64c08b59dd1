"""The index searcher, the stores and who is using the app."""

from __future__ import annotations

from pathlib import Path

from assistant.conversations import ConversationStore
from index.api import ensure_index
from settings import Settings


def open_index(settings: Settings):
    """The index searcher, built first when there is none (first run)."""
    return ensure_index(settings)


def conversation_store(data_dir: Path | str) -> ConversationStore:
    return ConversationStore(Path(data_dir))


def current_owner() -> str:
    """The signed-in user's name, whose conversations, plans and shows the pages show; "" in
    single-user mode (no accounts configured). The accounts work fills this in."""
    return ""
