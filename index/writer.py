"""Writing one index generation: vectors into Chroma, the keyword index, the snapshots, the manifest;
then checking it and switching the pointer to it. Used by the rebuild (and by the scale benchmark,
which writes a synthetic generation the same way)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from common.fsio import fsync_tree, write_file_atomic

from index.chunking import CHUNKER_VERSION
from index.errors import IndexCorruptError
from index.keyword import KEYWORD_VERSION, KeywordIndex, Tokenizer
from index.snapshot import chunk_to_dict
from index.progress import STAGE_KEYWORD, STAGE_VECTORS
from index.store import FORMAT_VERSION, EmbeddedLayout, Layout, Pointer, add_in_batches, close_client, utc_now
from index.types import Chunk, ProgressCallback

SOURCES_FILE = "sources.json"  # the card files of a generation, in its local folder


def words_hash(words: list[str]) -> str:
    return hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class GenerationContent:
    """What a generation holds, ready to be written."""

    chunks: list[Chunk]                 # keyword-index order
    vectors: object                     # numpy array, one unit vector per chunk
    metadatas: list[dict]               # Chroma metadata per chunk (index.snapshot.chunk_metadata)
    cards: list[dict]                   # card snapshots (index.snapshot.card_to_dict)
    card_entries: dict[str, dict]       # manifest "cards": {card_id: {"hash", "chunks"}}
    words: list[str]                    # the jieba domain dictionary
    embedder: str
    tokens: list[list[str]] | None = None   # the corpus already tokenised (else the chunks are)
    extra: dict = field(default_factory=dict)  # more manifest fields
    sources: dict[str, str] | None = None   # the card files as they were ({path in the cards dir: text}): a rollback can restore them


def write_generation(layout: Layout, name: str, content: GenerationContent, progress: ProgressCallback | None = None,
                     checkpoint: Callable[[str], None] = lambda stage: None) -> dict:
    """Write generation ``name`` completely (manifest last) and return its manifest.

    The caller removes the generation if this raises; nothing points at it yet."""
    import numpy as np

    def report(done: int, total: int, what: str) -> None:
        if progress:
            progress(done, total, what)

    chunks = content.chunks
    local = layout.local_dir(name)
    local.mkdir(parents=True, exist_ok=True)
    report(0, len(chunks), STAGE_VECTORS)
    client, collection = layout.new_collection(name)
    if not isinstance(layout, EmbeddedLayout):
        client = None  # the server layout's own client: it stays open for the validation and the switch
    try:
        add_in_batches(
            collection,
            ids=[ch.chunk_id for ch in chunks],
            embeddings=np.asarray(content.vectors, dtype=np.float32),
            documents=[ch.text for ch in chunks],
            metadatas=content.metadatas,
            on_batch=lambda done, tot: report(done, tot, STAGE_VECTORS),
        )
        checkpoint("vectors")
        report(0, 1, STAGE_KEYWORD)
        keyword = KeywordIndex.build([ch.chunk_id for ch in chunks], [ch.embedding_text() for ch in chunks],
                                     content.words, Tokenizer(content.words), tokens=content.tokens)
        keyword.save(local / "keyword")
        report(1, 1, STAGE_KEYWORD)
        checkpoint("keyword")
        write_file_atomic(local / "cards.json", json.dumps(content.cards, ensure_ascii=False))
        if content.sources is not None:
            write_file_atomic(local / SOURCES_FILE, json.dumps(content.sources, ensure_ascii=False))
        write_file_atomic(local / "chunks.json", json.dumps([chunk_to_dict(ch) for ch in chunks], ensure_ascii=False))
        vectors = np.asarray(content.vectors)
        manifest = {
            "format": FORMAT_VERSION,
            "generation": name,
            "mode": layout.mode,
            "embedder": content.embedder,
            "dim": int(vectors.shape[1]) if vectors.ndim == 2 and len(vectors) else 0,
            "chunker": CHUNKER_VERSION,
            "keyword": KEYWORD_VERSION,
            "dictionary": words_hash(content.words),
            "built_at": utc_now(),
            "card_count": len(content.cards),
            "chunk_count": len(chunks),
            "cards": content.card_entries,
            **content.extra,
        }
        if isinstance(layout, EmbeddedLayout):
            close_client(client)
            client = None
            fsync_tree(local)
            write_file_atomic(local / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        else:
            write_file_atomic(local / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            layout.finalize(name, collection, manifest)
        checkpoint("manifest")
        return manifest
    finally:
        if client is not None:
            close_client(client)


def validate_generation(layout: Layout, name: str, expected: int, probe_id: str | None, probe_vec) -> None:
    """The stored generation holds ``expected`` vectors, finds ``probe_vec`` again, and its keyword index loads."""
    client, collection = layout.open_collection(name)
    try:
        count = collection.count()
        if count != expected:
            raise IndexCorruptError(f"{layout.describe()} {name}", f"{count} vectors stored, {expected} expected")
        if probe_id is not None:
            got = collection.query(query_embeddings=[probe_vec], n_results=1, include=["distances"])
            if not got["ids"] or not got["ids"][0] or got["distances"][0][0] > 0.01:
                raise IndexCorruptError(f"{layout.describe()} {name}", "a stored vector cannot be found again")
    finally:
        if isinstance(layout, EmbeddedLayout):
            close_client(client)
    keyword = KeywordIndex.load(layout.local_dir(name) / "keyword")
    if len(keyword.chunk_ids) != expected:
        raise IndexCorruptError(str(layout.local_dir(name)), "keyword index and vectors disagree")


def switch_to(layout: Layout, name: str, pointer: Pointer | None) -> Pointer:
    """Make ``name`` the active generation (atomically), keeping the previous ones; the new pointer.

    The same switch serves a new build and a rollback to a kept generation."""
    new_pointer = pointer.switched(name) if pointer else Pointer(active=name, previous=[], switched_at=utc_now())
    layout.write_pointer(new_pointer)
    return new_pointer


def discard(layout: Layout, name: str) -> None:
    """Remove a generation that was not completed (best effort: the next rebuild cleans up too)."""
    try:
        layout.delete(name)
    except Exception:  # noqa: BLE001
        pass
