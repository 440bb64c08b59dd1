"""Text helpers shared by answers and plans: ``clean`` (what people type), ``cards`` (card bodies as
quotable points), ``weights`` (IDF-weighted term overlap) and ``cache`` (values per set of cards)."""

from __future__ import annotations

from assistant.text.cache import KeyedCache, card_versions
from assistant.text.cards import SECTION_KINDS, Point, card_document, card_points, section_kind, split_points
from assistant.text.clean import clean_question, clean_text, to_simplified
from assistant.text.weights import TermWeights, card_weights, terms

__all__ = [
    "SECTION_KINDS", "KeyedCache", "Point", "TermWeights", "card_document", "card_points", "card_versions",
    "card_weights", "clean_question", "clean_text", "section_kind", "split_points", "terms", "to_simplified",
]
