"""Which sections of the retrieved cards answer the question asked.

Cards have many ``##`` sections with specific headings (``## 怎么做：…``, ``## 看哪些数：憋单成没成``,
talk-script sections with quoted lines). A section is scored for a question by:

- the question's own words (IDF-weighted character bigrams) found in the heading (counted double) and
  in the section's text;
- the kind of answer the question asks for (:func:`intent_of`: steps, numbers, reasons, script lines,
  a definition, pitfalls) against the section's kind and heading;
- whether the index found this section as the card's best passage, and the card's rank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from playbook.models import Card

from assistant.text import Point, TermWeights, card_points, terms

# What the question asks for -> words in a heading that offer it.
INTENTS = {
    "steps": (re.compile(r"怎么(做|办|弄|搞|整|提|提高|改|调|处理|安排|准备|写|拆|定|选|搭|发|播|用|投|练|开始|起|避免|防|应对|补)|如何|咋|办法|方法|步骤|流程|技巧|要做|该做|做哪些|怎么样才"),
              ("怎么做", "怎么", "步骤", "流程", "做法", "方法", "处理", "应对", "清单", "安排")),
    "numbers": (re.compile(r"多少|几[个条场次天分点款成倍小]|比例|占比|算好|算正常|正常吗|合格|标准|指标|数据|看哪些数|什么数|多久|多长|多高|多低|ROI|roi|转化率"),
                ("看哪些数", "数", "指标", "多少", "比例", "节奏", "参考")),
    "reasons": (re.compile(r"为什么|为啥|原因|怎么回事|咋回事|是不是因为|怎么会"),
                ("为什么", "原因", "哪里出", "问题在")),
    "script": (re.compile(r"话术|怎么说|说什么|说啥|台词|怎么讲|讲什么|怎么喊|开场白|逐字|模板|文案|怎么回"),
               ("话术", "逐字", "怎么说", "说法", "示例", "模板", "文案", "开场")),
    "definition": (re.compile(r"是什么|是啥|啥意思|什么意思|指的是|定义|区别|有什么用|有啥用|干嘛的|干什么的|干啥"),
                   ("是什么", "定义", "区别", "作用")),
    "pitfalls": (re.compile(r"误区|注意|坑|别踩|避免|不能|禁止|违规|风险|红线"),
                 ("误区", "注意", "别这么", "红线", "不能", "风险")),
}
KIND_FOR_INTENT = {"steps": "step", "numbers": "metric", "pitfalls": "mistake"}
HEADING_WEIGHT = 2.0
INTENT_BONUS = 0.35
BEST_CHUNK_BONUS = 0.25
RANK_BONUS = (0.30, 0.15, 0.08, 0.04)
SCENE_PENALTY = 0.25       # 适用场景 describes when a card applies; rarely the answer itself
_QUOTE = re.compile(r"[「“\"]")


@dataclass(frozen=True)
class Section:
    card_id: str
    heading: str
    kind: str                      # step | metric | mistake | scene | other (from the heading)
    points: tuple[Point, ...]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.points)

    @property
    def quotes(self) -> bool:
        """A talk-script section: its points are lines to say."""
        return sum(bool(_QUOTE.search(p.text)) for p in self.points) >= max(1, len(self.points) // 2)


@dataclass(frozen=True)
class ScoredSection:
    section: Section
    score: float
    rank: int                      # the card's rank among the retrieved cards
    lexical: float = 0.0           # the part of the score from the question's own words


def intent_of(question: str) -> tuple[str, ...]:
    """The kinds of answer the question asks for, in order of appearance (may be empty)."""
    found = []
    for name, (pattern, _) in INTENTS.items():
        match = pattern.search(question)
        if match:
            found.append((match.start(), name))
    return tuple(name for _, name in sorted(found))


def card_sections(card: Card) -> tuple[Section, ...]:
    """The card's sections in body order (text before the first heading is left out: the summary says it)."""
    groups: dict[str, list[Point]] = {}
    for point in card_points(card):
        if point.section:
            groups.setdefault(point.section, []).append(point)
    out = []
    for heading, points in groups.items():
        out.append(Section(card.id, heading, points[0].kind, tuple(points)))
    return tuple(out)


def _intent_match(section: Section, intents: Sequence[str]) -> float:
    bonus = 0.0
    for i, name in enumerate(intents):
        words = INTENTS[name][1]
        weight = INTENT_BONUS if i == 0 else INTENT_BONUS / 2
        if KIND_FOR_INTENT.get(name) == section.kind or any(w in section.heading for w in words):
            bonus += weight
        elif name == "script" and section.quotes:
            bonus += weight
    return bonus


def rank_sections(question: str, context: str, ranked: Sequence[Card], weights: TermWeights,
                  best_sections: Mapping[str, str], intents_of: str | None = None) -> list[ScoredSection]:
    """Every section of the ranked cards, best first. ``question``: the words to match; ``context`` adds
    the conversation's words (half weight); ``best_sections`` maps card ids to the section the index
    matched best; ``intents_of``: the text the kind of answer is read from (default ``question``)."""
    own = terms(question)
    extra = terms(context) - own
    total = (weights.total(own) + 0.5 * weights.total(extra)) or 1.0
    intents = intent_of(intents_of if intents_of is not None else question)
    scored = []
    for rank, card in enumerate(ranked):
        for section in card_sections(card):
            heading_terms = terms(section.heading)
            body_terms = terms(section.text)
            lexical = (HEADING_WEIGHT * weights.overlap(own, heading_terms) + weights.overlap(own, body_terms)
                       + 0.5 * weights.overlap(extra, body_terms | heading_terms)) / (total * (1 + HEADING_WEIGHT))
            score = lexical + _intent_match(section, intents) + (RANK_BONUS[rank] if rank < len(RANK_BONUS) else 0.0)
            if best_sections.get(card.id) == section.heading:
                score += BEST_CHUNK_BONUS
            if section.kind == "scene":
                score -= SCENE_PENALTY
            scored.append(ScoredSection(section, score, rank, lexical))
    return sorted(scored, key=lambda s: (-s.score, s.rank))


def rank_points(question: str, section: Section, weights: TermWeights, limit: int) -> list[Point]:
    """The section's most relevant points (at most ``limit``), in the section's own order.

    Numbered steps keep their first steps (a procedure is read from the start); other points are chosen
    by the question's words."""
    points = list(section.points)
    if len(points) <= limit:
        return points
    if all(p.number is not None for p in points):
        return points[:limit]
    own = terms(question)
    total = weights.total(own) or 1.0
    scored = sorted(range(len(points)), key=lambda i: (-weights.overlap(own, terms(points[i].text)) / total, i))
    keep = sorted(scored[:limit])
    return [points[i] for i in keep]


def coverage(question: str, card: Card, weights: TermWeights) -> float:
    """Share of the question's (IDF-weighted) words that the card uses anywhere."""
    own = terms(question)
    total = weights.total(own)
    if not total:
        return 1.0
    from assistant.text import card_document

    return weights.overlap(own, terms(card_document(card))) / total
