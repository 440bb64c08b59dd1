"""Split a card into retrievable chunks that follow its structure.

* chunk 0 is the card's *overview*: the one-line summary and any text before the first heading
  (``text``, what a reader sees) plus the colloquial questions the card answers and its keywords
  (``search_text``: embedded and keyword-indexed, not shown), so that a question phrased like a
  streamer would phrase it finds the card;
* then one chunk per ``## `` section; a long section is split on paragraph / list-item boundaries
  (sub-headings first) into pieces of about ``TARGET_CHARS``; one overlong paragraph is split on
  sentence ends.

Ids are stable: ``f"{card_id}#{ordinal}"``. The card title and the section heading are carried into
every chunk (see :meth:`index.types.Chunk.embedding_text`).
"""

from __future__ import annotations

import re

from playbook.models import Card

from index.types import Chunk

CHUNKER_VERSION = "2"
OVERVIEW_SECTION = "概要"
TARGET_CHARS = 450     # aim for pieces of about this size
MAX_CHARS = 600        # a section longer than this is split
MIN_PIECE_CHARS = 120  # a trailing piece shorter than this joins the previous one if it fits

_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s+")
_SUBHEADING = re.compile(r"^#{3,6}\s+")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def chunk_card(card: Card) -> list[Chunk]:
    """The chunks of one card, overview first."""
    intro, sections = split_sections(card.body)
    shown, extra = overview_text(card, intro)
    pieces: list[tuple[str, str, str]] = [(OVERVIEW_SECTION, shown, extra)]
    for heading, text in sections:
        for piece in split_long(text):
            pieces.append((heading, piece, ""))
    return [
        Chunk(
            chunk_id=f"{card.id}#{ordinal}",
            card_id=card.id,
            title=card.title,
            section=heading,
            text=text,
            topics=tuple(card.topics),
            stage=card.stage,
            forces=tuple(card.forces),
            ordinal=ordinal,
            search_text=extra,
        )
        for ordinal, (heading, text, extra) in enumerate(pieces)
    ]


def overview_text(card: Card, intro: str = "") -> tuple[str, str]:
    """(shown text, indexed-only text) of a card's overview chunk.

    Shown: the summary and any intro paragraph. Indexed as well: the colloquial questions the card
    answers and its keywords, so that a question phrased like a streamer would phrase it finds it."""
    shown: list[str] = []
    if card.summary:
        shown.append(card.summary.strip())
    if intro.strip():
        shown.append(intro.strip())
    extra: list[str] = []
    if card.questions:
        extra.append("常见问题：" + " ".join(q.strip() for q in card.questions))
    if card.keywords:
        extra.append("关键词：" + "、".join(k.strip() for k in card.keywords))
    if not shown:
        # no summary: open with the first lines of the body so the overview has something to show
        first = next((text for _, text in split_sections(card.body)[1] if text.strip()), card.body)
        shown.append(_head(first.strip(), TARGET_CHARS))
    return "\n".join(shown), "\n".join(extra)


def split_sections(body: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first ``## `` heading, [(heading, section text), ...])."""
    intro_lines: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            sections.append((_clean_heading(match.group(1)), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            intro_lines.append(line)
    cleaned = [(heading, "\n".join(lines).strip("\n").strip()) for heading, lines in sections]
    return "\n".join(intro_lines).strip(), [(h, t) for h, t in cleaned if t]


def split_long(text: str, target: int = TARGET_CHARS, limit: int = MAX_CHARS) -> list[str]:
    """``text`` itself when short; otherwise pieces cut at sub-heading, paragraph or list boundaries."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    blocks = _blocks(text)
    units: list[str] = []
    for block in blocks:
        if len(block) > limit:
            units.extend(_split_sentences(block, target, limit))
        else:
            units.append(block)
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for unit in units:
        starts_subsection = bool(_SUBHEADING.match(unit))
        if current and (size + len(unit) > limit or (size >= target) or (starts_subsection and size >= target // 2)):
            pieces.append("\n".join(current))
            current, size = [], 0
        current.append(unit)
        size += len(unit) + 1
    if current:
        tail = "\n".join(current)
        if pieces and len(tail) < MIN_PIECE_CHARS and len(pieces[-1]) + len(tail) + 1 <= limit + MIN_PIECE_CHARS:
            pieces[-1] = pieces[-1] + "\n" + tail
        else:
            pieces.append(tail)
    return pieces


def _blocks(text: str) -> list[str]:
    """Paragraphs; inside a paragraph every list item (with its continuation lines) is its own block."""
    blocks: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip("\n")
        if not para.strip():
            continue
        lines = para.split("\n")
        if not any(_LIST_ITEM.match(line) for line in lines) and not any(_SUBHEADING.match(line) for line in lines):
            blocks.append(para.strip())
            continue
        current: list[str] = []
        for line in lines:
            if (_LIST_ITEM.match(line) or _SUBHEADING.match(line)) and current:
                blocks.append("\n".join(current).strip())
                current = []
            current.append(line)
        if current:
            blocks.append("\n".join(current).strip())
    return [b for b in blocks if b]


def _split_sentences(block: str, target: int, limit: int) -> list[str]:
    sentences = [s for s in _SENTENCE_END.split(block) if s]
    out: list[str] = []
    current = ""
    for sentence in sentences:
        while len(sentence) > limit:  # no sentence end at all: hard cut
            head, sentence = sentence[:target], sentence[target:]
            if current:
                out.append(current)
                current = ""
            out.append(head)
        if current and len(current) + len(sentence) > target:
            out.append(current)
            current = ""
        current += sentence
    if current:
        out.append(current)
    return [o.strip() for o in out if o.strip()]


def _clean_heading(heading: str) -> str:
    return heading.strip().strip("*").strip()


def _head(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit]
