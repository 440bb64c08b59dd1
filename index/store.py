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
only when the pointer is replaced (atomically) after the generation is complete and validated.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from settings import Settings

from index.errors import IndexCorruptError, IndexWriteError, StoreUnavailableError

FORMAT_VERSION = 1
KEEP_PREVIOUS = 2            # generations kept besides the active one (readers may still use them)
EMBEDDED_COLLECTION = "chunks"
SERVER_PREFIX = "playbook_gen_"
SERVER_META = "playbook_meta"
GEN_RE = re.compile(r"^gen-(\d{6})$")
SERVER_GEN_RE = re.compile(r"^playbook_gen_(\d{6})$")
ADD_BATCH = 1000
COSINE = {"hnsw": {"space": "cosine"}}


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


@dataclass
class Pointer:
    active: str
    previous: list[str] = field(default_factory=list)
    switched_at: str = ""

    def kept(self) -> list[str]:
        return [self.active] + [p for p in self.previous if p != self.active][:KEEP_PREVIOUS]

    def to_json(self) -> dict:
        return {"active": self.active, "previous": self.previous, "switched_at": self.switched_at}


# --------------------------------------------------------------------------- file helpers


def write_file_atomic(path: Path, data: str | bytes) -> None:
    """Write ``path`` through a temporary file, fsync it, and rename it into place."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """fsync every file and folder under ``path`` (used before a generation is switched on)."""
    for root, dirs, files in os.walk(path):
        for name in files:
            try:
                fd = os.open(os.path.join(root, name), os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            except OSError:
                pass
            finally:
                os.close(fd)
        fsync_dir(Path(root))


def write_error(where: Path | str, exc: BaseException) -> IndexWriteError:
    """An IndexWriteError describing an OSError (read-only, disk full, permission, ...)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        reason = {
            errno.ENOSPC: "the disk is full",
            errno.EDQUOT: "the disk quota is exhausted",
            errno.EROFS: "the file system is read-only",
            errno.EACCES: "permission denied",
            errno.EPERM: "operation not permitted",
            errno.ENOTDIR: "a path component is a file, not a folder",
        }.get(exc.errno, exc.strerror or str(exc))
        detail = f"{reason} ({exc.filename or where})" if exc.filename else reason
    else:
        text = str(exc)
        lowered = text.lower()
        if "full" in lowered and ("disk" in lowered or "database" in lowered):
            detail = f"the disk is full ({text})"
        elif "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
            detail = f"the folder is read-only ({text})"
        else:
            detail = f"{type(exc).__name__}: {text}"
    return IndexWriteError(str(where), detail)


# --------------------------------------------------------------------------- layouts


class Layout:
    """Common interface of the embedded and the server layout."""

    mode = ""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.index_dir = settings.index_dir

    # where local files of a generation live
    def local_dir(self, name: str) -> Path:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def read_pointer(self) -> Pointer | None:
        raise NotImplementedError

    def write_pointer(self, pointer: Pointer) -> None:
        raise NotImplementedError

    def generation_names(self) -> list[str]:
        raise NotImplementedError

    def next_name(self, pointer: Pointer | None) -> str:
        raise NotImplementedError

    def new_collection(self, name: str):
        """(client, collection) for a generation being built."""
        raise NotImplementedError

    def open_collection(self, name: str):
        """(client, collection) of a complete generation, for reading."""
        raise NotImplementedError

    def finalize(self, name: str, collection, manifest: dict) -> None:
        """Mark a fully written generation complete (before the pointer is switched)."""

    def delete(self, name: str) -> None:
        raise NotImplementedError

    def read_manifest(self, name: str) -> dict | None:
        raise NotImplementedError

    def looks_complete(self, name: str) -> bool:
        raise NotImplementedError

    def prepare(self) -> None:
        """Create the local index folder; IndexWriteError when it cannot be written."""
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            probe = self.index_dir / f".write-probe-{os.getpid()}"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise write_error(self.index_dir, exc) from None

    def prune(self, pointer: Pointer) -> list[str]:
        """Delete generations that are neither active nor among the kept previous ones."""
        keep = set(pointer.kept())
        removed = []
        for name in self.generation_names():
            if name not in keep:
                try:
                    self.delete(name)
                    removed.append(name)
                except Exception:  # noqa: BLE001 - pruning is best effort; retried next rebuild
                    pass
        return removed


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


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
        return _next_generation_name(self.generation_names(), pointer, GEN_RE, "gen-")

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
            if not _is_read_only_error(exc):
                raise IndexCorruptError(str(path), f"cannot open the vector collection: {exc}") from None
        # Chroma writes to its database even to read; serve a read-only data dir from a private copy
        copy = _read_only_copy(path)
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
        return all((d / f).exists() for f in ("manifest.json", "cards.json", "chunks.json", "keyword/chunk_ids.json", "chroma/chroma.sqlite3"))

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


