"""Retrieval for answers: follow-up handling, searching, scope evidence.

Follow-ups without a language model: when the question refers back ("那……呢", "第二步具体怎么做",
"为什么") or is too short to stand alone, the previous user question is carried into the search
query, and a reference to a numbered step of the previous answer is resolved to that step's text.
A follow-up must still speak the handbook's language: its words (jieba, with the index's domain
dictionary) must be words the cards use — all of them for a question that is only short ("多久合适？"
yes, "今天天气怎么样？" no), at least half for one with a reference word ("那女装呢？"). A question
that does not refer back is searched on its own, and read in the conversation only when it uses the
handbook's domain terms but finds too little alone ("主推款呢"), so "帮我写Python代码" after a
handbook question is still out of scope.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from index.api import OVERVIEW_SECTION, SearchResult
from playbook.models import Card

from assistant.answer.lexicon import LexicalEvidence, lexicon_for
from assistant.answer.reference import card_question_vectors, references_for
from assistant.answer.referents import head_noun_term, listed_item
from assistant.answer.scope import ScopeEvidence, followup_floor, in_scope
from assistant.text import KeyedCache, card_document, card_versions, to_simplified
from assistant.types import Source, Turn

__all__ = ["OVERVIEW_SECTION", "LazySearcher", "QueryPlan", "Retrieval", "SearcherLike", "plan_query", "refers_back", "retrieve"]

SEARCH_K = 5
SHORT_QUESTION = 8          # characters: a question this short rarely stands alone
CONTEXT_CHARS = 160         # at most this much of earlier questions goes into a follow-up query

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ORDINAL_PATTERN = r"(?:第\s*([一二两三四五六七八九十]|\d{1,2})|最后(?:这|那)?一?)\s*[步条点项个种款类招](?![月天周年小分钟])"
_ORDINAL = re.compile(_ORDINAL_PATTERN)
_REFERS_BACK = re.compile(
    r"^(那|那么|那如果|还有|另外|然后|再|所以|其次|这个|那个|这些|那些|这样|它|他们|她们|上面|刚才|前面|你说的|按你说的)"
    rf"|{_ORDINAL_PATTERN}|上面|上述|刚才|前面说|你说的|具体(点|些|一点|怎么|说说)?|详细|展开|举个例子|为什么|(呢|吗)[？?]?$"
    r"|(之后|以后|然后|完了|接下来|下一步)呢|这段时间|这个阶段|这期间|这么(搞|做|弄|播)|这样(搞|做|弄|播)"
    r"|(选|用|拍|挑|上)?哪一?[种个样类款招](好|合适|比较好|更好|最好|划算)?[？?]?$"  # "选哪种": the options came before
)


class SearcherLike(Protocol):
    """What answers need of the index (``index.api.Searcher`` is one)."""

    def search(self, query: str, k: int = 5, filters=None) -> list[SearchResult]: ...
    def card(self, card_id: str) -> Card | None: ...
    def cards(self) -> dict[str, Card]: ...
    def tokenize(self, text: str) -> list[str]: ...


class LazySearcher:
    """A SearcherLike opened on first use: ``open_`` runs only if an answer needs the index (a question
    refused as empty or too long never builds or opens it)."""

    def __init__(self, open_):
        self._open = open_
        self._searcher = None

    def open(self):
        """The real searcher (opened now if it was not yet)."""
        if self._searcher is None:
            self._searcher = self._open()
        return self._searcher

    def __getattr__(self, name: str):
        return getattr(self.open(), name)


@dataclass(frozen=True)
class QueryPlan:
    """What to search for a question in its conversation."""

    question: str                 # the cleaned question as asked
    query: str                    # the standalone query used for retrieval
    followup: bool = False        # the conversation was carried into the query
    anchor: str = ""              # a step of the previous answer the question refers to
    anchor_source: Source | None = None
    previous_sources: tuple[Source, ...] = ()
    resolved: str = ""            # the question with 它/这个/那 replaced by the last turn's topic

    @property
    def own(self) -> str:
        """The question's own words for matching passages: resolved when it pointed back."""
        return self.resolved or self.question


@dataclass(frozen=True)
class Retrieval:
    plan: QueryPlan
    results: tuple[SearchResult, ...]
    evidence: ScopeEvidence
    in_scope: bool
    cards: Mapping[str, Card] = field(default_factory=dict)
    own_words: tuple[str, ...] = ()   # content words of the question itself (resolved), for coverage
    near_questions: tuple[tuple[str, str, float], ...] = ()  # the cards' own questions nearest the query

    @property
    def query(self) -> str:
        return self.plan.query


