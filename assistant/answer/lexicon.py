"""The question's own words, weighed against the handbook and against general Chinese.

A word the handbook uses much more often than general Chinese does (jieba's dictionary frequencies
stand in for general usage) is *domain* language when it is also concentrated in part of the handbook
(场观, 憋单, 公屏, 冷启动), *background* when it is spread over most cards (直播, 主播, 快手). A word
general Chinese knows but the handbook never uses (股票, 奶粉, 驿站) is *foreign*: a question made of
foreign words is about something else. Question and function words (怎么办, 多少钱, 啥) count for
neither. Everything is derived from the indexed cards (once per set of card versions) and from
jieba's shipped dictionary; no topic word list is written here.

One cue is about who asks, not what about: the handbook is written for sellers, and a question asked as
a shopper or viewer ("我在直播间买的衣服不发货", "作为买家在哪看物流") is about the other side of the
counter even when its words are the handbook's. :func:`asked_as_shopper` reads that perspective (first person
plus what a buyer waits for, or a buyer's or viewer's role named; also a job applicant or a fan's gossip);
:func:`asked_as_seller` reads the other one (the seller's own room, audience or operations). The scope fit
weighs both.
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.answer.perspective import asked_as_seller, asked_as_shopper, perspective  # noqa: F401 - re-exported
from assistant.text import KeyedCache, card_document, card_versions
from playbook.models import Card

DOMAIN_MIN_COUNT = 2         # a domain word occurs at least this often in the handbook
DOMAIN_MIN_SPECIFICITY = 3.0  # log(handbook rate / general rate)
DOMAIN_MAX_CARD_SHARE = 0.5   # and in at most this share of the cards (else it is background)
BACKGROUND_CAP = 8.0          # one background word adds at most this much evidence
# Question and function words: a token containing one is not content (怎么办, 多少钱, 为啥, 啥意思).
FUNCTION_PARTS = ("怎么", "怎样", "如何", "多少", "什么", "为什么", "为啥", "哪个", "哪些", "哪里", "哪家",
                  "是不是", "有没有", "能不能", "要不要", "咋", "啥", "吗", "呢", "吧", "么", "几")
# Numbers, also in words (两万, 一两千, 三四个): a quantity says nothing about the topic.
_NUMBER = re.compile(r"^[0-9.%+\-]+$|^[a-z]$|^[0-9零一二两三四五六七八九十百千万亿几来多]+[万千百块元个次场天号点]?$")

@dataclass(frozen=True)
class LexicalEvidence:
    domain: tuple[str, ...] = ()       # the question's domain words
    background: float = 0.0            # summed specificity of its other handbook words (capped per word)
    foreign: tuple[str, ...] = ()      # words general Chinese knows and the handbook never uses
    content: int = 0                   # content tokens in all
    shopper: bool = False              # asked as a shopper or viewer ("我买的……不发货", "作为买家")
    seller: bool = False               # asked in the seller's voice ("让大家愿意在公屏打字", "我的直播间")

    @property
    def foreign_share(self) -> float:
        return len(self.foreign) / self.content if self.content else 0.0

    def to_json(self) -> dict:
        return {"domain_words": list(self.domain), "background": round(self.background, 2),
                "foreign_words": list(self.foreign), "content_words": self.content, "shopper": self.shopper,
                "seller": self.seller}


# jieba's part-of-speech tags of words that say where, when, how many or how, not what about: a place
# (杭州, 广东), a time (明年, 下周), a numeral, an adverb (暗中, 偷偷), an idiom or set phrase (莫名其妙,
# 是真是假), a descriptive word (稀里糊涂). Such a word the handbook never uses is not foreign.
NEUTRAL_TAGS = frozenset({"ns", "t", "m", "d", "i", "l", "z"})

@dataclass(frozen=True)
class GeneralChinese:
    """jieba's dictionary: {word: frequency}, their total, and its places, times and numerals."""

    frequencies: dict[str, int]
    total: int
    neutral: frozenset[str]


