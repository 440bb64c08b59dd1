"""The server layout: generations are collections of a ``chroma run`` server, the pointer is server-side."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from settings import Settings

from index.errors import IndexCorruptError, PlaybookIndexError, StoreUnavailableError
from index.store.base import COSINE, SERVER_GEN_RE, SERVER_META, SERVER_PREFIX, Layout, Pointer, next_generation_name
from index.store.chroma import chroma_settings

_CONNECTION_WORDS = ("connection refused", "could not connect", "connecterror", "connect error", "remoteprotocolerror",
                     "server disconnected", "timed out", "name or service not known")


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

        if isinstance(exc, httpx.TransportError):
            return True
    except ImportError:  # pragma: no cover
        pass
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    text = f"{type(exc).__name__} {exc}".lower()
    return any(s in text for s in _CONNECTION_WORDS)


def short_error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300]


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

    def call(self, fn, *args, **kwargs):
        """``fn(*args, **kwargs)`` with a lost connection reported as StoreUnavailableError."""
        try:
            return fn(*args, **kwargs)
        except PlaybookIndexError:
            raise
        except Exception as exc:
            if is_connection_error(exc):
                self.reset_client()
                raise StoreUnavailableError(self.address, short_error(exc)) from None
            raise

    def _meta(self):
        return self.call(lambda: self.client().get_or_create_collection(SERVER_META, embedding_function=None))

    def read_pointer(self) -> Pointer | None:
        meta = self._meta().metadata or {}
        active = meta.get("active")
        if not active:
            return None
        previous = [p for p in str(meta.get("previous") or "").split(",") if p]
        return Pointer(str(active), previous, str(meta.get("switched_at", "")))

    def write_pointer(self, pointer: Pointer) -> None:
        meta = self._meta()
        self.call(
            meta.modify,
            metadata={"active": pointer.active, "previous": ",".join(pointer.previous), "switched_at": pointer.switched_at},
        )

    def generation_names(self) -> list[str]:
        cols = self.call(lambda: self.client().list_collections())
        names = [c if isinstance(c, str) else c.name for c in cols]
        return sorted(n for n in names if SERVER_GEN_RE.match(n))

    def next_name(self, pointer: Pointer | None) -> str:
        return next_generation_name(self.generation_names(), pointer, SERVER_GEN_RE, SERVER_PREFIX)

    def new_collection(self, name: str):
        client = self.client()
        try:
            self.call(client.delete_collection, name)
        except StoreUnavailableError:
            raise
        except Exception:  # noqa: BLE001 - not there
            pass
        collection = self.call(
            client.create_collection, name, embedding_function=None, configuration=COSINE,
            metadata={"generation": name, "complete": False},
        )
        return client, collection

    def open_collection(self, name: str):
        client = self.client()
        try:
            collection = self.call(client.get_collection, name, embedding_function=None)
        except StoreUnavailableError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise IndexCorruptError(f"{self.address} collection {name}", f"cannot open it: {exc}") from None
        return client, collection

    def finalize(self, name: str, collection, manifest: dict) -> None:
        self.call(
            collection.modify,
            metadata={"generation": name, "complete": True, "manifest": json.dumps(manifest, ensure_ascii=False)},
        )

    def delete(self, name: str) -> None:
        try:
            self.call(self.client().delete_collection, name)
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
        return manifest_of(collection)

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


def manifest_of(collection) -> dict | None:
    """The manifest a complete server generation carries in its metadata (None while incomplete)."""
    meta = collection.metadata or {}
    if not meta.get("complete") or not meta.get("manifest"):
        return None
    try:
        return json.loads(meta["manifest"])
    except ValueError:
        return None
