"""Reciprocal-rank fusion on card ranks (index.search.fusion.fuse): a pure function, no index needed."""

from __future__ import annotations

import pytest

from index.search.fusion import RRF_K, fuse
from index.types import Chunk

pytestmark = pytest.mark.pure


def chunk(card: str, n: int) -> Chunk:
    return Chunk(f"{card}#{n}", card, f"title {card}", f"s{n}", f"text {card} {n}", ("t",), "live", ("live-ops",), n)


CHUNKS = {c.chunk_id: c for c in [chunk("a", 0), chunk("a", 1), chunk("a", 2), chunk("b", 0), chunk("b", 1), chunk("c", 0)]}


def rrf(*ranks: int) -> float:
    return round(sum(1.0 / (RRF_K + r) for r in ranks), 6)


def test_a_card_ranks_by_its_best_chunk_in_each_list():
    # vector list: a#0, a#1, a#2, b#0 -> card ranks a=1, b=2 (a's extra chunks do not push b down)
    vec = [("a#0", 0.9), ("a#1", 0.8), ("a#2", 0.7), ("b#0", 0.6)]
    kw = [("b#1", 7.0), ("c#0", 3.0)]
    results = fuse(vec, kw, CHUNKS, k=5)
    assert [r.card_id for r in results] == ["b", "a", "c"]
    by_card = {r.card_id: r for r in results}
    assert by_card["b"].score == rrf(2, 1)      # second card of the vector list, first of the keyword list
    assert by_card["a"].score == rrf(1)
    assert by_card["c"].score == rrf(2)


def test_raw_evidence_is_the_best_chunks_value_and_none_when_absent():
    vec = [("a#1", 0.91), ("a#0", 0.88), ("b#0", 0.5)]
    kw = [("a#2", 9.5), ("a#1", 4.0)]
    by_card = {r.card_id: r for r in fuse(vec, kw, CHUNKS, k=5)}
    assert by_card["a"].vector_similarity == 0.91 and by_card["a"].keyword_score == 9.5
    assert by_card["b"].vector_similarity == 0.5 and by_card["b"].keyword_score is None
    # the representative chunk is the one with the best fused chunk score (a#1 is in both lists)
    assert by_card["a"].chunk.chunk_id == "a#1"


def test_k_limits_the_results_and_unknown_chunks_are_ignored():
    vec = [("x#0", 0.99), ("a#0", 0.9), ("b#0", 0.8), ("c#0", 0.7)]
    results = fuse(vec, [], CHUNKS, k=2)
    assert [r.card_id for r in results] == ["a", "b"]
    assert fuse([], [], CHUNKS, k=3) == []


def test_ties_break_on_vector_similarity_then_card_id():
    # a and b each first in one list: equal RRF scores; b has the higher cosine
    results = fuse([("b#0", 0.7)], [("a#0", 5.0)], CHUNKS, k=2)
    assert [r.card_id for r in results] == ["b", "a"] and results[0].score == results[1].score
    # no vector evidence at all: by card id
    assert [r.card_id for r in fuse([], [("c#0", 1.0)], CHUNKS, k=1)] == ["c"]
    both = fuse([], [("b#0", 1.0), ("a#0", 1.0)], CHUNKS, k=2)
    assert [r.card_id for r in both] == ["b", "a"]  # rank decides before the id


def test_weights_shift_the_balance():
    vec, kw = [("a#0", 0.9), ("b#0", 0.8)], [("b#0", 5.0), ("a#0", 4.0)]
    assert fuse(vec, kw, CHUNKS, k=1, w_vec=2.0)[0].card_id == "a"
    assert fuse(vec, kw, CHUNKS, k=1, w_kw=2.0)[0].card_id == "b"
