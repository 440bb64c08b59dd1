"""Small helpers around Chroma clients and collections."""

from __future__ import annotations

from index.store.base import ADD_BATCH


def chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def close_client(client) -> None:
    try:
        close = getattr(client, "close", None)
        if close:
            close()
    except Exception:  # noqa: BLE001
        pass


def add_in_batches(collection, ids, embeddings, documents, metadatas, batch: int = ADD_BATCH, on_batch=None) -> None:
    for start in range(0, len(ids), batch):
        end = start + batch
        collection.add(
            ids=ids[start:end], embeddings=embeddings[start:end], documents=documents[start:end], metadatas=metadatas[start:end]
        )
        if on_batch:
            on_batch(min(end, len(ids)), len(ids))
