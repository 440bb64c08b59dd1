"""LangChain adapter: the hybrid searcher as a ``BaseRetriever`` for LLM chains.

    from index.retriever import PlaybookRetriever
    retriever = PlaybookRetriever(searcher=open_searcher(settings), k=5)
    docs = retriever.invoke("福袋什么时候发？")
    docs[0].metadata -> {"card_id", "title", "topics", "stage", "section", "chunk_id", "score",
                         "vector_similarity", "keyword_score", "rank"}
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.types import SearchFilters, SearchResult


def result_to_document(result: SearchResult, rank: int | None = None) -> Document:
    chunk = result.chunk
    return Document(
        page_content=chunk.text,
        id=chunk.chunk_id,
        metadata={
            "card_id": chunk.card_id,
            "title": chunk.title,
            "topics": list(chunk.topics),
            "stage": chunk.stage,
            "forces": list(chunk.forces),
            "section": chunk.section,
            "chunk_id": chunk.chunk_id,
            "score": result.score,
            "vector_similarity": result.vector_similarity,
            "keyword_score": result.keyword_score,
            "rank": rank,
        },
    )


class PlaybookRetriever(BaseRetriever):
    """Hybrid retrieval (vectors + BM25, fused, one document per card), best first."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Any
    k: int = 5
    filters: SearchFilters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        results = self.searcher.search(query, k=self.k, filters=self.filters)
        return [result_to_document(r, rank=i) for i, r in enumerate(results, start=1)]
