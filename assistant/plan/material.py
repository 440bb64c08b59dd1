"""Finding plan material by kind across all cards (never by card id), as validated records.

Each kind has a home topic: cards with that topic are preferred, then cards in id order, so the
choice is stable and a maintainer can move material to another card without touching code. The
records are parsed once per card version (``playbook.plan_material.parse_material``); material that
does not validate (a card on disk with a broken block) is skipped, as the index skips invalid cards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

from playbook.models import Card
from playbook.plan_material import MaterialError, parse_material

from assistant.text import KeyedCache, terms

HOME_TOPIC = {
    "lineup_roles": "product-lineup",
    "warmup_schedule": "warmup-video",
    "show_blocks": "live-script",
    "contingency_rules": "realtime-metrics",
    "compliance_checklist": "compliance",
    "review_checklist": "review",
    "team_roles": "team-roles",
    "traffic_rules": "traffic-paid",
    "goal_assumptions": "kpi-goals",
    "category_profile": "category-playbooks",
    "cue_lines": "talk-scripts",
}
_PARSED: KeyedCache[Any] = KeyedCache(size=512)
_INVALID = object()


def as_card_map(cards: Mapping[str, Card] | Iterable[Card]) -> dict[str, Card]:
    if isinstance(cards, Mapping):
        return dict(cards)
    return {c.id: c for c in cards}


def _parsed(card: Card, kind: str) -> Any:
    def compute():
        try:
            return parse_material(kind, card.plan[kind])
        except MaterialError:
            return _INVALID

    return _PARSED.get((card.id, card.content_hash, kind), compute)


def find_material(cards: Mapping[str, Card], kind: str) -> list[tuple[Card, Any]]:
    """Every (card, validated material) of a kind, home-topic cards first, then by card id."""
    home = HOME_TOPIC.get(kind)
    found = [(c, _parsed(c, kind)) for c in cards.values() if kind in c.plan]
    found = [(c, m) for c, m in found if m is not _INVALID]
    found.sort(key=lambda cm: (home not in cm[0].topics, cm[0].id))
    return found


def first_material(cards: Mapping[str, Card], kind: str) -> tuple[Card | None, Any]:
    found = find_material(cards, kind)
    return found[0] if found else (None, None)


def category_profile(cards: Mapping[str, Card], category: str) -> tuple[Card | None, Any]:
    """The category profile whose ``match`` words best fit the show's category (longest word wins)."""
    best: tuple[int, Card | None, Any] = (0, None, None)
    text = category.lower()
    words = terms(category)
    for card, profile in find_material(cards, "category_profile"):
        for word in profile.match:
            if word.lower() in text or word in words:
                if len(word) > best[0]:
                    best = (len(word), card, profile)
    return best[1], best[2]


def cards_with_topics(cards: Mapping[str, Card], topics: Iterable[str]) -> list[Card]:
    wanted = set(topics)
    return sorted((c for c in cards.values() if wanted & set(c.topics)), key=lambda c: c.id)


def cards_from_disk(cards_dir: Path) -> tuple[dict[str, Card], int]:
    """The valid cards of a folder by id, and how many problems the others have (plans use what is valid)."""
    from playbook.errors import PlaybookError
    from playbook.loader import check_cards

    from assistant.errors import AssistantError

    try:
        result = check_cards(cards_dir)
    except PlaybookError as exc:  # no cards folder: a runtime failure for the one planning (exit 1)
        raise AssistantError(str(exc)) from None
    return {c.id: c for c in result.cards}, len(result.problems)
