"""Card prose for the plan: the card of some topics whose wording best matches a query, and its best steps."""

from __future__ import annotations

from typing import Iterable, Mapping

from playbook.models import Card

from assistant.plan.material import cards_with_topics
from assistant.text import card_points, card_weights, terms


def has_steps(card: Card) -> bool:
    return any(p.kind == "step" for p in card_points(card))


def best_card(cards: Mapping[str, Card], topics: Iterable[str], query: str, exclude: Iterable[str] = (),
              need_steps: bool = False) -> Card | None:
    """The card of the given topics whose wording best matches ``query`` (IDF-weighted)."""
    excluded = set(exclude)
    candidates = [c for c in cards_with_topics(cards, topics) if c.id not in excluded and (not need_steps or has_steps(c))]
    if not candidates:
        return None
    weights = card_weights(cards)
    q = terms(query)

    def score(card: Card) -> float:
        head = " ".join([card.title, card.summary, " ".join(card.keywords), " ".join(card.questions)])
        return weights.overlap(q, terms(head))

    return max(candidates, key=lambda c: (score(c), -len(c.id)))


def best_steps(card: Card, query: str, limit: int, cards: Mapping[str, Card]) -> list[str]:
    """Up to ``limit`` numbered steps of a card, the best matches to ``query``, in card order."""
    weights = card_weights(cards)
    q = terms(query)
    steps = [(weights.overlap(q, terms(p.text)), p) for p in card_points(card) if p.kind == "step"]
    if not steps:
        return []
    best = max(score for score, _ in steps)
    ranked = sorted((sp for sp in steps if sp[0] >= 0.6 * best), key=lambda sp: -sp[0])[:limit]
    return [p.text for _, p in sorted(ranked, key=lambda sp: sp[1].number or 0)]
