"""Hybrid retrieval over one index generation: Chroma vectors + BM25 keywords, fused per card.

Fusion is a weighted reciprocal-rank fusion computed on *card* ranks: each list (vector, keyword) is
first reduced to the best chunk of every card, so a card with many similar chunks does not push the
other cards down one list; a card then scores ``sum_i w_i / (RRF_K + rank_i)``. The representative
chunk of a card is its best chunk under the same formula on chunk ranks. ``vector_similarity`` is the
raw cosine similarity of the card's best vector hit, ``keyword_score`` the BM25 score of its best
keyword hit (``None`` when the card was not a hit in that list).
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from playbook.models import Card
from settings import Settings

from index.errors import (
    EmbedderMismatchError,
    IndexCorruptError,
    IndexMissingError,
    PlaybookIndexError,
    StoreUnavailableError,
)
from index.keyword import KeywordIndex, Tokenizer, domain_words
from index.snapshot import card_from_dict, card_to_dict, chunk_from_dict, chunk_from_metadata, chunk_to_dict
from index.store import EmbeddedLayout, Layout, ServerLayout, close_client, is_connection_error, make_layout, short_error, write_file_atomic
from index.types import Chunk, IndexStatus, SearchFilters, SearchResult

RRF_K = 60
VECTOR_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0
MIN_CANDIDATES = 50       # chunks fetched from each list, at least
CANDIDATES_PER_RESULT = 10
QUERY_CACHE = 512
OVERFETCH = 2.0               # filtered vector search: fetch this many times the expected need ...
MAX_POSTFILTER_FETCH = 2000   # ... unless that is more than this; then Chroma filters (where)
REFRESH_EVERY = {"embedded": 1.0, "server": 5.0}  # seconds between automatic pointer checks
MAX_EMBED_QUERY_CHARS = 300
MODES = ("hybrid", "vector", "keyword")


@dataclass
class Generation:
    """Everything a searcher needs from one generation, loaded once."""

    name: str
    manifest: dict
    client: object
    collection: object
    keyword: KeywordIndex
    chunks: list[Chunk]                 # keyword-index order
    chunk_by_id: dict[str, Chunk]
    cards: dict[str, Card]
    layout: Layout

    def __post_init__(self) -> None:
        import numpy as np

        self.stages = np.array([c.stage for c in self.chunks], dtype=object)
        self._masks: dict[tuple, object] = {}

    def mask(self, filters: SearchFilters | None):
        """Boolean array over the keyword documents (None when no filter)."""
        import numpy as np

        if filters is None or not (filters.stage or filters.force or filters.topic):
            return None
        key = (filters.stage, filters.force, filters.topic)
        cached = self._masks.get(key)
        if cached is None:
            cached = np.array([filters.matches(c) for c in self.chunks], dtype=bool)
            if len(self._masks) < 256:
                self._masks[key] = cached
        return cached

    def allowed_ids(self, filters: SearchFilters | None) -> frozenset[str] | None:
        """Chunk ids passing ``filters`` (None when no filter)."""
        mask = self.mask(filters)
        if mask is None:
            return None
        key = ("ids", filters.stage, filters.force, filters.topic)
        cached = self._masks.get(key)
        if cached is None:
            cached = frozenset(c.chunk_id for c, ok in zip(self.chunks, mask) if ok)
            if len(self._masks) < 256:
                self._masks[key] = cached
        return cached


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


# --------------------------------------------------------------------------- loading


def load_generation(layout: Layout, name: str, embedder: str | None) -> Generation:
    """Open generation ``name``; EmbedderMismatchError if it was built with another embedder."""
    if isinstance(layout, ServerLayout):
        return _load_server_generation(layout, name, embedder)
    local = layout.local_dir(name)
    manifest = layout.read_manifest(name)
    if manifest is None or not layout.looks_complete(name):
        raise IndexCorruptError(str(local), "the active generation is incomplete")
    _check_embedder(manifest, embedder)
    try:
        chunks = [chunk_from_dict(d) for d in json.loads((local / "chunks.json").read_text(encoding="utf-8"))]
        cards = {d["id"]: card_from_dict(d) for d in json.loads((local / "cards.json").read_text(encoding="utf-8"))}
        keyword = KeywordIndex.load(local / "keyword")
    except (OSError, ValueError, KeyError) as exc:
        raise IndexCorruptError(str(local), f"cannot read the generation files: {exc}") from None
    client, collection = layout.open_collection(name)
    return Generation(name, manifest, client, collection, keyword, chunks, {c.chunk_id: c for c in chunks}, cards, layout)


def _check_embedder(manifest: dict, embedder: str | None) -> None:
    if embedder is not None and manifest.get("embedder") != embedder:
        raise EmbedderMismatchError(str(manifest.get("embedder")), embedder)


def _load_server_generation(layout: ServerLayout, name: str, embedder: str | None) -> Generation:
    client, collection = layout.open_collection(name)
    meta = collection.metadata or {}
    if not meta.get("complete") or not meta.get("manifest"):
        raise IndexCorruptError(f"{layout.address} collection {name}", "the active generation is incomplete")
    manifest = json.loads(meta["manifest"])
    _check_embedder(manifest, embedder)
    local = layout.local_dir(name)
    try:
        chunks = [chunk_from_dict(d) for d in json.loads((local / "chunks.json").read_text(encoding="utf-8"))]
        cards = {d["id"]: card_from_dict(d) for d in json.loads((local / "cards.json").read_text(encoding="utf-8"))}
        keyword = KeywordIndex.load(local / "keyword")
        if len(keyword.chunk_ids) != manifest.get("chunk_count"):
            raise ValueError("stale cache")
    except (OSError, ValueError, KeyError):
        chunks, cards, keyword = _rebuild_server_cache(layout, collection, local)
    return Generation(name, manifest, client, collection, keyword, chunks, {c.chunk_id: c for c in chunks}, cards, layout)


def _rebuild_server_cache(layout: ServerLayout, collection, local: Path):
    """The keyword index, chunks and cards of a server generation, rebuilt from the collection."""
    import shutil

    ids: list[str] = []
    docs: list[str] = []
    metas: list[dict] = []
    offset = 0
    while True:
        try:
            got = collection.get(include=["documents", "metadatas"], limit=1000, offset=offset)
        except Exception as exc:  # noqa: BLE001
            if is_connection_error(exc):
                raise StoreUnavailableError(layout.address, short_error(exc)) from None
            raise
        if not got["ids"]:
            break
        ids += got["ids"]
        docs += got["documents"]
        metas += got["metadatas"]
        offset += len(got["ids"])
    rows = sorted(zip(ids, docs, metas), key=lambda r: (r[2]["card_id"], int(r[2].get("ordinal", 0))))
    chunks = [chunk_from_metadata(i, d, m) for i, d, m in rows]
    cards: dict[str, Card] = {}
    for _, _, meta in rows:
        if meta.get("card_json"):
            card = card_from_dict(json.loads(meta["card_json"]))
            cards[card.id] = card
    words = domain_words(list(cards.values()))
    keyword = KeywordIndex.build([c.chunk_id for c in chunks], [c.embedding_text() for c in chunks], words, Tokenizer(words))
    try:
        tmp = local.with_name(f".{local.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True, exist_ok=True)
        keyword.save(tmp / "keyword")
        (tmp / "chunks.json").write_text(json.dumps([chunk_to_dict(c) for c in chunks], ensure_ascii=False), encoding="utf-8")
        (tmp / "cards.json").write_text(json.dumps([card_to_dict(c) for c in cards.values()], ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(local, ignore_errors=True)
        os.replace(tmp, local)
    except OSError:
        pass  # the cache is an optimisation; serve from memory
    return chunks, cards, keyword


# --------------------------------------------------------------------------- the searcher


class HybridSearcher:
    """Implementation behind :class:`index.api.Searcher`."""

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
        try:
            pointer = self.layout.read_pointer()
        except StoreUnavailableError:
            raise
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
        gen = load_generation(self.layout, pointer.active, self.embedder_name)
        self._gen = gen
        self._pointer_stamp = stamp

    @property
    def generation(self) -> Generation:
        assert self._gen is not None
        return self._gen

    def refresh(self) -> bool:
        """Switch to the active generation if a rebuild has switched the pointer; True if switched."""
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
                _close_generation(self._retired)
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
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        query = (query or "").strip()[: self.settings.max_question_chars]
        if not query or k <= 0:
            return []
        self._maybe_refresh()
        gen = self.generation
        t0 = time.perf_counter()
        n = max(MIN_CANDIDATES, k * CANDIDATES_PER_RESULT)
        # Embedding cost grows with length and holds the shared model; the opening carries the meaning.
        vector_query = query[:MAX_EMBED_QUERY_CHARS]
        vec_hits = self.vector_hits(vector_query, n, filters, gen) if mode in ("hybrid", "vector") else []
        kw_hits = self.keyword_hits(query, n, filters, gen) if mode in ("hybrid", "keyword") else []
        results = fuse(gen, vec_hits, kw_hits, k)
        self.last_timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return results

    def card(self, card_id: str) -> Card | None:
        return self.generation.cards.get(card_id)

    def cards(self) -> dict[str, Card]:
        return dict(self.generation.cards)

    def status(self) -> IndexStatus:
        gen = self.generation
        m = gen.manifest
        return IndexStatus(
            cards=int(m.get("card_count", len(gen.cards))),
            chunks=int(m.get("chunk_count", len(gen.chunks))),
            embedder=str(m.get("embedder", "")),
            built_at=str(m.get("built_at", "")),
            generation=gen.name,
            mode=self.layout.mode,
            location=self.layout.describe(),
            embedder_dim=int(m.get("dim", 0)),
        )

    def close(self) -> None:
        for gen in (self._gen, self._retired):
            if gen is not None:
                _close_generation(gen)
        self._gen = self._retired = None


def _close_generation(gen: Generation) -> None:
    if isinstance(gen.layout, EmbeddedLayout):
        close_client(gen.client)


def _add_ranked_list(gen: Generation, hits, weight: float, rrf_k: float,
                     chunk_score: dict[str, float], card_score: dict[str, float]) -> dict[str, float]:
    """Add one ranked list's RRF shares to chunk and card scores (a card ranks by its first chunk);
    return each card's raw value (similarity or BM25) at that chunk."""
    card_value: dict[str, float] = {}
    for rank, (cid, value) in enumerate(hits, start=1):
        chunk = gen.chunk_by_id.get(cid)
        if chunk is None:
            continue
        chunk_score[cid] = chunk_score.get(cid, 0.0) + weight / (rrf_k + rank)
        if chunk.card_id not in card_value:
            card_value[chunk.card_id] = value
            card_score[chunk.card_id] = card_score.get(chunk.card_id, 0.0) + weight / (rrf_k + len(card_value))
    return card_value


