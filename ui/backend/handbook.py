"""The handbook page: search within filters, and the cards that pass the filters."""

from __future__ import annotations

from index.api import SearchFilters, SearchResult, relevant


def search_cards(searcher, query: str, k: int, *, stage: str | None = None, force: str | None = None,
                 topic: str | None = None) -> list[SearchResult]:
    """The best ``k`` cards for ``query`` (one result per card) within the filters, keeping only those the
    search's evidence says are about the query (``index.api.relevant``): maybe none ("没有找到相关卡片")."""
    results = searcher.search(query, k=k, filters=SearchFilters(stage=stage, force=force, topic=topic))
    return relevant(query, results, searcher.cards(), searcher.status().embedder, searcher.tokenize)


def filter_cards(searcher, *, stage: str | None = None, force: str | None = None, topic: str | None = None) -> list:
    """The indexed cards that pass the filters (any order)."""
    filters = SearchFilters(stage=stage, force=force, topic=topic)
    return [c for c in searcher.cards().values() if filters.matches(c)]
