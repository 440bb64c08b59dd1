"""Serve a kept earlier generation again: the same atomic pointer switch a rebuild ends with.

    rollback(settings, "gen-000003")                      # or "3"; embedded and server mode alike
    rollback(settings, "3", restore_cards=True)           # also put the card files back as they were

A rollback takes the rebuild lock (no rebuild runs meanwhile), checks that the generation is kept,
complete and built with the configured embedder, opens it the way a searcher will (in server mode this
also rebuilds a missing local keyword cache), and only then replaces the pointer (``os.replace`` of
``ACTIVE``, or the server's meta collection). Searchers switch on their next pointer check; the
generation they were using stays open and on disk, so no request in flight fails. Nothing is deleted:
the generation that served before stays in the history, and the next rebuild is incremental against
the generation that serves after the rollback.

With ``restore_cards`` the card files are made what they were when the generation was built (its
``sources.json``): changed files are rewritten atomically, files the generation did not have are
moved out, and every file replaced or moved is first copied to ``DATA_DIR/card-backups/<time>/``.
Without it the cards on disk stay as they are (``status`` then says they differ from what serves).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from common.fsio import write_file_atomic
from settings import Settings

from index.errors import CardsRestoreError, GenerationUnknownError, RollbackRefusedError, StoreUnavailableError
from index.history import kept_generations, read_sources
from index.store import Layout, generation_number, make_layout

BACKUP_DIR = "card-backups"  # under PLAYBOOK_DATA_DIR


@dataclass(frozen=True)
class RollbackResult:
    generation: str                    # serving now
    previous: str                      # serving before ("" when it already served)
    restored: tuple[str, ...] = ()     # card files rewritten or moved out (paths in the cards dir)
    backup_dir: str = ""               # where the replaced files were copied
    cards: int = 0
    chunks: int = 0
    built_at: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return bool(self.previous)

    def to_json(self) -> dict:
        return {"generation": self.generation, "previous": self.previous, "changed": self.changed,
                "cards": self.cards, "chunks": self.chunks, "built_at": self.built_at,
                "restored_files": list(self.restored), "backup_dir": self.backup_dir}


def resolve(wanted: str, names: list[str]) -> str | None:
    """The kept name ``wanted`` means: a full name, or its number (``3``, ``000003``, ``gen-000003``)."""
    wanted = (wanted or "").strip()
    if wanted in names:
        return wanted
    digits = wanted.rsplit("-", 1)[-1].rsplit("_", 1)[-1]
    if digits.isdigit():
        for name in names:
            if generation_number(name) == int(digits):
                return name
    return None


def rollback(settings: Settings, generation: str, *, restore_cards: bool = False, wait: float = 0.0,
             layout: Layout | None = None) -> RollbackResult:
    """Serve ``generation`` again (see the module docstring). Raises GenerationUnknownError (exit 2),
    RollbackRefusedError, RebuildLockedError, StoreUnavailableError, CardsRestoreError."""
    from index.embeddings import validate_spec
    from index.rebuild import RebuildLock
    from index.search.generation import load_generation
    from index.writer import switch_to

    embedder = validate_spec(settings.embedder)
    layout = layout or make_layout(settings)
    layout.prepare()
    with RebuildLock(settings, wait):
        active, kept = kept_generations(layout)
        manifests = dict(kept)
        name = resolve(generation, list(manifests))
        if name is None:
            raise GenerationUnknownError(generation, list(manifests))
        manifest = manifests[name]
        if manifest.get("embedder") != embedder:
            raise RollbackRefusedError(
                name, f"它是用向量模型 {manifest.get('embedder')!r} 建的，现在的 PLAYBOOK_EMBEDDER 是 {embedder!r}")
        previous = ""
        if name != active:
            try:
                load_generation(layout, name, embedder).close()  # opens as a searcher will; fails before the switch
            except StoreUnavailableError:
                raise
            except Exception as exc:  # noqa: BLE001 - any other reason it cannot serve
                raise RollbackRefusedError(name, f"这个版本打不开（{exc}）") from None
            switch_to(layout, name, layout.read_pointer())
            previous = active
        restored: tuple[str, ...] = ()
        backup = ""
        if restore_cards:
            sources = read_sources(layout, name)
            if sources is None:
                raise CardsRestoreError(name, "这个版本没有保存卡片原文（比新功能更早建成，或在另一台机器上建成）")
            restored, backup = restore_card_files(settings, sources, name)
    return RollbackResult(generation=name, previous=previous, restored=restored, backup_dir=backup,
                          cards=int(manifest.get("card_count", 0)), chunks=int(manifest.get("chunk_count", 0)),
                          built_at=str(manifest.get("built_at", "")))


def restore_card_files(settings: Settings, sources: dict[str, str], generation: str = "") -> tuple[tuple[str, ...], str]:
    """Make the cards dir hold exactly ``sources`` (card files only); (paths touched, backup folder)."""
    from playbook.loader import card_files

    root = Path(settings.cards_dir).resolve()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    backup_root = Path(settings.data_dir) / BACKUP_DIR / stamp
    touched: list[str] = []

    def backup(path: Path, rel: str) -> None:
        target = backup_root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)

    try:
        for rel, text in sorted(sources.items()):
            path = (root / rel).resolve()
            if root not in path.parents:
                continue  # never write outside the cards dir
            raw = text.encode("utf-8")
            if path.is_file() and path.read_bytes() == raw:
                continue
            if path.exists():
                backup(path, rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_file_atomic(path, raw)
            touched.append(rel)
        for path in card_files(root):
            rel = path.resolve().relative_to(root).as_posix()
            if rel not in sources:
                backup(path, rel)
                path.unlink()
                touched.append(rel)
    except OSError as exc:
        raise CardsRestoreError(generation, f"{exc.strerror or exc}（{exc.filename or root}）") from None
    return tuple(touched), str(backup_root) if touched else ""