class ServerLayout(Layout):
    mode = "server"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.host = settings.chroma_host
        self.port = settings.chroma_port
        self._client_obj = None

    @property
    def address(self) -> str:
        host = self.host if "://" in self.host else f"http://{self.host}"
        return f"{host}:{self.port}"

    def describe(self) -> str:
        return f"Chroma server {self.address}"

    @property
    def cache_root(self) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.host}-{self.port}")
        return self.index_dir / f"server-{safe}"

    def local_dir(self, name: str) -> Path:
        return self.cache_root / name

    def client(self):
        if self._client_obj is None:
            self._client_obj = connect_server(self.host, self.port)
        return self._client_obj

    def reset_client(self) -> None:
        self._client_obj = None

    def _call(self, fn, *args, **kwargs):
        from index.errors import PlaybookIndexError

        try:
            return fn(*args, **kwargs)
        except PlaybookIndexError:
            raise
        except Exception as exc:  # noqa: BLE001
            if is_connection_error(exc):
                self.reset_client()
                raise StoreUnavailableError(self.address, short_error(exc)) from None
            raise

    def _meta(self):
        return self._call(lambda: self.client().get_or_create_collection(SERVER_META, embedding_function=None))

    def read_pointer(self) -> Pointer | None:
        meta = self._meta().metadata or {}
        active = meta.get("active")
        if not active:
            return None
        previous = [p for p in str(meta.get("previous") or "").split(",") if p]
        return Pointer(str(active), previous, str(meta.get("switched_at", "")))

    def write_pointer(self, pointer: Pointer) -> None:
        meta = self._meta()
        self._call(
            meta.modify,
            metadata={"active": pointer.active, "previous": ",".join(pointer.previous), "switched_at": pointer.switched_at},
        )

    def generation_names(self) -> list[str]:
        cols = self._call(lambda: self.client().list_collections())
        names = [c if isinstance(c, str) else c.name for c in cols]
        return sorted(n for n in names if SERVER_GEN_RE.match(n))

    def next_name(self, pointer: Pointer | None) -> str:
        return _next_generation_name(self.generation_names(), pointer, SERVER_GEN_RE, SERVER_PREFIX)

    def new_collection(self, name: str):
        client = self.client()
        try:
            self._call(client.delete_collection, name)
        except StoreUnavailableError:
            raise
        except Exception:  # noqa: BLE001 - not there
            pass
        collection = self._call(
            client.create_collection, name, embedding_function=None, configuration=COSINE,
            metadata={"generation": name, "complete": False},
        )
        return client, collection

    def open_collection(self, name: str):
        client = self.client()
        try:
            collection = self._call(client.get_collection, name, embedding_function=None)
        except StoreUnavailableError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise IndexCorruptError(f"{self.address} collection {name}", f"cannot open it: {exc}") from None
        return client, collection

    def finalize(self, name: str, collection, manifest: dict) -> None:
        self._call(
            collection.modify,
            metadata={"generation": name, "complete": True, "manifest": json.dumps(manifest, ensure_ascii=False)},
        )

    def delete(self, name: str) -> None:
        try:
            self._call(self.client().delete_collection, name)
        except StoreUnavailableError:
            raise
        except Exception:  # noqa: BLE001
            pass
        shutil.rmtree(self.local_dir(name), ignore_errors=True)

    def read_manifest(self, name: str) -> dict | None:
        try:
            _, collection = self.open_collection(name)
        except IndexCorruptError:
            return None
        meta = collection.metadata or {}
        if not meta.get("complete") or not meta.get("manifest"):
            return None
        try:
            return json.loads(meta["manifest"])
        except ValueError:
            return None

    def looks_complete(self, name: str) -> bool:
        return self.read_manifest(name) is not None

    def cleanup_leftovers(self, pointer: Pointer | None) -> None:
        keep = set(pointer.kept()) if pointer else set()
        for name in self.generation_names():
            if name not in keep:
                self.delete(name)
        if self.cache_root.is_dir():
            for p in self.cache_root.iterdir():
                if p.name not in keep:
                    shutil.rmtree(p, ignore_errors=True)


def _is_read_only_error(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return True
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "read only" in text or "permission denied" in text


_ro_copies: dict[str, Path] = {}


def _read_only_copy(path: Path) -> Path:
    """A private, writable copy of a generation's Chroma folder (removed when the process exits)."""
    import atexit
    import tempfile

    key = str(path)
    if key not in _ro_copies:
        target = Path(tempfile.mkdtemp(prefix="playbook-index-ro-")) / "chroma"
        shutil.copytree(path, target)
        atexit.register(shutil.rmtree, target.parent, True)
        _ro_copies[key] = target
    return _ro_copies[key]


def make_layout(settings: Settings) -> Layout:
    return ServerLayout(settings) if settings.chroma_server_mode else EmbeddedLayout(settings)


# --------------------------------------------------------------------------- chroma helpers


def connect_server(host: str, port: int):
    import chromadb

    address = f"{host}:{port}"
    try:
        client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings())
        client.heartbeat()
        return client
    except Exception as exc:  # noqa: BLE001 - any failure to connect is "unavailable"
        raise StoreUnavailableError(f"http://{address}" if "://" not in host else address, short_error(exc)) from None


def is_connection_error(exc: BaseException) -> bool:
    try:
        import httpx

        if isinstance(exc, (httpx.TransportError,)):
            return True
    except ImportError:  # pragma: no cover
        pass
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    text = f"{type(exc).__name__} {exc}".lower()
    return any(s in text for s in ("connection refused", "could not connect", "connecterror", "connect error",
                                   "remoteprotocolerror", "server disconnected", "timed out", "name or service not known"))


def short_error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300]


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


def wait_for(predicate, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def _next_generation_name(existing: list[str], pointer: "Pointer | None", pattern, prefix: str) -> str:
    """One number past every generation that exists or that the pointer still names."""
    names = [*existing, *([pointer.active, *pointer.previous] if pointer else [])]
    numbers = [int(m.group(1)) for m in map(pattern.match, names) if m]
    return f"{prefix}{max(numbers, default=0) + 1:06d}"