_general_lock = threading.Lock()
_general: GeneralChinese | None = None


def general_chinese() -> GeneralChinese:
    """jieba's dictionary, read once per process."""
    global _general
    with _general_lock:
        if _general is None:
            import jieba

            freq: dict[str, int] = {}
            neutral: set[str] = set()
            total = 0
            with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as handle:
                for line in handle:
                    fields = line.split()
                    try:
                        value = int(fields[1])
                    except (IndexError, ValueError):
                        continue
                    freq[fields[0]] = value
                    total += value
                    if len(fields) > 2 and fields[2] in NEUTRAL_TAGS:
                        neutral.add(fields[0])
            _general = GeneralChinese(freq, max(total, 1), frozenset(neutral))
        return _general


class Lexicon:
    """Word counts of the handbook (as the keyword index tokenises it) against general Chinese."""

    def __init__(self, tokenize, cards: Mapping[str, Card]):
        self.tokenize = tokenize
        self.counts: Counter[str] = Counter()
        self.cards_with: Counter[str] = Counter()
        for card in cards.values():
            words = tokenize(card_document(card))
            self.counts.update(words)
            self.cards_with.update(set(words))
        self.total = max(sum(self.counts.values()), 1)
        self.n_cards = max(len(cards), 1)
        general = general_chinese()
        self.general, self.general_total, self.neutral = general.frequencies, general.total, general.neutral

    def specificity(self, word: str) -> float:
        """log of the word's rate in the handbook over its rate in general Chinese."""
        count = self.counts.get(word, 0)
        return math.log((count / self.total) / ((self.general.get(word, 0) + 1) / self.general_total)) if count else 0.0

    def kind(self, word: str) -> str:
        """domain | background | foreign | unknown | function (not content)."""
        if _NUMBER.match(word) or any(part in word for part in FUNCTION_PARTS):
            return "function"
        count = self.counts.get(word, 0)
        if count:
            if (count >= DOMAIN_MIN_COUNT and self.specificity(word) >= DOMAIN_MIN_SPECIFICITY
                    and self.cards_with[word] / self.n_cards <= DOMAIN_MAX_CARD_SHARE):
                return "domain"
            return "background"
        if len(word) < 2 or word in self.neutral:
            return "function"
        return "foreign" if word in self.general else "unknown"

    def content_words(self, text: str) -> tuple[str, ...]:
        """The text's content words (no question or function words), each once."""
        return tuple(dict.fromkeys(w for w in self.tokenize(text) if self.kind(w) != "function"))

    def words(self, text: str) -> list[str]:
        """The text's tokens, without those inside a longer token of the same text: the keyword index
        reads 结结巴巴 also as 结结 and 结巴, but it is one word of the question."""
        tokens = self.tokenize(text)
        unique = set(tokens)
        return [w for w in tokens if not any(w != other and w in other for other in unique)]

    def evidence(self, question: str) -> LexicalEvidence:
        domain: list[str] = []
        foreign: list[str] = []
        background = 0.0
        content = 0
        for word in self.words(question):
            kind = self.kind(word)
            if kind == "function":
                continue
            content += 1
            if kind == "domain":
                domain.append(word)
                background += min(max(self.specificity(word), 0.0), BACKGROUND_CAP)
            elif kind == "background":
                background += min(max(self.specificity(word), 0.0), BACKGROUND_CAP)
            elif kind == "foreign":
                foreign.append(word)
        return LexicalEvidence(tuple(dict.fromkeys(domain)), background, tuple(dict.fromkeys(foreign)), content,
                               *perspective(question))


_LEXICONS: KeyedCache[Lexicon] = KeyedCache(size=2)


def lexicon_for(searcher, cards: Mapping[str, Card]) -> Lexicon:
    """The lexicon of these cards, as ``searcher.tokenize`` reads them (once per set of card versions)."""
    return _LEXICONS.get(card_versions(cards), lambda: Lexicon(searcher.tokenize, cards))
