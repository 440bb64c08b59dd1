"""The index's history: the kept generations, what each one changed, and what serves now.

Every rebuild that changes something writes a new generation (:mod:`index.rebuild`); the active one
and the ``KEEP_PREVIOUS`` before it are kept (``Pointer.kept``), so a maintainer can see them and roll
back to one (:mod:`index.rollback`). A generation's manifest records when it was built, how many cards
and chunks it holds, the generation it was built against (``parent``) and which cards it added, changed
and removed against that one (``changes``). Generations written before those fields existed are compared
with the next older kept generation instead.

    history(settings)         -> [GenerationInfo, ...]   newest first, ``serving`` on the active one
    serving_state(settings)   -> {"serving_generation", "switched_at", "cards_differ", "cards_on_disk", ...}
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from playbook.models import Card
from settings import Settings

from index.errors import IndexMissingError
from index.store import Layout, make_layout, newest_first, read_json


@dataclass(frozen=True)
class CardChanges:
    """Card ids added, changed and removed by a generation against the one it was built from."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)

    def to_json(self) -> dict:
        return {"added": list(self.added), "changed": list(self.changed), "removed": list(self.removed)}

    @classmethod
    def between(cls, old_cards: dict | None, new_cards: dict) -> CardChanges:
        """From two manifests' ``cards`` ({id: {"hash", ...}}); everything is "added" without an old one."""
        old = old_cards or {}
        return cls(
            added=tuple(sorted(i for i in new_cards if i not in old)),
            changed=tuple(sorted(i for i in new_cards if i in old and old[i].get("hash") != new_cards[i].get("hash"))),
            removed=tuple(sorted(i for i in old if i not in new_cards)),
        )


@dataclass(frozen=True)
class GenerationInfo:
    """One kept generation as ``python -m index history --json`` prints it."""

    generation: str
    built_at: str                  # ISO 8601, UTC
    cards: int
    chunks: int
    serving: bool
    embedder: str = ""
    parent: str = ""               # the generation it was built against ("" for a first build)
    changes: CardChanges = field(default_factory=CardChanges)
    restorable: bool = False       # its card files were kept: a rollback can put them back

    def to_json(self) -> dict:
        return {
            "generation": self.generation,
            "built_at": self.built_at,
            "cards": self.cards,
            "chunks": self.chunks,
            "serving": self.serving,
            "embedder": self.embedder,
            "parent": self.parent,
            "changes": self.changes.to_json(),
            "cards_changed": self.changes.count,
            "restorable": self.restorable,
        }


def card_sources(cards: list[Card], cards_dir: Path) -> dict[str, str]:
    """The files of ``cards`` as text, by their path inside ``cards_dir`` (posix), exactly as on disk.

    A file that changed since it was validated (its text no longer has the card's hash) is left out:
    the snapshot holds only what the generation was built from."""
    root = Path(cards_dir).resolve()
    sources: dict[str, str] = {}
    for card in cards:
        path = Path(card.path).resolve()
        try:
            raw = path.read_bytes().decode("utf-8")
            rel = path.relative_to(root).as_posix()
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        normalised = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if hashlib.sha256(normalised.encode("utf-8")).hexdigest() == card.content_hash:
            sources[rel] = raw
    return sources


def read_sources(layout: Layout, generation: str) -> dict[str, str] | None:
    """The card files kept with ``generation`` ({path in the cards dir: text}), or None if it has none."""
    from index.writer import SOURCES_FILE

    try:
        data = read_json(layout.local_dir(generation) / SOURCES_FILE)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        return None
    return data


def _changes(manifest: dict, older: dict | None) -> CardChanges:
    recorded = manifest.get("changes")
    if isinstance(recorded, dict):
        return CardChanges(*(tuple(recorded.get(k) or ()) for k in ("added", "changed", "removed")))
    return CardChanges.between((older or {}).get("cards"), manifest.get("cards") or {})


def kept_generations(layout: Layout) -> tuple[str, list[tuple[str, dict]]]:
    """(active name, [(name, manifest)] of the complete kept generations, newest first)."""
    pointer = layout.read_pointer()
    if pointer is None:
        raise IndexMissingError(layout.describe())
    kept = []
    for name in newest_first(pointer.kept()):
        manifest = layout.read_manifest(name)
        if manifest is not None and layout.looks_complete(name):
            kept.append((name, manifest))
    return pointer.active, kept


def history(settings: Settings, layout: Layout | None = None) -> list[GenerationInfo]:
    """The kept generations, newest first; IndexMissingError when there is no index yet."""
    from index.writer import SOURCES_FILE

    layout = layout or make_layout(settings)
    active, kept = kept_generations(layout)
    infos = []
    for i, (name, manifest) in enumerate(kept):
        older = kept[i + 1][1] if i + 1 < len(kept) else None
        infos.append(GenerationInfo(
            generation=name,
            built_at=str(manifest.get("built_at", "")),
            cards=int(manifest.get("card_count", 0)),
            chunks=int(manifest.get("chunk_count", 0)),
            serving=name == active,
            embedder=str(manifest.get("embedder", "")),
            parent=str(manifest.get("parent", "")),
            changes=_changes(manifest, older),
            restorable=(layout.local_dir(name) / SOURCES_FILE).is_file(),
        ))
    return infos


def serving_state(settings: Settings, layout: Layout | None = None) -> dict:
    """Which generation serves, since when, and whether the cards on disk differ from it.

    ``cards_on_disk`` lists the card ids added, changed and removed on disk against the serving
    generation; with invalid cards it says how many problems there are (``cards_differ`` is then true:
    what serves was built from valid cards)."""
    from playbook.errors import PlaybookError
    from playbook.loader import check_cards

    from index.rebuild import diff_cards

    layout = layout or make_layout(settings)
    pointer = layout.read_pointer()
    if pointer is None:
        raise IndexMissingError(layout.describe())
    manifest = layout.read_manifest(pointer.active) or {}
    state = {
        "serving_generation": pointer.active,
        "switched_at": pointer.switched_at,
        "generations_kept": len([n for n in pointer.kept() if layout.read_manifest(n) is not None]),
    }
    try:
        result = check_cards(settings.cards_dir)
    except PlaybookError as exc:
        return {**state, "cards_differ": True, "cards_on_disk": {"error": str(exc)}}
    if not result.ok:
        return {**state, "cards_differ": True, "cards_on_disk": {"problems": len(result.problems)}}
    diff = diff_cards(list(result.cards), manifest)
    return {
        **state,
        "cards_differ": diff.any_change,
        "cards_on_disk": {"added": diff.added, "changed": diff.changed, "removed": diff.removed},
    }
