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

from playbook.models import Card

from assistant.text import KeyedCache, card_document, card_versions

DOMAIN_MIN_COUNT = 2         # a domain word occurs at least this often in the handbook
DOMAIN_MIN_SPECIFICITY = 3.0  # log(handbook rate / general rate)
DOMAIN_MAX_CARD_SHARE = 0.5   # and in at most this share of the cards (else it is background)
BACKGROUND_CAP = 8.0          # one background word adds at most this much evidence
# Question and function words: a token containing one is not content (怎么办, 多少钱, 为啥, 啥意思).
FUNCTION_PARTS = ("怎么", "怎样", "如何", "多少", "什么", "为什么", "为啥", "哪个", "哪些", "哪里", "哪家",
                  "是不是", "有没有", "能不能", "要不要", "咋", "啥", "吗", "呢", "吧", "么", "几")
# Numbers, also in words (两万, 一两千, 三四个): a quantity says nothing about the topic.
_NUMBER = re.compile(r"^[0-9.%+\-]+$|^[a-z]$|^[0-9零一二两三四五六七八九十百千万亿几来多]+[万千百块元个次场天号点]?$")

# A shopper's or viewer's own perspective: "(I) bought ... and it has not come / I want it refunded", or
# the role named. A seller speaking of buyers ("买家说没收到货", "顾客买的东西要退款") does not match.
_BOUGHT = re.compile(
    r"(?:^|我|在|从|网上|刚)[^，,。？?！!]{0,10}(?:买|下单|下了单|拍|抢)(?:了|的|过|到)[^？?！!]{0,14}"
    r"(?:发货|物流|快递|退款|退钱|退货|换货|换码|售后|赠品|发票|到货|收到|不合身|码数|坏了|不一样|货不对板)"
)
# one's own parcel, refund or payment, not a shop's: "我寄给我姐的快递", "驿站把我的快递弄丢了", "我要怎么申请退货",
# "想给我妈寄年货"
_OWN_PARCEL = re.compile(
    r"我(?:的|寄的|寄给[^，,。？?！!]{1,6}的)(?:快递|包裹)|(?:驿站|快递员)[^，,。？?！!]{0,6}我的"
    r"|我(?:要|想|该)(?:怎么|咋)?(?:申请)?(?:退货|退款)|(?:忍不住|控制不住)(?:买|下单|剁手)"
    r"|(?:给我|寄给我)(?:妈|爸|姐|哥|弟|妹|爷|奶|家里|朋友|对象)"
)
_SELLER_SIDE = re.compile(r"买家|顾客|客户|粉丝|用户|消费者|客人|家人们|宝宝们|有人|场控|中控|客服|公屏|评论区")
_SHOP_WORDS = re.compile(r"发货|发出|差评|被骂|店铺|小店|商品|直播间的单")  # "我的快递发货慢被骂了" is a shop's
_ROLE = re.compile(r"(?:作为|我是|我只是)(?:一[个名]|个)?(?:买家|消费者|观众|顾客)")
# Not a seller either: applying for a job ("想去直播公司应聘主播"), gossip about famous streamers' takings or
# names ("带货一哥一场进账上亿", "那个女主播叫啥"), a viewer in someone else's room ("我在别人直播间连麦被录屏")
# or asking for a song's name ("直播间里放的那首背景音乐叫啥");
# and, unless buyers are the subject, one's own skin after using a product ("那个面霜我用了脸过敏") or being told
# to pay privately ("主播让我私下转账"; "顾客让我私下转账" is a seller's question).
_NOT_SELLING = re.compile(
    r"应聘|求职|投简历|去面试|面试官"
    r"|(?:一哥|一姐|头部主播|大主播|顶流|网红|明星)[^，,。？?！!]{0,10}(?:进账|收入|赚了|挣了|赚多少|挣多少|身价|年薪|真名|叫啥|叫什么)"
    r"|主播(?:真名|本名)|(?:那个|这个)[男女]?主播叫(?:啥|什么)|主播[^？?]{0,20}[她他]叫(?:啥|什么)"
    r"|我在别人(?:的)?直播间|(?:那首|这首)[^，,。？?]{0,8}(?:歌|音乐|曲子)?叫(?:啥|什么)"
)
_OWN_REACTION = re.compile(
    r"我(?:用了|吃了|抹了|涂了|擦了|戴了|穿了)[^，,。？?！!]{0,6}(?:过敏|长痘|烂脸|拉肚子|不舒服|发红|起疹|红肿|刺痛|发痒)"
    r"|让我[^，,。？?！!]{0,6}(?:私下|转账|打钱)"
)


# The seller's own voice: their room, shop or account ("我的直播间", "咱家的货"), their audience as a third
# party acted on or described ("让大家愿意在公屏打字", "公屏有人一直问东问西", "进来的人都不说话"), their own
# operations ("我们开播", "我想卖").
_SELLER_VOICE = re.compile(
    r"我(?:的|们的?|家的?)?(?:直播间|小店|店铺|店|账号|号|团队|主播|场子|货盘|货|粉丝|老粉|场观|在线)"
    r"|咱(?:们)?(?:家|的)?(?:直播间|店|号|货)|自家"
    r"|(?:让|叫|带|逼|留住|引导)(?:大家|家人们|老铁|观众|粉丝|顾客|买家|新人|新粉|进来的人)"
    r"|(?:大家|家人们|老铁们|观众|顾客|买家|有人|进来的人|新进来的人?)(?:都|老是|一直|总是|就)?"
    r"(?:不|没|走|划走|问|说|嫌|要|在|刷|骂|催)"
    r"|(?:我|我们)(?:刚|想|准备|打算|每天|天天|一直)?(?:开播|下播|带货|上架|挂车|投流|起号|播|卖)"
)


def perspective(question: str) -> tuple[bool, bool]:
    """(asked as a shopper, asked in the seller's voice): a shopper's question is never the seller's."""
    shopper = asked_as_shopper(question)
    return shopper, not shopper and bool(_SELLER_VOICE.search(question))


def asked_as_seller(question: str) -> bool:
    """Whether a question speaks in the seller's voice (their room, audience or operations)."""
    return perspective(question)[1]


def asked_as_shopper(question: str) -> bool:
    """Whether a question is asked from the shopper's or viewer's side of the counter (or by someone else
    who is not selling: a job applicant, a fan curious about famous streamers)."""
    if _ROLE.search(question) or _NOT_SELLING.search(question):
        return True
    if _SELLER_SIDE.search(question):
        return False
    own_parcel = _OWN_PARCEL.search(question) and not _SHOP_WORDS.search(question)
    return bool(_OWN_REACTION.search(question) or _BOUGHT.search(question) or own_parcel)


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