def _ordinal(question: str) -> int | None:
    match = _ORDINAL.search(question)
    if not match:
        return None
    raw = match.group(1)
    if raw is None:
        return -1  # "最后这一步": the last one
    return int(raw) if raw.isdigit() else _CN_NUM.get(raw)


_PRONOUN = re.compile(r"它们|它|[这那](?:几|[一两三四五六七八九十]|\d{1,2})[个项点条种样款步招]|这个|那个|这种|那种|这些|那些|这俩|他们|她们")


def marked_reference(question: str) -> bool:
    """A word pointing back to the conversation: "那……呢", "第二步", "为什么", or a pronoun anywhere."""
    return bool(_REFERS_BACK.search(question) or _PRONOUN.search(question))


def refers_back(question: str) -> bool:
    return marked_reference(question) or len(question) <= SHORT_QUESTION


_VOCABULARY: KeyedCache[frozenset[str]] = KeyedCache()


def handbook_vocabulary(searcher: SearcherLike, cards: Mapping[str, Card]) -> frozenset[str]:
    """Every word the cards use, read as the keyword index reads them (once per set of card versions)."""
    def compute() -> frozenset[str]:
        vocab: set[str] = set()
        for card in cards.values():
            vocab.update(searcher.tokenize(card_document(card)))
        return frozenset(vocab)

    return _VOCABULARY.get(card_versions(cards), compute)


def speaks_handbook(question: str, searcher: SearcherLike, cards: Mapping[str, Card], max_unknown: float) -> bool:
    """Whether at most ``max_unknown`` (a share) of the question's words are unknown to the cards."""
    vocab = handbook_vocabulary(searcher, cards)
    words = searcher.tokenize(question)
    if not words:
        return bool(_REFERS_BACK.search(question))  # "为什么？": only a reference word
    unknown = sum(1 for w in words if w not in vocab)
    return unknown <= max_unknown * len(words)


def _previous(history: Sequence[Turn], role: str) -> list[Turn]:
    return [t for t in history if t.role == role]


def previous_step(answer: Turn, number: int) -> tuple[str, Source | None]:
    """The text of the numbered item ``number`` of an earlier answer and the source it cites."""
    items = re.findall(r"(?m)^\s*(\d{1,2})[.、．)]\s*(.+)$", answer.content)
    if not items:  # numbered inline: "几个要点：1. 背景简洁；2. 灯光用主灯加补光灯；3. ……"
        items = re.findall(r"(?:^|[：:；;。，,\s])(\d{1,2})[.、．)]\s*([^；;。\n]+)", answer.content)
    if number < 0 and items:  # "最后这一步": the last numbered item
        number = int(items[-1][0])
    for raw, text in items:
        if int(raw) == number:
            cited = re.findall(r"\[(\d{1,3})\]", text)
            clean = re.sub(r"\s*\[\d{1,3}\]", "", text).strip()
            source = None
            for s in getattr(answer, "sources", ()) or ():
                if cited and s.n == int(cited[0]):
                    source = s
            return clean, source
    return "", None




def topic_of(text: str, cards: Mapping[str, Card] | None) -> str:
    """The topic of an earlier question: the handbook terms it uses (longest first), else its opening words."""
    terms = list(domain_terms(text, cards)) if cards else []
    if terms:
        return "".join(terms[:2]) if len(terms) > 1 and len("".join(terms[:2])) <= 12 else terms[0]
    core = re.sub(r"[？?！!。，,\s]+$", "", text)
    core = re.sub(r"(怎么办|怎么做|怎么样|是什么|有什么用|是啥|咋办|咋整|吗|呢)$", "", core)
    return core[:12]


def resolve_pronouns(question: str, previous: str, cards: Mapping[str, Card] | None, answer: str = "") -> str:
    """"这个会不会违规啊" after "憋单是什么" -> "憋单会不会违规啊" (the first pronoun only); a demonstrative
    with a head noun names a term of the previous ``answer`` ("这个分" -> "店铺体验分")."""
    phrase, term = head_noun_term(question, answer, domain_vocabulary(cards)) if cards else ("", "")
    if term:
        return question.replace(phrase, term, 1)
    topic = topic_of(previous, cards)
    if not topic or not _PRONOUN.search(question):
        return question
    return _PRONOUN.sub(topic, question, count=1)


