"""Reciprocal-rank fusion of the vector and the keyword list, on card ranks. A pure function.

Each list is first reduced to the best chunk of every card, so a card with many similar chunks does
not push the other cards down one list; a card then scores ``sum_i w_i / (RRF_K + rank_i)``. The
representative chunk of a card is its best chunk under the same formula on chunk ranks.
``vector_similarity`` is the raw cosine similarity of the card's best vector hit, ``keyword_score``
the BM25 score of its best keyword hit (``None`` when the card was not a hit in that list): the
scope check needs those raw values, which is why the project keeps its own fusion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from index.types import Chunk, SearchResult

RRF_K = 60
VECTOR_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0

Hits = Sequence[tuple[str, float]]  # (chunk_id, raw value) best first


def _add_ranked_list(chunks: Mapping[str, Chunk], hits: Hits, weight: float, rrf_k: float,
                     chunk_score: dict[str, float], card_score: dict[str, float]) -> dict[str, float]:
    """Add one ranked list's RRF shares to chunk and card scores (a card ranks by its first chunk);
    return each card's raw value (similarity or BM25) at that chunk."""
    card_value: dict[str, float] = {}
    for rank, (cid, value) in enumerate(hits, start=1):
        chunk = chunks.get(cid)
        if chunk is None:
            continue
        chunk_score[cid] = chunk_score.get(cid, 0.0) + weight / (rrf_k + rank)
        if chunk.card_id not in card_value:
            card_value[chunk.card_id] = value
            card_score[chunk.card_id] = card_score.get(chunk.card_id, 0.0) + weight / (rrf_k + len(card_value))
    return card_value


def fuse(vec_hits: Hits, kw_hits: Hits, chunks: Mapping[str, Chunk], k: int, rrf_k: float = RRF_K,
         w_vec: float = VECTOR_WEIGHT, w_kw: float = KEYWORD_WEIGHT) -> list[SearchResult]:
    """Weighted RRF over card ranks; best chunk per card; ``k`` results best first.

    ``chunks`` maps chunk ids to chunks; hits of unknown chunks are ignored. Ties are broken by the
    vector similarity, then by card id, so the order is deterministic."""
    chunk_score: dict[str, float] = {}
    card_score: dict[str, float] = {}
    card_vec_sim = _add_ranked_list(chunks, vec_hits, w_vec, rrf_k, chunk_score, card_score)
    card_kw_score = _add_ranked_list(chunks, kw_hits, w_kw, rrf_k, chunk_score, card_score)
    best_chunk: dict[str, str] = {}
    for cid, score in chunk_score.items():
        card_id = chunks[cid].card_id
        current = best_chunk.get(card_id)
        if current is None or score > chunk_score[current]:
            best_chunk[card_id] = cid
    ranked = sorted(card_score.items(), key=lambda item: (-item[1], -card_vec_sim.get(item[0], -1.0), item[0]))
    return [
        SearchResult(
            chunk=chunks[best_chunk[card_id]],
            score=round(float(score), 6),
            vector_similarity=card_vec_sim.get(card_id),
            keyword_score=card_kw_score.get(card_id),
        )
        for card_id, score in ranked[:k]
    ]
