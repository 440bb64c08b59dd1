"""Term overlap: CJK character bigrams plus Latin words and numbers, IDF-weighted over the cards."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping

from playbook.models import Card

from assistant.text.cache import KeyedCache, card_versions
from assistant.text.cards import card_document

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


_WEIGHTS: KeyedCache[TermWeights] = KeyedCache()


def card_weights(cards: Mapping[str, Card]) -> TermWeights:
    """Term weights over the given cards (computed once per set of card versions)."""
    return _WEIGHTS.get(card_versions(cards), lambda: TermWeights(card_document(c) for c in cards.values()))
