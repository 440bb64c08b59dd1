"""Public entry points of the index package (used by the assistant, the UI and the CLI).

INTERFACE STUB: the signatures below are the contract between packages; bodies are being written.
"""

from __future__ import annotations

from typing import Callable

from playbook.models import Card
from settings import Settings

from index.types import IndexStatus, RebuildSummary, SearchFilters, SearchResult

ProgressCallback = Callable[[int, int, str], None]  # (done, total, what) during long work


class Searcher:
    """Serves searches from the active index generation; cheap to query, load once per process."""

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[SearchResult]:
        """Hybrid (vector + keyword) search, fused, best first, at most one result per card."""
        raise NotImplementedError

    def card(self, card_id: str) -> Card | None:
        """The whole card as indexed (the snapshot the index was built from)."""
        raise NotImplementedError

    def cards(self) -> dict[str, Card]:
        """All indexed cards by id."""
        raise NotImplementedError

    def status(self) -> IndexStatus:
        raise NotImplementedError

    def refresh(self) -> bool:
        """Switch to a newer generation if a rebuild has completed; True if it switched."""
        raise NotImplementedError


def open_searcher(settings: Settings) -> Searcher:
    """Open the active index. Raises IndexMissingError, EmbedderMismatchError, StoreUnavailableError."""
    raise NotImplementedError


def rebuild(settings: Settings, progress: ProgressCallback | None = None) -> RebuildSummary:
    """Bring the index up to date with the cards: incremental, atomic. Raises CardsInvalidError."""
    raise NotImplementedError


def ensure_index(settings: Settings, progress: ProgressCallback | None = None) -> Searcher:
    """Build the index when there is none (first run), then open it."""
    raise NotImplementedError
