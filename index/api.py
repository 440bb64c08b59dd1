"""Public entry points of the index package: the only module the assistant and the UI import.

    searcher = open_searcher(settings)            # or ensure_index(settings) on first run
    for r in searcher.search("开播前几天发预热视频？", k=5):
        r.card_id, r.chunk.title, r.chunk.section, r.score, r.vector_similarity, r.keyword_score
    searcher.card("warmup-schedule")              # the card as indexed
    searcher.tokenize("福袋什么时候发")            # words as the keyword index reads them
    rebuild(settings)                             # incremental, atomic; CardsInvalidError on bad cards
"""

from __future__ import annotations

from settings import Settings

from index.chunking import OVERVIEW_SECTION  # noqa: F401 - the section name of a card's overview chunk
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
from index.search import Searcher
from index.types import (  # noqa: F401 - re-exported for callers
    SEARCH_MODES,
    Chunk,
    IndexStatus,
    ProgressCallback,
    RebuildSummary,
    SearchFilters,
    SearchResult,
)


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
    return IndexStatus.from_manifest(manifest, pointer.active, layout.mode, layout.describe())


def cards_changed_since_build(settings: Settings) -> tuple[int, int, int]:
    """(added, changed, removed) cards on disk against the serving index. Raises CardsInvalidError."""
    from index.rebuild import cards_diff_since_build

    diff = cards_diff_since_build(settings)
    return len(diff.added), len(diff.changed), len(diff.removed)
