"""Counts over the handbook: size, topic coverage, short cards."""

from __future__ import annotations

import re
from collections import Counter

from playbook.models import Card
from playbook.taxonomy import load_topics

HAN = re.compile(r"[\u3400-\u9fff]")


def chinese_chars(text: str) -> int:
    """Number of Chinese (Han) characters in ``text``."""
    return len(HAN.findall(text))


def handbook_stats(cards: tuple[Card, ...] | list[Card]) -> dict:
    """Cards, Chinese characters, cards per topic, topics with fewer than two cards, short cards."""
    per_topic = Counter(t for c in cards for t in c.topics)
    return {
        "cards": len(cards),
        "chinese_chars": sum(chinese_chars(c.body) + chinese_chars(c.title) for c in cards),
        "cards_per_topic": {t: per_topic.get(t, 0) for t in load_topics()},
        "thin_topics": [t for t in load_topics() if per_topic.get(t, 0) < 2],
        "short_cards": [c.id for c in cards if len(c.body) < 250],
        "plan_material": sorted({k for c in cards for k in c.plan}),
    }
