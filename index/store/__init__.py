"""Where index generations live: embedded (a folder per generation) or a Chroma server.

Embedded mode (default)::

    DATA_DIR/index/
      ACTIVE                 pointer: {"active": "gen-000004", "previous": ["gen-000003", ...]}
      rebuild.lock           held by a running rebuild
      gen-000004/            one complete generation
        manifest.json        written last: embedder, built_at, card hashes, chunk counts
        cards.json           snapshot of the indexed cards (Searcher.card / cards)
        chunks.json          the chunks, in keyword-index order
        keyword/             BM25 (bm25s) files, the chunk ids and the jieba domain dictionary
        chroma/              Chroma PersistentClient folder, collection ``chunks`` (cosine)

Server mode (``PLAYBOOK_CHROMA_HOST`` set): generation ``N`` is the collection ``playbook_gen_N`` on
the server, its manifest is in the collection's metadata and the card snapshots ride on the chunk
metadata; the pointer is the metadata of the collection ``playbook_meta`` so that every app machine
sees the same active generation. The keyword index, cards and chunks are cached locally under
``DATA_DIR/index/server-<host>-<port>/`` and rebuilt from the collection when missing.

A generation is only ever written by a rebuild holding the lock, and becomes visible to readers
only when the pointer is replaced (atomically) after the generation is complete and validated. The
active generation and the ``KEEP_PREVIOUS`` before it are kept; a rollback (holding the same lock)
points the pointer at one of them again (``Pointer.switched``).

Modules: ``base`` (the pointer, the layout interface, names), ``fs`` (storage errors, read-only copies),
``chroma`` (client helpers), ``embedded`` and ``server`` (the two layouts).
"""

from __future__ import annotations

from settings import Settings

from index.store.base import (
    ADD_BATCH,
    COSINE,
    EMBEDDED_COLLECTION,
    FORMAT_VERSION,
    GEN_RE,
    KEEP_PREVIOUS,
    SERVER_GEN_RE,
    SERVER_META,
    SERVER_PREFIX,
    Layout,
    Pointer,
    generation_number,
    newest_first,
    next_generation_name,
    read_json,
    utc_now,
)
from index.store.chroma import add_in_batches, chroma_settings, close_client
from index.store.embedded import EmbeddedLayout
from index.store.fs import is_read_only_error, storage_reason, write_error
from index.store.server import ServerLayout, connect_server, is_connection_error, short_error


def make_layout(settings: Settings) -> Layout:
    return ServerLayout(settings) if settings.chroma_server_mode else EmbeddedLayout(settings)


__all__ = [
    "ADD_BATCH", "COSINE", "EMBEDDED_COLLECTION", "FORMAT_VERSION", "GEN_RE", "KEEP_PREVIOUS", "SERVER_GEN_RE",
    "SERVER_META", "SERVER_PREFIX", "EmbeddedLayout", "Layout", "Pointer", "ServerLayout", "add_in_batches",
    "chroma_settings", "close_client", "connect_server", "generation_number", "is_connection_error", "is_read_only_error",
    "make_layout", "newest_first", "next_generation_name", "read_json", "short_error", "storage_reason", "utc_now", "write_error",
]
