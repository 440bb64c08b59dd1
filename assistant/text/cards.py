"""Card bodies as quotable points: numbered steps, bullets and paragraphs, by section."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playbook.models import Card

from assistant.text.cache import KeyedCache

SECTION_KINDS = {"怎么做": "step", "看哪些数": "metric", "常见误区": "mistake", "适用场景": "scene"}
_HEADING = re.compile(r"^#{2,3}\s+(.+?)\s*#*\s*$")
_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*[.、．)）]\s*(.+)$")
_BULLET = re.compile(r"^\s*[-*•]\s+(.+)$")


@dataclass(frozen=True)
class Point:
    """One quotable unit of a card: a numbered step, a bullet or a paragraph."""

    card_id: str
    section: str        # heading text ("" before the first heading)
    kind: str           # step | metric | mistake | scene | other
    number: int | None  # the step number in the card, for numbered steps
    text: str           # verbatim (Markdown emphasis removed), continuation lines joined


def section_kind(heading: str) -> str:
    for name, kind in SECTION_KINDS.items():
        if name in heading:
            return kind
    return "other"


def _plain(text: str) -> str:
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return text.strip()


def split_points(card: Card) -> tuple[Point, ...]:
    """The card body as quotable points, in body order."""
    points: list[Point] = []
    heading = ""
    current: list | None = None  # [kind, number, lines]

    def flush():
        nonlocal current
        if current is not None:
            text = _plain(" ".join(current[2]))
            if text:
                points.append(Point(card.id, heading, current[0], current[1], text))
        current = None

    for line in card.body.split("\n"):
        match = _HEADING.match(line)
        if match:
            flush()
            heading = match.group(1).strip()
            continue
        if not line.strip():
            flush()
            continue
        kind = section_kind(heading)
        numbered = _NUMBERED.match(line)
        bullet = _BULLET.match(line)
        if numbered:
            flush()
            current = [kind, int(numbered.group(1)), [numbered.group(2).strip()]]
        elif bullet:
            flush()
            current = [kind, None, [bullet.group(1).strip()]]
        elif current is not None:
            current[2].append(line.strip())
        else:
            current = [kind, None, [line.strip()]]
    flush()
    return tuple(points)


_POINTS: KeyedCache[tuple[Point, ...]] = KeyedCache(size=2000)


def card_points(card: Card) -> tuple[Point, ...]:
    """``split_points`` of a card, remembered per card version."""
    return _POINTS.get((card.id, card.content_hash), lambda: split_points(card))


def card_document(card: Card) -> str:
    """All the words of a card in one text (title, summary, keywords, questions, body)."""
    return "\n".join([card.title, card.summary, " ".join(card.keywords), " ".join(card.questions), card.body])
