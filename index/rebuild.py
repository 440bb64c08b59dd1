"""Incremental, atomic re-indexing.

A rebuild validates the cards first (invalid cards: ``CardsInvalidError`` before anything is
touched), takes the rebuild lock, compares the cards' content hashes with the manifest of the
serving generation and, unless nothing changed, writes a *new* generation beside it
(:mod:`index.writer`):

* unchanged cards keep their stored vectors (read back from the serving generation's collection),
* added and changed cards are chunked and embedded,
* removed cards are simply not carried over (so they vanish from vectors *and* keyword index),
* the keyword index and the card snapshot are written for the new generation,
* the generation is fsynced, validated (counts, a vector round trip, the keyword index loads), and
  only then the pointer is replaced atomically (``os.replace`` + fsync, or the server's meta
  collection). A crash at any moment leaves the serving generation as it was; leftovers are removed
  by the next rebuild. The previous ``KEEP_PREVIOUS`` generations are kept (the history a rollback can
  return to, :mod:`index.history`), older ones are deleted.

Each generation also records what it was built from (``parent``: the generation serving when it was
built), which cards it added, changed and removed against it (``changes``), and the card files
themselves (``sources.json``), so that a rollback can put them back.

Progress is reported per stage (:mod:`index.progress`), each stage reaching its total.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from playbook.loader import load_cards
from playbook.models import Card
from settings import Settings

from index.chunking import CHUNKER_VERSION, chunk_card
from index.errors import PlaybookIndexError, RebuildLockedError, StoreUnavailableError
from index.history import card_sources
from index.keyword import KEYWORD_VERSION, domain_words
from index.progress import STAGE_CARDS, STAGE_EMBED, STAGE_SWITCH, STAGE_VALIDATE
from index.snapshot import card_to_dict, chunk_metadata
from index.store import FORMAT_VERSION, EmbeddedLayout, Layout, Pointer, make_layout, storage_reason, write_error
from index.types import Chunk, ProgressCallback, RebuildSummary
from index.writer import GenerationContent, discard, switch_to, validate_generation, words_hash, write_generation

EMBED_BATCH = 16
LOCK_NAME = "rebuild.lock"
# Testing hook (not a setting): "STAGE" or "STAGE:SECONDS" makes a rebuild announce
# "index-checkpoint STAGE" on stderr and sleep there, so that tests can kill it at that moment.
CHECKPOINT_ENV = "PLAYBOOK_INDEX_TEST_PAUSE"
CHECKPOINTS = ("locked", "embedded", "vectors", "keyword", "manifest", "validated", "switched")


def _checkpoint(stage: str) -> None:
    import os
    import sys

    wanted = os.environ.get(CHECKPOINT_ENV, "")
    if not wanted:
        return
    name, _, seconds = wanted.partition(":")
    if name != stage:
        return
    print(f"index-checkpoint {stage}", file=sys.stderr, flush=True)
    time.sleep(float(seconds or 60))


def manifest_compatible(manifest: dict | None, embedder: str) -> bool:
    return bool(
        manifest
        and manifest.get("format") == FORMAT_VERSION
        and manifest.get("embedder") == embedder
        and manifest.get("chunker") == CHUNKER_VERSION
        and manifest.get("keyword") == KEYWORD_VERSION
    )


@dataclass
class CardDiff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def any_change(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def diff_cards(cards: list[Card], manifest: dict | None) -> CardDiff:
    old = (manifest or {}).get("cards") or {}
    result = CardDiff()
    for card in cards:
        entry = old.get(card.id)
        if entry is None:
            result.added.append(card.id)
        elif entry.get("hash") != card.content_hash:
            result.changed.append(card.id)
        else:
            result.unchanged.append(card.id)
    ids = {c.id for c in cards}
    result.removed = sorted(i for i in old if i not in ids)
    return result


def cards_diff_since_build(settings: Settings) -> CardDiff:
    """How the cards on disk differ from the serving generation (CardsInvalidError if they are invalid)."""
    layout = make_layout(settings)
    pointer = layout.read_pointer()
    manifest = layout.read_manifest(pointer.active) if pointer else None
    return diff_cards(load_cards(settings.cards_dir), manifest)


class RebuildLock:
    """The one lock of index writers (rebuilds and rollbacks); RebuildLockedError after ``wait`` seconds."""

    def __init__(self, settings: Settings, wait: float):
        from filelock import FileLock

        self.path = settings.index_dir / LOCK_NAME
        self.wait = max(0.0, float(wait))
        self._lock = FileLock(str(self.path), timeout=self.wait)

    def __enter__(self):
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=self.wait, poll_interval=0.1)
        except Timeout:
            raise RebuildLockedError(str(self.path), self.wait) from None
        except OSError as exc:
            raise write_error(self.path.parent, exc) from None
        return self

    def __exit__(self, *exc):
        self._lock.release()
        return False


def rebuild_index(settings: Settings, progress: ProgressCallback | None = None, wait: float = 0.0) -> RebuildSummary:
    """See the module docstring. Raises CardsInvalidError, RebuildLockedError, IndexWriteError, ..."""
    from index.embeddings import validate_spec

    started = time.perf_counter()
    embedder_name = validate_spec(settings.embedder)
    cards = sorted(load_cards(settings.cards_dir), key=lambda c: c.id)
    if progress:
        progress(len(cards), len(cards), STAGE_CARDS)
    layout = make_layout(settings)
    layout.prepare()
    with RebuildLock(settings, wait):
        try:
            pointer = layout.read_pointer()
        except StoreUnavailableError:
            raise
        except PlaybookIndexError:
            pointer = None  # unreadable pointer: build from scratch
        _checkpoint("locked")
        layout.cleanup_leftovers(pointer)
        old_manifest = None
        if pointer and layout.looks_complete(pointer.active):
            old_manifest = layout.read_manifest(pointer.active)
        words = domain_words(cards)
        compatible = manifest_compatible(old_manifest, embedder_name)
        diff = diff_cards(cards, old_manifest)
        if compatible and not diff.any_change and old_manifest.get("dictionary") == words_hash(words):
            if pointer:
                layout.prune(pointer)
            return _summary(diff, 0, started, generation=pointer.active if pointer else "", noop=True)
        return _build(layout, pointer, old_manifest if compatible else None, cards, words, diff,
                      embedder_name, progress, started, settings)


def _summary(diff: CardDiff, embedded: int, started: float, generation: str = "", noop: bool = False) -> RebuildSummary:
    return RebuildSummary(
        cards_added=len(diff.added),
        cards_changed=len(diff.changed),
        cards_removed=len(diff.removed),
        cards_unchanged=len(diff.unchanged),
        chunks_embedded=embedded,
        seconds=round(time.perf_counter() - started, 3),
        generation=generation,
        noop=noop,
    )


def _embed(chunks: list[Chunk], embedder_name: str, vectors: dict, progress: ProgressCallback | None) -> None:
    """Embed ``chunks`` into ``vectors`` (by chunk id), a batch at a time."""
    from index.embeddings import get_embedder

    total = len(chunks)
    if progress:
        progress(0, total, STAGE_EMBED)
    if not chunks:
        return
    embedder = get_embedder(embedder_name)
    for start in range(0, total, EMBED_BATCH):
        batch = chunks[start:start + EMBED_BATCH]
        for ch, vec in zip(batch, embedder.embed_passages_cached([ch.embedding_text() for ch in batch])):
            vectors[ch.chunk_id] = vec
        if progress:
            progress(min(start + EMBED_BATCH, total), total, STAGE_EMBED)


def _build(layout: Layout, pointer: Pointer | None, reusable: dict | None, cards: list[Card], words: list[str],
           diff: CardDiff, embedder_name: str, progress, started: float, settings: Settings) -> RebuildSummary:
    import numpy as np

    def report(done: int, total: int, stage: str) -> None:
        if progress:
            progress(done, total, stage)

    name = layout.next_name(pointer)
    chunks_by_card: dict[str, list[Chunk]] = {c.id: chunk_card(c) for c in cards}
    all_chunks = [ch for c in cards for ch in chunks_by_card[c.id]]
    card_by_id = {c.id: c for c in cards}

    # vectors of unchanged cards from the serving generation
    vectors: dict[str, np.ndarray] = {}
    if reusable is not None and pointer is not None:
        wanted = [ch.chunk_id for cid in diff.unchanged for ch in chunks_by_card[cid]]
        vectors = _read_vectors(layout, pointer.active, wanted, int(reusable.get("dim") or 0))
    # a card is re-embedded as a whole if any of its vectors could not be reused
    partial_cards = {ch.card_id for ch in all_chunks if ch.chunk_id not in vectors}
    to_embed = [ch for ch in all_chunks if ch.card_id in partial_cards]
    for ch in to_embed:
        vectors.pop(ch.chunk_id, None)

    local = layout.local_dir(name)
    try:
        local.mkdir(parents=True, exist_ok=True)
        _embed(to_embed, embedder_name, vectors, progress)
        _checkpoint("embedded")
        first_of_card = {ch.card_id: ch.chunk_id for ch in reversed(all_chunks)}
        stacked = np.stack([vectors[ch.chunk_id] for ch in all_chunks]).astype(np.float32) if all_chunks else np.zeros((0, 0))
        content = GenerationContent(
            chunks=all_chunks,
            vectors=stacked,
            metadatas=[chunk_metadata(ch, card_by_id[ch.card_id], with_card=first_of_card[ch.card_id] == ch.chunk_id)
                       for ch in all_chunks],
            cards=[card_to_dict(c) for c in cards],
            card_entries={c.id: {"hash": c.content_hash, "chunks": len(chunks_by_card[c.id])} for c in cards},
            words=words,
            embedder=embedder_name,
            extra={
                "parent": pointer.active if pointer and reusable is not None else "",
                "changes": {"added": diff.added, "changed": diff.changed, "removed": diff.removed},
            },
            sources=card_sources(cards, settings.cards_dir),
        )
        write_generation(layout, name, content, progress, checkpoint=_checkpoint)
        report(0, 1, STAGE_VALIDATE)
        probe_id = all_chunks[0].chunk_id if all_chunks else None
        validate_generation(layout, name, len(all_chunks), probe_id, vectors[probe_id] if probe_id else None)
        report(1, 1, STAGE_VALIDATE)
        _checkpoint("validated")
        report(0, 1, STAGE_SWITCH)
        new_pointer = switch_to(layout, name, pointer)
        report(1, 1, STAGE_SWITCH)
        _checkpoint("switched")
    except BaseException as exc:
        discard(layout, name)
        if isinstance(exc, OSError) or storage_reason(exc):
            raise write_error(local, exc) from None
        raise
    layout.prune(new_pointer)
    return _summary(diff, len(to_embed), started, generation=name)


def _read_vectors(layout: Layout, generation: str, ids: list[str], dim: int) -> dict:
    import numpy as np

    if not ids:
        return {}
    client = None
    try:
        client, collection = layout.open_collection(generation)
        out = {}
        for start in range(0, len(ids), 1000):
            got = collection.get(ids=ids[start:start + 1000], include=["embeddings"])
            for cid, emb in zip(got["ids"], got["embeddings"]):
                vec = np.asarray(emb, dtype=np.float32)
                if dim and vec.shape[0] != dim:
                    continue
                out[cid] = vec
        return out
    except StoreUnavailableError:
        raise
    except Exception:  # noqa: BLE001 - unreadable old vectors: re-embed instead
        return {}
    finally:
        if client is not None and isinstance(layout, EmbeddedLayout):
            from index.store import close_client

            close_client(client)
