"""Editing a card from the 维护 page: the Markdown with its front-matter, checked with the whole handbook
before it is saved (atomically), then re-indexed. The edit history is the index's generations: a
rollback with its card files (``rollback(..., restore_cards=True)``) undoes an edit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from common.fsio import write_file_atomic
from settings import Settings


@dataclass(frozen=True)
class EditCheck:
    """What the check of an edited card found: ``problems`` block the save (the edited file's own, and
    any the edit causes elsewhere); ``ok`` when there are none."""

    problems: tuple
    summary: str

    @property
    def ok(self) -> bool:
        return not self.problems


def editable_cards(settings: Settings) -> list[tuple[str, str, str]]:
    """(path inside the cards folder, card id or "", title or the file name) of every card file."""
    from playbook.loader import card_files, check_cards

    root = Path(settings.cards_dir).resolve()
    result = check_cards(root)
    by_path = {Path(c.path).resolve(): c for c in result.cards}
    out = []
    for path in card_files(root):
        card = by_path.get(path.resolve())
        rel = path.resolve().relative_to(root).as_posix()
        out.append((rel, card.id if card else "", card.title if card else path.name))
    return out


def _path(settings: Settings, rel: str) -> Path:
    root = Path(settings.cards_dir).resolve()
    path = (root / rel).resolve()
    if root not in path.parents or path.suffix != ".md":
        raise ValueError(f"{rel!r} 不是卡片目录里的卡片文件")
    return path


def card_source(settings: Settings, rel: str) -> str:
    """The file's text as it is on disk (front-matter and Markdown)."""
    return _path(settings, rel).read_bytes().decode("utf-8-sig")


def check_edit(settings: Settings, rel: str, text: str) -> EditCheck:
    """Check ``text`` as the new content of card file ``rel`` together with every other card (links,
    duplicate ids). Problems that were there before the edit, in other files, do not block it."""
    from playbook.loader import check_cards
    from playbook.messages import summary

    path = _path(settings, rel)
    before = {str(p) for p in check_cards(settings.cards_dir).problems if Path(p.path).resolve() != path}
    after = check_cards(settings.cards_dir, overrides={path: text})
    blocking = tuple(p for p in after.problems if Path(p.path).resolve() == path or str(p) not in before)
    return EditCheck(blocking, summary(after))


def save_edit(settings: Settings, rel: str, text: str) -> EditCheck:
    """Check, then (only when nothing blocks it) write the file atomically. Returns the check."""
    check = check_edit(settings, rel, text)
    if check.ok:
        write_file_atomic(_path(settings, rel), text.replace("\r\n", "\n"))
    return check
