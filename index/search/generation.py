"""One index generation loaded for searching: its manifest, Chroma collection, keyword index, cards."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from playbook.models import Card

from index.errors import EmbedderMismatchError, IndexCorruptError, StoreUnavailableError
from index.keyword import KeywordIndex, Tokenizer, domain_words
from index.snapshot import card_from_dict, card_to_dict, chunk_from_dict, chunk_from_metadata, chunk_to_dict
from index.store import EmbeddedLayout, Layout, ServerLayout, close_client, is_connection_error, short_error
from index.store.server import manifest_of
from index.types import Chunk, IndexStatus, SearchFilters

MASK_CACHE = 256  # filter masks remembered per generation


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
        self._masks: dict[tuple, object] = {}

    def status(self) -> IndexStatus:
        return IndexStatus.from_manifest(self.manifest, self.name, self.layout.mode, self.layout.describe())

    def mask(self, filters: SearchFilters | None):
        """Boolean array over the keyword documents (None when no filter)."""
        import numpy as np

        if filters is None or not (filters.stage or filters.force or filters.topic):
            return None
        key = (filters.stage, filters.force, filters.topic)
        cached = self._masks.get(key)
        if cached is None:
            cached = np.array([filters.matches(c) for c in self.chunks], dtype=bool)
            if len(self._masks) < MASK_CACHE:
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
            if len(self._masks) < MASK_CACHE:
                self._masks[key] = cached
        return cached

    def close(self) -> None:
        if isinstance(self.layout, EmbeddedLayout):
            close_client(self.client)


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
        chunks, cards, keyword = _read_local(local)
    except (OSError, ValueError, KeyError) as exc:
        raise IndexCorruptError(str(local), f"cannot read the generation files: {exc}") from None
    client, collection = layout.open_collection(name)
    return Generation(name, manifest, client, collection, keyword, chunks, {c.chunk_id: c for c in chunks}, cards, layout)


def _check_embedder(manifest: dict, embedder: str | None) -> None:
    if embedder is not None and manifest.get("embedder") != embedder:
        raise EmbedderMismatchError(str(manifest.get("embedder")), embedder)


def _read_local(local: Path) -> tuple[list[Chunk], dict[str, Card], KeywordIndex]:
    chunks = [chunk_from_dict(d) for d in json.loads((local / "chunks.json").read_text(encoding="utf-8"))]
    cards = {d["id"]: card_from_dict(d) for d in json.loads((local / "cards.json").read_text(encoding="utf-8"))}
    return chunks, cards, KeywordIndex.load(local / "keyword")


def _load_server_generation(layout: ServerLayout, name: str, embedder: str | None) -> Generation:
    client, collection = layout.open_collection(name)
    manifest = manifest_of(collection)
    if manifest is None:
        raise IndexCorruptError(f"{layout.address} collection {name}", "the active generation is incomplete")
    _check_embedder(manifest, embedder)
    local = layout.local_dir(name)
    try:
        chunks, cards, keyword = _read_local(local)
        if len(keyword.chunk_ids) != manifest.get("chunk_count"):
            raise ValueError("stale cache")
    except (OSError, ValueError, KeyError):
        chunks, cards, keyword = _rebuild_server_cache(layout, collection, local)
    return Generation(name, manifest, client, collection, keyword, chunks, {c.chunk_id: c for c in chunks}, cards, layout)


def _rebuild_server_cache(layout: ServerLayout, collection, local: Path):
    """The keyword index, chunks and cards of a server generation, rebuilt from the collection."""
    ids: list[str] = []
    docs: list[str] = []
    metas: list[dict] = []
    offset = 0
    while True:
        try:
            got = collection.get(include=["documents", "metadatas"], limit=1000, offset=offset)
        except Exception as exc:
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
