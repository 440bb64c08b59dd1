"""Text helpers shared by answers and plans: cleaning user text, splitting card bodies, term overlap."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

from playbook.models import Card

from assistant.errors import InvalidQuestionError

# Characters removed from user text: controls, format characters (zero-width, bidi overrides and
# isolates, BOM, soft hyphen), private-use and unpaired surrogates. Line/paragraph separators and
# ordinary whitespace become a space.
_SPACE_LIKE = {"\t", "\n", "\r", "\u2028", "\u2029", "\u0085", "\u000b", "\u000c"}


def clean_text(text: str, keep_newlines: bool = False) -> str:
    """Strip control, bidi and zero-width characters; collapse whitespace to single spaces
    (line breaks kept as ``\n`` when ``keep_newlines``)."""
    out = []
    for ch in text:
        if ch in _SPACE_LIKE:
            out.append("\n" if keep_newlines and ch in "\n\u2028\u2029\u0085" else " ")
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Co", "Cs", "Cn"):
            continue
        if category == "Zs":
            out.append(" ")
            continue
        out.append(ch)
    text = re.sub(r" {2,}", " ", "".join(out))
    if keep_newlines:
        text = re.sub(r" *\n *", "\n", text)
    return text.strip()


def clean_question(question: object, max_chars: int) -> str:
    """The question ready for retrieval; raises InvalidQuestionError with a clear Chinese message."""
    if question is None:
        raise InvalidQuestionError("问题是空的：请输入一个关于快手直播带货的问题。")
    if not isinstance(question, str):
        raise InvalidQuestionError("问题必须是文字。")
    cleaned = clean_text(question)
    if not cleaned:
        raise InvalidQuestionError("问题是空的：请输入一个关于快手直播带货的问题。")
    if len(cleaned) > max_chars:
        raise InvalidQuestionError(
            f"问题太长：最多 {max_chars} 个字，现在是 {len(cleaned)} 个字。请把问题精简后再问。"
        )
    return cleaned


# ---------------------------------------------------------------------------------------------
# Card bodies: sections, numbered steps and bullets.

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


_POINT_CACHE: dict[tuple[str, str], tuple[Point, ...]] = {}


def card_points(card: Card) -> tuple[Point, ...]:
    key = (card.id, card.content_hash)
    found = _POINT_CACHE.get(key)
    if found is None:
        if len(_POINT_CACHE) > 2000:
            _POINT_CACHE.clear()
        found = _POINT_CACHE[key] = split_points(card)
    return found


# ---------------------------------------------------------------------------------------------
# Term overlap: CJK character bigrams plus Latin words and numbers, IDF-weighted over the cards.

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


def terms(text: str) -> set[str]:
    """Bigrams of every run of Chinese characters (single characters for runs of one) and Latin words."""
    text = unicodedata.normalize("NFKC", text).lower()
    found: set[str] = set()
    for run in _CJK.findall(text):
        if len(run) == 1:
            found.add(run)
        else:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    found.update(_WORD.findall(text))
    return found


class TermWeights:
    """Inverse document frequency of terms over a set of texts (one text per card)."""

    def __init__(self, documents: Iterable[str]):
        counts: dict[str, int] = {}
        n = 0
        for doc in documents:
            n += 1
            for term in terms(doc):
                counts[term] = counts.get(term, 0) + 1
        self.n = max(n, 1)
        self.df = counts
        self.unseen = math.log((self.n + 1) / 0.5)

    def weight(self, term: str) -> float:
        df = self.df.get(term)
        if df is None:
            return self.unseen
        return math.log((self.n + 1) / (df + 0.5))

    def overlap(self, query_terms: set[str], text_terms: set[str]) -> float:
        """Sum of the weights of the query terms found in the text."""
        return sum(self.weight(t) for t in query_terms & text_terms)

    def total(self, query_terms: set[str]) -> float:
        return sum(self.weight(t) for t in query_terms)


_WEIGHTS_CACHE: dict[frozenset, TermWeights] = {}


def card_weights(cards: Mapping[str, Card]) -> TermWeights:
    """Term weights over the given cards (cached per set of card versions)."""
    key = frozenset((c.id, c.content_hash) for c in cards.values())
    found = _WEIGHTS_CACHE.get(key)
    if found is None:
        _WEIGHTS_CACHE.clear()
        found = _WEIGHTS_CACHE[key] = TermWeights(card_document(c) for c in cards.values())
    return found


def card_document(card: Card) -> str:
    return "\n".join([card.title, card.summary, " ".join(card.keywords), " ".join(card.questions), card.body])
