"""Public entry points of the index package (used by the assistant, the UI and the CLI).

    searcher = open_searcher(settings)            # or ensure_index(settings) on first run
    for r in searcher.search("开播前几天发预热视频？", k=5):
        r.card_id, r.chunk.title, r.chunk.section, r.score, r.vector_similarity, r.keyword_score
    searcher.card("warmup-schedule")              # the card as indexed
    rebuild(settings)                             # incremental, atomic; CardsInvalidError on bad cards
"""

from __future__ import annotations

from typing import Callable

from playbook.models import Card
from settings import Settings

from index.errors import (  # noqa: F401 - re-exported for callers
    EmbedderMismatchError,
    EmbedderUnavailableError,
    IndexCorruptError,
    IndexMissingError,
    IndexWriteError,
    PlaybookIndexError,
    RebuildLockedError,
    StoreUnavailableError,
)
from index.search import HybridSearcher
from index.types import IndexStatus, RebuildSummary, SearchFilters, SearchResult

ProgressCallback = Callable[[int, int, str], None]  # (done, total, what) during long work


class Searcher(HybridSearcher):
    """Serves searches from the active index generation; cheap to query, load once per process.

    Thread-safe for concurrent searches. A completed rebuild (in this or another process) is picked
    up automatically within a second (embedded) or five seconds (server); ``refresh()`` forces it.
    """

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None, mode: str = "hybrid") -> list[SearchResult]:
        """Hybrid (vector + keyword) search, fused, best first, at most one result per card.

        ``mode`` "vector" or "keyword" uses one list only (for comparisons)."""
        return super().search(query, k, filters, mode)

    def card(self, card_id: str) -> Card | None:
        """The whole card as indexed (the snapshot the index was built from)."""
        return super().card(card_id)

    def cards(self) -> dict[str, Card]:
        """All indexed cards by id."""
        return super().cards()

    def status(self) -> IndexStatus:
        return super().status()

    def refresh(self) -> bool:
        """Switch to a newer generation if a rebuild has completed; True if it switched."""
        return super().refresh()


def open_searcher(settings: Settings) -> Searcher:
    """Open the active index. Raises IndexMissingError, EmbedderMismatchError, StoreUnavailableError."""
    return Searcher(settings)


def rebuild(settings: Settings, progress: ProgressCallback | None = None, wait: float = 0.0) -> RebuildSummary:
    """Bring the index up to date with the cards: incremental, atomic. Raises CardsInvalidError.

    ``wait``: seconds to wait for a concurrent rebuild's lock before RebuildLockedError."""
    from index.rebuild import rebuild_index

    return rebuild_index(settings, progress=progress, wait=wait)


def ensure_index(settings: Settings, progress: ProgressCallback | None = None) -> Searcher:
    """Build the index when there is none (first run), then open it.

    Also rebuilds when the index was built with another embedder than the configured one."""
    try:
        return open_searcher(settings)
    except (IndexMissingError, EmbedderMismatchError, IndexCorruptError):
        rebuild(settings, progress=progress, wait=600.0)
        return open_searcher(settings)


def index_status(settings: Settings) -> IndexStatus:
    """Status of the active generation without loading the embedder or the keyword index."""
    from index.store import make_layout

    layout = make_layout(settings)
    pointer = layout.read_pointer()
    if pointer is None:
        raise IndexMissingError(layout.describe())
    manifest = layout.read_manifest(pointer.active)
    if manifest is None:
        raise IndexCorruptError(layout.describe(), f"generation {pointer.active} has no manifest")
    return IndexStatus(
        cards=int(manifest.get("card_count", 0)),
        chunks=int(manifest.get("chunk_count", 0)),
        embedder=str(manifest.get("embedder", "")),
        built_at=str(manifest.get("built_at", "")),
        generation=pointer.active,
        mode=layout.mode,
        location=layout.describe(),
        embedder_dim=int(manifest.get("dim", 0)),
    )
