"""Answers as the chat page shows them: tappable citations and the questions to offer next."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant.answer import suggest
from assistant.text import card_weights
from assistant.types import Source

_CITE = re.compile(r"\[(\d{1,3})\]")
_CHOICES = re.compile(r"你是不是想问：\n((?:- .+\n?)+)")


def source_anchor(message_id: int, n: int) -> str:
    """The id of source ``n``'s anchor on the page."""
    return f"src-{message_id}-{n}"


def link_citations(text: str, message_id: int, valid: Sequence[int]) -> str:
    """``[n]`` as a Markdown link to source n's anchor (tap to scroll to it); unknown numbers stay text."""
    known = set(valid)

    def link(match: re.Match) -> str:
        n = int(match.group(1))
        return f"[\\[{n}\\]](#{source_anchor(message_id, n)})" if n in known else match.group(0)

    return _CITE.sub(link, text)


def answer_suggestions(answer_text: str, sources: Sequence[Source], question: str, cards: Mapping) -> tuple[str, ...]:
    """The questions offered under a stored answer: its 你是不是想问 choices, else follow-ups from the
    cited cards' ``questions:``, else (a refusal) example questions of the handbook."""
    match = _CHOICES.search(answer_text or "")
    if match:
        return tuple(line[2:].strip() for line in match.group(1).splitlines() if line.startswith("- "))
    if not cards:
        return ()
    cited = [cards[s.card_id] for s in sources if s.card_id in cards]
    if cited:
        return suggest.follow_ups(question, cited, card_weights(cards))
    return suggest.examples(cards)