def plan_query(question: str, history: Sequence[Turn] = (), searcher: SearcherLike | None = None,
               cards: Mapping[str, Card] | None = None, own: ScopeEvidence | None = None) -> QueryPlan:
    """The search query for a question, carrying the conversation when the question refers back
    (and, given the searcher and its cards, speaks the handbook's language). ``own`` is the scope
    evidence of the question searched alone: a follow-up whose own words score below
    :func:`followup_floor` is about something else ("那今天天气怎么样") and is not carried."""
    users = _previous(history, "user")
    answers = _previous(history, "assistant")
    if not users:
        return QueryPlan(question, question)
    context = " ".join(t.content for t in users[-2:])[-CONTEXT_CHARS:]
    last_answer = answers[-1] if answers else None
    prev_sources = tuple(getattr(last_answer, "sources", ()) or ()) if last_answer else ()
    number = _ordinal(question)
    if number is not None and last_answer is not None:
        step, source = previous_step(last_answer, number)
        if step:
            return QueryPlan(question, f"{step} {question}", True, step, source, prev_sources)
        item = listed_item(last_answer.content, number, domain_vocabulary(cards) if cards else ())
        if item:  # a list written as prose ("引流款拉人、福利款留人……"): the item, in the conversation
            return QueryPlan(question, f"{users[-1].content} {item} {question}", True, item, None, prev_sources)
    if refers_back(question):
        marked = marked_reference(question)
        if own is not None and own.score < followup_floor(own):
            carry = False
        elif searcher is None or cards is None:
            carry = True
        elif own is not None and marked:
            carry = True  # pointed back, and its own words do not speak against the handbook
        else:
            carry = speaks_handbook(question, searcher, cards, 0.5 if marked else 0.0)
        if carry:
            resolved = resolve_pronouns(question, users[-1].content, cards, last_answer.content if last_answer else "")
            return QueryPlan(question, f"{context} {resolved}", True, previous_sources=prev_sources, resolved=resolved)
    return QueryPlan(question, question, previous_sources=prev_sources)


_TERMS: KeyedCache[tuple[str, ...]] = KeyedCache()


def domain_vocabulary(cards: Mapping[str, Card]) -> tuple[str, ...]:
    """The handbook's domain terms: every card's declared ``keywords`` (two characters or more)."""
    def compute() -> tuple[str, ...]:
        vocab = {k.strip().lower() for c in cards.values() for k in c.keywords if len(k.strip()) >= 2}
        return tuple(sorted(vocab, key=lambda k: (-len(k), k)))

    return _TERMS.get(card_versions(cards), compute)


def domain_terms(question: str, cards: Mapping[str, Card]) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", question).lower()
    found: list[str] = []
    for term in domain_vocabulary(cards):
        if term in text and not any(term in longer for longer in found):
            found.append(term)
    return tuple(found)


_PART_SPLIT = re.compile(r"[？?]\s*|[，,；;。\s]+(?=另外|还有|顺便|以及|再问|再就是|同时|此外|然后|那)|(?<=[^，,])(?=另外|顺便问|顺便说|还有就是)")
MIN_PART_CHARS = 4


def split_parts(question: str) -> tuple[str, ...]:
    """The asks of a two-part question ("预热视频发几条，另外开播前要不要投流"), or () for one ask."""
    pieces = [p.strip(" ，,。；;") for p in _PART_SPLIT.split(question)]
    pieces = [re.sub(r"^(另外|还有就是|还有|顺便问下|顺便问一下|顺便问|顺便|以及|再问下|再问|再就是|同时|此外|然后)[，,]?", "", p)
              for p in pieces]
    parts = [p for p in pieces if len(p) >= MIN_PART_CHARS]
    return tuple(parts[:2]) if len(parts) >= 2 else ()


def retrieve_parts(question: str, searcher: SearcherLike) -> tuple[Retrieval, ...]:
    """Each ask of a two-part question retrieved on its own (``()`` when the question has one ask)."""
    parts = split_parts(to_simplified(question))
    return tuple(retrieve(part, [], searcher) for part in parts)


EMBED_QUERY_CHARS = 300  # the searcher embeds at most this much of a query (its vector is cached)


def query_margin(searcher: SearcherLike, query: str, best_passage: float, embedder: str,
                 cards: Mapping[str, Card] | None = None) -> float | None:
    """The calibration margin of a query (None without references or an embedder); the cards' own
    questions join the in-scope references."""
    refs = references_for(searcher, embedder)
    vector = _query_vector(searcher, query) if refs is not None else None
    if vector is None:
        return None
    handbook = card_question_vectors(searcher, embedder, cards) if cards else None
    return refs.margin(vector, best_passage, handbook=handbook.vectors if handbook is not None else None)


