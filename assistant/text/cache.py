"""One value per set of card versions, computed once and shared by every thread.

Term weights, card points, the handbook's words and domain terms are derived from the indexed cards;
they are recomputed when the cards change (a rebuild), not on every question.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

from playbook.models import Card

T = TypeVar("T")


def card_versions(cards: Mapping[str, Card] | Iterable[Card]) -> frozenset:
    """What identifies a set of cards: every (id, content hash)."""
    values = cards.values() if isinstance(cards, Mapping) else cards
    return frozenset((c.id, c.content_hash) for c in values)


class KeyedCache(Generic[T]):
    """A small thread-safe memo: ``get(key, compute)``; at most ``size`` keys, the oldest dropped first."""

    def __init__(self, size: int = 1):
        self.size = size
        self._lock = threading.Lock()
        self._values: dict[Hashable, T] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                return self._values[key]
        value = compute()  # outside the lock: a slow computation does not block readers of other keys
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.pop(next(iter(self._values)))
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