def fuse(gen: Generation, vec_hits, kw_hits, k: int, rrf_k: float = RRF_K,
         w_vec: float = VECTOR_WEIGHT, w_kw: float = KEYWORD_WEIGHT) -> list[SearchResult]:
    """Weighted RRF over card ranks; best chunk per card; ``k`` results best first."""
    chunk_score: dict[str, float] = {}
    card_score: dict[str, float] = {}
    card_vec_sim = _add_ranked_list(gen, vec_hits, w_vec, rrf_k, chunk_score, card_score)
    card_kw_score = _add_ranked_list(gen, kw_hits, w_kw, rrf_k, chunk_score, card_score)
    best_chunk: dict[str, str] = {}
    for cid, score in chunk_score.items():
        card_id = gen.chunk_by_id[cid].card_id
        current = best_chunk.get(card_id)
        if current is None or score > chunk_score[current]:
            best_chunk[card_id] = cid
    ranked = sorted(card_score.items(), key=lambda item: (-item[1], -card_vec_sim.get(item[0], -1.0), item[0]))
    results = []
    for card_id, score in ranked[:k]:
        chunk = gen.chunk_by_id[best_chunk[card_id]]
        results.append(
            SearchResult(
                chunk=chunk,
                score=round(float(score), 6),
                vector_similarity=card_vec_sim.get(card_id),
                keyword_score=card_kw_score.get(card_id),
            )
        )
    return results
