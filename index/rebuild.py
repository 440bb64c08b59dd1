"""Incremental, atomic re-indexing.

A rebuild validates the cards first (invalid cards: ``CardsInvalidError`` before anything is
touched), takes the rebuild lock, compares the cards' content hashes with the manifest of the
serving generation and, unless nothing changed, writes a *new* generation beside it:

* unchanged cards keep their stored vectors (read back from the serving generation's collection),
* added and changed cards are chunked and embedded,
* removed cards are simply not carried over (so they vanish from vectors *and* keyword index),
* the keyword index and the card snapshot are written for the new generation,
* the generation is fsynced, validated (counts, a vector round trip, the keyword index loads), and
  only then the pointer is replaced atomically (``os.replace`` + fsync, or the server's meta
  collection). A crash at any moment leaves the serving generation as it was; leftovers are removed
  by the next rebuild. The previous ``KEEP_PREVIOUS`` generations are kept for processes still
  reading them, older ones are deleted.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Callable

from playbook.models import Card
from settings import Settings

from index.chunking import CHUNKER_VERSION, chunk_card
from index.errors import IndexWriteError, PlaybookIndexError, RebuildLockedError, StoreUnavailableError
from index.keyword import KEYWORD_VERSION, KeywordIndex, Tokenizer, domain_words
from index.snapshot import card_to_dict, chunk_metadata, chunk_to_dict
from index.store import (
    FORMAT_VERSION,
    KEEP_PREVIOUS,
    EmbeddedLayout,
    Layout,
    Pointer,
    add_in_batches,
    close_client,
    fsync_tree,
    make_layout,
    utc_now,
    write_error,
    write_file_atomic,
)
from index.types import Chunk, RebuildSummary

ProgressCallback = Callable[[int, int, str], None]
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


def load_valid_cards(settings: Settings) -> list[Card]:
    """All cards of the cards dir, sorted by id; CardsInvalidError listing every problem otherwise."""
    from playbook.errors import CardsInvalidError
    from playbook.loader import check_cards

    result = check_cards(settings.cards_dir)
    if result.problems:
        raise CardsInvalidError(list(result.problems))
    return sorted(result.cards, key=lambda c: c.id)


def words_hash(words: list[str]) -> str:
    return hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()[:16]


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


class _Lock:
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
    cards = load_valid_cards(settings)
    layout = make_layout(settings)
    layout.prepare()
    with _Lock(settings, wait):
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
        return _build(settings, layout, pointer, old_manifest if compatible else None, cards, words, diff,
                      embedder_name, progress, started)


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


def _build(settings, layout: Layout, pointer: Pointer | None, reusable: dict | None, cards: list[Card],
           words: list[str], diff: CardDiff, embedder_name: str, progress, started: float) -> RebuildSummary:
    import numpy as np

    from index.embeddings import get_embedder

    def report(done: int, total: int, what: str) -> None:
        if progress:
            progress(done, total, what)

    name = layout.next_name(pointer)
    chunks_by_card: dict[str, list[Chunk]] = {c.id: chunk_card(c) for c in cards}
    all_chunks = [ch for c in cards for ch in chunks_by_card[c.id]]
    card_by_id = {c.id: c for c in cards}

    # vectors of unchanged cards from the serving generation
    vectors: dict[str, np.ndarray] = {}
    if reusable is not None and pointer is not None:
        wanted = [ch.chunk_id for cid in diff.unchanged for ch in chunks_by_card[cid]]
        vectors = _read_vectors(layout, pointer.active, wanted, int(reusable.get("dim") or 0))
    to_embed = [ch for ch in all_chunks if ch.chunk_id not in vectors]
    # a card is re-embedded as a whole if any of its vectors could not be reused
    partial_cards = {ch.card_id for ch in to_embed}
    to_embed = [ch for ch in all_chunks if ch.card_id in partial_cards]
    for ch in to_embed:
        vectors.pop(ch.chunk_id, None)

    client = None
    local = layout.local_dir(name)
    try:
        local.mkdir(parents=True, exist_ok=True)
        embedder = get_embedder(embedder_name) if to_embed else None
        total = len(to_embed)
        report(0, total, "embedding")
        for start in range(0, total, EMBED_BATCH):
            batch = to_embed[start:start + EMBED_BATCH]
            arr = embedder.embed_passages_cached([ch.embedding_text() for ch in batch])
            for ch, vec in zip(batch, arr):
                vectors[ch.chunk_id] = vec
            report(min(start + EMBED_BATCH, total), total, "embedding")
        dim = int(next(iter(vectors.values())).shape[0]) if vectors else 0
        _checkpoint("embedded")

        report(0, len(all_chunks), "writing vectors")
        client, collection = layout.new_collection(name)
        first_of_card = {ch.card_id: ch.chunk_id for ch in reversed(all_chunks)}
        add_in_batches(
            collection,
            ids=[ch.chunk_id for ch in all_chunks],
            embeddings=np.stack([vectors[ch.chunk_id] for ch in all_chunks]).astype(np.float32),
            documents=[ch.text for ch in all_chunks],
            metadatas=[chunk_metadata(ch, card_by_id[ch.card_id], with_card=first_of_card[ch.card_id] == ch.chunk_id)
                       for ch in all_chunks],
            on_batch=lambda done, tot: report(done, tot, "writing vectors"),
        )
        _checkpoint("vectors")
        report(0, 1, "keyword index")
        tokenizer = Tokenizer(words)
        keyword = KeywordIndex.build([ch.chunk_id for ch in all_chunks], [ch.embedding_text() for ch in all_chunks], words, tokenizer)
        keyword.save(local / "keyword")
        report(1, 1, "keyword index")
        _checkpoint("keyword")
        write_file_atomic(local / "cards.json", json.dumps([card_to_dict(c) for c in cards], ensure_ascii=False))
        write_file_atomic(local / "chunks.json", json.dumps([chunk_to_dict(ch) for ch in all_chunks], ensure_ascii=False))
        manifest = {
            "format": FORMAT_VERSION,
            "generation": name,
            "mode": layout.mode,
            "embedder": embedder_name,
            "dim": dim,
            "chunker": CHUNKER_VERSION,
            "keyword": KEYWORD_VERSION,
            "dictionary": words_hash(words),
            "built_at": utc_now(),
            "card_count": len(cards),
            "chunk_count": len(all_chunks),
            "cards": {c.id: {"hash": c.content_hash, "chunks": len(chunks_by_card[c.id])} for c in cards},
        }
        probe_id = all_chunks[0].chunk_id if all_chunks else None
        probe_vec = vectors[probe_id] if probe_id else None
        if isinstance(layout, EmbeddedLayout):
            close_client(client)
            client = None
            fsync_tree(local)
            write_file_atomic(local / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        else:
            write_file_atomic(local / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            layout.finalize(name, collection, manifest)
        _checkpoint("manifest")
        _validate(layout, name, len(all_chunks), probe_id, probe_vec)
        _checkpoint("validated")
        new_pointer = Pointer(
            active=name,
            previous=([pointer.active] + [p for p in pointer.previous if p != pointer.active])[:KEEP_PREVIOUS] if pointer else [],
            switched_at=utc_now(),
        )
        layout.write_pointer(new_pointer)
        _checkpoint("switched")
    except BaseException as exc:
        if client is not None:
            close_client(client)
        _discard(layout, name)
        if isinstance(exc, OSError):
            raise write_error(local, exc) from None
        if _looks_like_storage_error(exc):
            raise write_error(local, exc) from None
        raise
    if client is not None:
        close_client(client)
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
            close_client(client)


def _validate(layout: Layout, name: str, expected: int, probe_id: str | None, probe_vec) -> None:
    from index.errors import IndexCorruptError

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


def _discard(layout: Layout, name: str) -> None:
    try:
        layout.delete(name)
    except Exception:  # noqa: BLE001 - cleaned up by the next rebuild
        pass


def _looks_like_storage_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(s in text for s in ("disk is full", "database or disk is full", "no space left", "readonly database",
                                   "read-only file system", "attempt to write a readonly"))
