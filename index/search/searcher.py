"""The searcher: hybrid retrieval over the active generation, refreshed when a rebuild switches it.

A search embeds the query (cached), asks Chroma for the nearest chunks and BM25 for the best keyword
chunks, and fuses both lists per card (:func:`index.search.fusion.fuse`).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict

from playbook.models import Card
from settings import Settings

from index.errors import IndexMissingError, PlaybookIndexError, StoreUnavailableError
from index.search.fusion import fuse
from index.search.generation import Generation, load_generation
from index.store import EmbeddedLayout, Layout, ServerLayout, is_connection_error, make_layout, short_error
from index.types import SEARCH_MODES, IndexStatus, SearchFilters, SearchResult

MIN_CANDIDATES = 50       # chunks fetched from each list, at least
CANDIDATES_PER_RESULT = 10
QUERY_CACHE = 512
OVERFETCH = 2.0               # filtered vector search: fetch this many times the expected need ...
MAX_POSTFILTER_FETCH = 2000   # ... unless that is more than this; then Chroma filters (where)
REFRESH_EVERY = {"embedded": 1.0, "server": 5.0}  # seconds between automatic pointer checks
# Search cost bounds (not a limit on questions: that is the assistant's): embedding time grows with
# the text and holds the shared model, and the opening carries the meaning; BM25 reads a longer query.
MAX_EMBED_QUERY_CHARS = 300
MAX_KEYWORD_QUERY_CHARS = 2000


def chroma_where(filters: SearchFilters | None) -> dict | None:
    if filters is None:
        return None
    clauses = []
    if filters.stage:
        clauses.append({"stage": filters.stage})
    if filters.force:
        clauses.append({"forces": {"$contains": filters.force}})
    if filters.topic:
        clauses.append({"topics": {"$contains": filters.topic}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Searcher:
    """Serves searches from the active index generation; cheap to query, load once per process.

    Thread-safe for concurrent searches. A completed rebuild (in this or another process) is picked
    up automatically within a second (embedded) or five seconds (server); ``refresh()`` forces it.
    Build it with :func:`index.api.open_searcher` (or ``ensure_index``).
    """

    def __init__(self, settings: Settings, layout: Layout | None = None, auto_refresh: bool = True):
        from index.embeddings import validate_spec

        self.settings = settings
        self.embedder_name = validate_spec(settings.embedder)
        self.layout = layout or make_layout(settings)
        self.auto_refresh = auto_refresh
        self._embedder = None
        self._embed_lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._qcache: OrderedDict[str, object] = OrderedDict()
        self._gen: Generation | None = None
        self._retired: Generation | None = None
        self._last_check = time.monotonic()
        self._pointer_stamp = None
        self.last_timings: dict[str, float] = {}
        self._open_active()

    # ---- opening / refreshing
    def _read_pointer(self):
        pointer = self.layout.read_pointer()
        if pointer is None:
            raise IndexMissingError(self.layout.describe())
        return pointer

    def _pointer_file_stamp(self):
        if isinstance(self.layout, EmbeddedLayout):
            try:
                st = os.stat(self.layout.pointer_path)
                return (st.st_mtime_ns, st.st_size, st.st_ino)
            except OSError:
                return None
        return None

    def _open_active(self) -> None:
        stamp = self._pointer_file_stamp()
        pointer = self._read_pointer()
        self._gen = load_generation(self.layout, pointer.active, self.embedder_name)
        self._pointer_stamp = stamp

    @property
    def generation(self) -> Generation:
        assert self._gen is not None
        return self._gen

    def refresh(self) -> bool:
        """Switch to a newer generation if a rebuild has completed; True if it switched."""
        with self._refresh_lock:
            self._last_check = time.monotonic()
            stamp = self._pointer_file_stamp()
            pointer = self._read_pointer()
            if self._gen is not None and pointer.active == self._gen.name:
                self._pointer_stamp = stamp
                return False
            new = load_generation(self.layout, pointer.active, self.embedder_name)
            old = self._gen
            self._gen = new
            self._pointer_stamp = stamp
            # keep the previous generation open until the next switch: searches may still use it
            if self._retired is not None:
                self._retired.close()
            self._retired = old
            return True

    def _maybe_refresh(self) -> None:
        if not self.auto_refresh:
            return
        now = time.monotonic()
        if now - self._last_check < REFRESH_EVERY.get(self.layout.mode, 1.0):
            return
        self._last_check = now
        if isinstance(self.layout, EmbeddedLayout) and self._pointer_file_stamp() == self._pointer_stamp:
            return
        try:
            self.refresh()
        except PlaybookIndexError:
            pass  # keep serving the generation we have

    # ---- embedding
    @property
    def embedder(self):
        if self._embedder is None:
            from index.embeddings import get_embedder

            self._embedder = get_embedder(self.embedder_name)
        return self._embedder

    def clear_query_cache(self) -> None:
        self._qcache.clear()

    def embed_query(self, query: str):
        cached = self._qcache.get(query)
        if cached is not None:
            self._qcache.move_to_end(query)
            return cached
        with self._embed_lock:
            vec = self.embedder.embed_query_array(query)
        self._qcache[query] = vec
        if len(self._qcache) > QUERY_CACHE:
            self._qcache.popitem(last=False)
        return vec

    # ---- the two lists
    def vector_hits(self, query: str, n: int, filters: SearchFilters | None = None, gen: Generation | None = None):
        """[(chunk_id, cosine similarity)] best first.

        With filters, the nearest neighbours are over-fetched without a filter and filtered here when
        that is cheap (Chroma's metadata pre-filter costs ~1.5 ms per 1,000 chunks); very selective
        filters go to Chroma's ``where`` instead."""
        gen = gen or self.generation
        t0 = time.perf_counter()
        vec = self.embed_query(query)
        t1 = time.perf_counter()
        total = len(gen.chunks)
        allowed = gen.allowed_ids(filters)
        if allowed is not None and not allowed:
            hits = []
        elif allowed is None:
            hits = self._query(gen, vec, min(n, total), None)
        else:
            n = min(n, len(allowed))
            fetch = min(total, math.ceil(n * total / len(allowed) * OVERFETCH))
            hits = None
            if fetch <= MAX_POSTFILTER_FETCH:
                candidates = self._query(gen, vec, fetch, None)
                kept = [h for h in candidates if h[0] in allowed]
                if len(kept) >= n or fetch >= total:
                    hits = kept[:n]
            if hits is None:
                hits = self._query(gen, vec, n, chroma_where(filters))
        t2 = time.perf_counter()
        self.last_timings.update(embed_ms=(t1 - t0) * 1000, vector_ms=(t2 - t1) * 1000)
        return hits

    def _query(self, gen: Generation, vec, n: int, where: dict | None):
        if n <= 0:
            return []
        try:
            got = gen.collection.query(query_embeddings=[vec], n_results=n, where=where, include=["distances"])
        except Exception as exc:  # noqa: BLE001
            raise self._translate(exc) from None
        ids = got["ids"][0] if got["ids"] else []
        dists = got["distances"][0] if got["distances"] else []
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists)]

    def keyword_hits(self, query: str, n: int, filters: SearchFilters | None = None, gen: Generation | None = None):
        """[(chunk_id, BM25 score)] best first."""
        gen = gen or self.generation
        t0 = time.perf_counter()
        hits = gen.keyword.top(query, n, gen.mask(filters))
        self.last_timings["keyword_ms"] = (time.perf_counter() - t0) * 1000
        return [(gen.keyword.chunk_ids[i], s) for i, s in hits]

    def _translate(self, exc: Exception) -> Exception:
        if isinstance(exc, PlaybookIndexError):
            return exc
        if isinstance(self.layout, ServerLayout):
            if is_connection_error(exc):
                return StoreUnavailableError(self.layout.address, short_error(exc))
            if "does not exist" in str(exc).lower() or "not found" in str(exc).lower():
                return IndexMissingError(self.layout.describe(), f"collection {self.generation.name} is gone")
        return exc

    # ---- search
    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None, mode: str = "hybrid") -> list[SearchResult]:
        """Hybrid (vector + keyword) search, fused, best first, at most one result per card.

        ``mode`` "vector" or "keyword" uses one list only (for comparisons)."""
        if mode not in SEARCH_MODES:
            raise ValueError(f"mode must be one of {SEARCH_MODES}")
        query = (query or "").strip()[:MAX_KEYWORD_QUERY_CHARS]
        if not query or k <= 0:
            return []
        self._maybe_refresh()
        gen = self.generation
        t0 = time.perf_counter()
        n = max(MIN_CANDIDATES, k * CANDIDATES_PER_RESULT)
        vec_hits = self.vector_hits(query[:MAX_EMBED_QUERY_CHARS], n, filters, gen) if mode in ("hybrid", "vector") else []
        kw_hits = self.keyword_hits(query, n, filters, gen) if mode in ("hybrid", "keyword") else []
        results = fuse(vec_hits, kw_hits, gen.chunk_by_id, k)
        self.last_timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return results

    def tokenize(self, text: str) -> list[str]:
        """``text`` as the keyword index reads it: jieba with the handbook's domain dictionary."""
        return self.generation.keyword.tokenizer.tokenize(text)

    def card(self, card_id: str) -> Card | None:
        """The whole card as indexed (the snapshot the index was built from)."""
        return self.generation.cards.get(card_id)

    def cards(self) -> dict[str, Card]:
        """All indexed cards by id."""
        return dict(self.generation.cards)

    def status(self) -> IndexStatus:
        return self.generation.status()

    def close(self) -> None:
        for gen in (self._gen, self._retired):
            if gen is not None:
                gen.close()
        self._gen = self._retired = None
