"""Questions to offer next: drawn from the cards' own ``questions:`` fields (猜你想问).

- :func:`follow_ups`: two or three questions of the cited cards that the user has not just asked,
  one per card where possible, the ones closest to the question first;
- :func:`nearest_choices`: for a question the handbook covers only loosely, the card questions nearest
  to it by meaning (你是不是想问…); :func:`did_you_mean`, the closest by words, when there are none;
- :func:`examples`: example questions for a refusal (one per part of the handbook, stable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from playbook.models import Card

from assistant.text import TermWeights, terms

MAX_SUGGESTIONS = 3
MIN_CHOICE_CLOSENESS = 0.1   # a 你是不是想问 choice shares at least this much of the question's words
NEAR_CHOICE_GAP = 0.04  # a choice by meaning is at most this much (cosine) farther than the nearest one
SAME_QUESTION = 0.7   # share of the question's (weighted) words: above it, it is the question itself


def _closeness(question: str, candidate: str, weights: TermWeights) -> float:
    own = terms(question)
    total = weights.total(own) or 1.0
    return weights.overlap(own, terms(candidate)) / total


def _same(a: str, b: str, weights: TermWeights) -> bool:
    return _closeness(a, b, weights) >= SAME_QUESTION and _closeness(b, a, weights) >= SAME_QUESTION


def follow_ups(question: str, cards: Sequence[Card], weights: TermWeights, asked: Sequence[str] = (),
               limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
    """Questions of ``cards`` (cited, best first) worth asking next."""
    seen = [question, *asked]
    per_card: list[list[str]] = []
    for card in cards:
        options = [q for q in card.questions if not any(_same(q, s, weights) for s in seen)]
        options.sort(key=lambda q: -_closeness(question, q, weights))
        per_card.append(options)
    out: list[str] = []
    depth = 0
    while len(out) < limit and any(len(o) > depth for o in per_card):
        for options in per_card:
            if depth < len(options) and options[depth] not in out and len(out) < limit:
                out.append(options[depth])
        depth += 1
    return tuple(out)


def did_you_mean(question: str, cards: Sequence[Card], weights: TermWeights, limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
    """The closest card questions (one per card first), for a loosely covered question."""
    scored = []
    for rank, card in enumerate(cards):
        for q in card.questions:
            scored.append((_closeness(question, q, weights) - 0.05 * rank, rank, q))
    scored.sort(key=lambda s: -s[0])
    out: list[str] = []
    used_cards: set[int] = set()
    for closeness, rank, q in scored:
        if out and closeness <= MIN_CHOICE_CLOSENESS:
            break  # after the closest one, only questions that share the question's words
        if rank not in used_cards and q not in out:
            out.append(q)
            used_cards.add(rank)
        if len(out) == limit:
            break
    return tuple(out)


def nearest_choices(near: Sequence[tuple[str, str, float]], question: str, weights: TermWeights,
                    limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
    """你是不是想问 choices from the card questions nearest the question by meaning ((card id, question,
    cosine), nearest first, as retrieval found them): one per card, not the question itself."""
    out: list[str] = []
    cards: set[str] = set()
    best = near[0][2] if near else 0.0
    for card_id, q, cosine in near:
        if cosine < best - NEAR_CHOICE_GAP:
            break  # much farther than the nearest one: not what was meant
        if card_id in cards or q in out or _same(q, question, weights):
            continue
        out.append(q)
        cards.add(card_id)
        if len(out) == limit:
            break
    return tuple(out)


def examples(cards: Mapping[str, Card], limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
    """Example questions from cards of different stages (before, during, after a show), stable."""
    out: list[str] = []
    for stage in ("pre", "live", "post"):
        for card in sorted(cards.values(), key=lambda c: c.id):
            if card.stage == stage and card.questions:
                out.append(card.questions[0])
                break
    return tuple(out[:limit])
