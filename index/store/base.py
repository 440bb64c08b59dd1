"""What every layout shares: the pointer record, the layout interface, generation names."""

from __future__ import annotations

import json
import os
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from settings import Settings

from index.store.fs import write_error

FORMAT_VERSION = 1
KEEP_PREVIOUS = 5            # generations kept besides the active one: the history a rollback can return to
EMBEDDED_COLLECTION = "chunks"
SERVER_PREFIX = "playbook_gen_"
SERVER_META = "playbook_meta"
GEN_RE = re.compile(r"^gen-(\d{6})$")
SERVER_GEN_RE = re.compile(r"^playbook_gen_(\d{6})$")
ADD_BATCH = 1000
COSINE = {"hnsw": {"space": "cosine"}}


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def generation_number(name: str) -> int:
    """The number in a generation name (``gen-000004`` / ``playbook_gen_000004`` -> 4); -1 if none."""
    m = GEN_RE.match(name) or SERVER_GEN_RE.match(name)
    return int(m.group(1)) if m else -1


def newest_first(names) -> list[str]:
    """Generation names without repeats, the highest number first."""
    return sorted(set(names), key=generation_number, reverse=True)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Pointer:
    active: str
    previous: list[str] = field(default_factory=list)
    switched_at: str = ""

    def kept(self) -> list[str]:
        """The active generation and the previous ones still kept (newest first)."""
        return [self.active] + [p for p in newest_first(self.previous) if p != self.active][:KEEP_PREVIOUS]

    def switched(self, name: str) -> Pointer:
        """The pointer after switching to ``name`` (a new build or a rollback): every other kept
        generation stays in ``previous``, newest first, at most KEEP_PREVIOUS of them."""
        others = [p for p in newest_first([self.active, *self.previous]) if p != name]
        return Pointer(active=name, previous=others[:KEEP_PREVIOUS], switched_at=utc_now())

    def to_json(self) -> dict:
        return {"active": self.active, "previous": self.previous, "switched_at": self.switched_at}


def next_generation_name(existing: list[str], pointer: Pointer | None, pattern: re.Pattern, prefix: str) -> str:
    """One number past every generation that exists or that the pointer still names."""
    names = [*existing, *([pointer.active, *pointer.previous] if pointer else [])]
    numbers = [int(m.group(1)) for m in map(pattern.match, names) if m]
    return f"{prefix}{max(numbers, default=0) + 1:06d}"


class Layout(ABC):
    """Where the generations, their local files and the pointer live (embedded or server)."""

    mode = ""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.index_dir = settings.index_dir

    @abstractmethod
    def local_dir(self, name: str) -> Path:
        """Where the local files of a generation live."""

    @abstractmethod
    def describe(self) -> str:
        """The index folder or the server address, for messages."""

    @abstractmethod
    def read_pointer(self) -> Pointer | None: ...

    @abstractmethod
    def write_pointer(self, pointer: Pointer) -> None: ...

    @abstractmethod
    def generation_names(self) -> list[str]: ...

    @abstractmethod
    def next_name(self, pointer: Pointer | None) -> str: ...

    @abstractmethod
    def new_collection(self, name: str):
        """(client, collection) for a generation being built."""

    @abstractmethod
    def open_collection(self, name: str):
        """(client, collection) of a complete generation, for reading."""

    def finalize(self, name: str, collection, manifest: dict) -> None:  # noqa: B027 - optional hook
        """Mark a fully written generation complete (before the pointer is switched)."""

    @abstractmethod
    def delete(self, name: str) -> None: ...

    @abstractmethod
    def read_manifest(self, name: str) -> dict | None: ...

    @abstractmethod
    def looks_complete(self, name: str) -> bool: ...

    @abstractmethod
    def cleanup_leftovers(self, pointer: Pointer | None) -> None:
        """Remove what crashed writers left: temp files, generations no pointer refers to."""

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
