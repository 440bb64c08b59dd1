"""The embedded layout: a folder per generation under ``DATA_DIR/index``, the pointer in ``ACTIVE``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from common.fsio import write_file_atomic

from index.errors import IndexCorruptError
from index.store.base import COSINE, EMBEDDED_COLLECTION, GEN_RE, Layout, Pointer, next_generation_name, read_json
from index.store.chroma import chroma_settings, close_client
from index.store.fs import is_read_only_error, read_only_copy

GENERATION_FILES = ("manifest.json", "cards.json", "chunks.json", "keyword/chunk_ids.json", "chroma/chroma.sqlite3")


class EmbeddedLayout(Layout):
    mode = "embedded"

    @property
    def pointer_path(self) -> Path:
        return self.index_dir / "ACTIVE"

    def describe(self) -> str:
        return str(self.index_dir)

    def local_dir(self, name: str) -> Path:
        return self.index_dir / name

    def read_pointer(self) -> Pointer | None:
        try:
            data = read_json(self.pointer_path)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(str(self.pointer_path), f"unreadable pointer file: {exc}") from None
        if not isinstance(data, dict) or not GEN_RE.match(str(data.get("active", ""))):
            raise IndexCorruptError(str(self.pointer_path), "the pointer file names no generation")
        return Pointer(str(data["active"]), [str(p) for p in data.get("previous") or []], str(data.get("switched_at", "")))

    def write_pointer(self, pointer: Pointer) -> None:
        write_file_atomic(self.pointer_path, json.dumps(pointer.to_json(), ensure_ascii=False, indent=1) + "\n")

    def generation_names(self) -> list[str]:
        if not self.index_dir.is_dir():
            return []
        return sorted(p.name for p in self.index_dir.iterdir() if p.is_dir() and GEN_RE.match(p.name))

    def next_name(self, pointer: Pointer | None) -> str:
        return next_generation_name(self.generation_names(), pointer, GEN_RE, "gen-")

    def _client(self, path: Path):
        import chromadb

        return chromadb.PersistentClient(path=str(path), settings=chroma_settings())

    def new_collection(self, name: str):
        path = self.local_dir(name) / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        client = self._client(path)
        collection = client.create_collection(
            EMBEDDED_COLLECTION, embedding_function=None, configuration=COSINE, metadata={"generation": name}
        )
        return client, collection

    def open_collection(self, name: str):
        path = self.local_dir(name) / "chroma"
        if not (path / "chroma.sqlite3").is_file():
            raise IndexCorruptError(str(path), "the vector store of the active generation is missing")
        try:
            return self._open_at(path)
        except Exception as exc:  # noqa: BLE001
            if not is_read_only_error(exc):
                raise IndexCorruptError(str(path), f"cannot open the vector collection: {exc}") from None
        # Chroma writes to its database even to read; serve a read-only data dir from a private copy
        copy = read_only_copy(path)
        try:
            return self._open_at(copy)
        except Exception as exc:  # noqa: BLE001
            raise IndexCorruptError(str(path), f"cannot open the vector collection: {exc}") from None

    def _open_at(self, path: Path):
        client = self._client(path)
        try:
            collection = client.get_collection(EMBEDDED_COLLECTION, embedding_function=None)
            collection.count()
        except Exception:
            close_client(client)
            raise
        return client, collection

    def delete(self, name: str) -> None:
        shutil.rmtree(self.local_dir(name), ignore_errors=False)

    def read_manifest(self, name: str) -> dict | None:
        try:
            return read_json(self.local_dir(name) / "manifest.json")
        except (OSError, ValueError):
            return None

    def looks_complete(self, name: str) -> bool:
        d = self.local_dir(name)
        return all((d / f).exists() for f in GENERATION_FILES)

    def cleanup_leftovers(self, pointer: Pointer | None) -> None:
        """Remove temp files of crashed writers and generations no pointer refers to."""
        if not self.index_dir.is_dir():
            return
        keep = set(pointer.kept()) if pointer else set()
        for p in self.index_dir.iterdir():
            if p.name.startswith(".") and ".tmp-" in p.name:
                try:
                    p.unlink()
                except OSError:
                    pass
            elif p.is_dir() and GEN_RE.match(p.name) and p.name not in keep:
                shutil.rmtree(p, ignore_errors=True)