def _query_vector(searcher: SearcherLike, query: str):
    """The query's vector as the searcher embeds it (cached there), or None without an embedder."""
    embed = getattr(searcher, "embed_query", None)
    if embed is None:
        return None
    try:
        return embed(query[:EMBED_QUERY_CHARS])
    except Exception:  # noqa: BLE001 - the margin and the nearest questions are extra evidence
        return None


def nearest_card_questions(searcher: SearcherLike, query: str, cards: Mapping[str, Card],
                           embedder: str) -> tuple[tuple[str, str, float], ...]:
    """The cards' own questions nearest the query ((card id, question, cosine), nearest first), or ()."""
    vector = _query_vector(searcher, query)
    handbook = card_question_vectors(searcher, embedder, cards) if vector is not None else None
    return handbook.nearest(vector) if handbook is not None else ()


def gather_evidence(question: str, results: Sequence[SearchResult], cards: Mapping[str, Card], embedder: str,
                    searcher: SearcherLike | None = None, query: str | None = None) -> ScopeEvidence:
    """The scope evidence of ``question`` (its own words) searched as ``query`` (default: the question)."""
    vectors = [r.vector_similarity for r in results if r.vector_similarity is not None]
    keywords = [r.keyword_score for r in results if r.keyword_score is not None]
    best = max(vectors, default=0.0)
    lexical = LexicalEvidence()
    margin = None
    if searcher is not None:
        lexical = lexicon_for(searcher, cards).evidence(query or question)
        if results:
            margin = query_margin(searcher, query or question, best, embedder, cards)
    return ScopeEvidence(
        vector=best,
        keyword=max(keywords, default=0.0),
        domain_terms=domain_terms(query or question, cards),
        embedder=embedder,
        lexical=lexical,
        margin=margin,
    )


def _embedder(searcher: SearcherLike) -> str:
    try:
        return searcher.status().embedder
    except Exception:  # noqa: BLE001 - a searcher without status (tests) gets the fallback thresholds
        return ""


def _search(searcher: SearcherLike, query: str, cards: Mapping[str, Card], embedder: str):
    results = tuple(searcher.search(query, k=SEARCH_K))
    return results, gather_evidence(query, results, cards, embedder, searcher)


def retrieve(question: str, history: Sequence[Turn], searcher: SearcherLike, *, query: str | None = None) -> Retrieval:
    """Search for a question in its conversation and judge whether the handbook covers it.

    ``query`` overrides the standalone query (e.g. a language model's rewrite).
    """
    cards = searcher.cards()
    question = to_simplified(question)
    history = [Turn(t.role, to_simplified(t.content), t.sources) for t in history]
    query = to_simplified(query) if query else query
    embedder = _embedder(searcher)
    alone = _search(searcher, question, cards, embedder) if history else None
    plan = plan_query(question, history, searcher, cards, own=alone[1] if alone else None)
    if query and query != plan.query:
        plan = QueryPlan(plan.question, query, followup=True, anchor=plan.anchor, anchor_source=plan.anchor_source,
                         previous_sources=plan.previous_sources)
    results, evidence = alone if alone and plan.query == question else _search(searcher, plan.query, cards, embedder)
    if alone and plan.query != question and alone[1].score >= followup_floor(alone[1]):
        evidence = replace(evidence, followup=True)  # carried, and its own words do not speak against it
    scope = in_scope(evidence)
    if not scope and not plan.followup and history and domain_terms(question, cards):
        # An elliptical follow-up we did not recognise ("主推款呢"): it uses the handbook's words but
        # finds too little on its own, so read it in the conversation's context.
        users = _previous(history, "user")
        if users:
            combined = QueryPlan(question, f"{users[-1].content} {question}", True, previous_sources=plan.previous_sources)
            results2, evidence2 = _search(searcher, combined.query, cards, embedder)
            if in_scope(evidence2):
                plan, results, evidence, scope = combined, results2, evidence2, True
    own = lexicon_for(searcher, cards).content_words(plan.own) if hasattr(searcher, "tokenize") else ()
    near = nearest_card_questions(searcher, plan.query, cards, embedder) if scope else ()
    return Retrieval(plan, results, evidence, scope, cards, own, near)
