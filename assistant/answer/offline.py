"""Offline answers: composed only from the retrieved cards, every point quoted and cited.

Shape (short enough for a phone):

    [手册里没有专门讲…；最接近的是「…」：]            <- partial coverage or a grey-zone question
    <the card's conclusion, one or two sentences> [1]

    **<the heading of the section that answers the question>**
    1. <a point of that section, verbatim>
    2. <another one> [1]

    **<a second section: another card, or the other part of a two-part question>**
    - <a point> [2]

    另见「<the next card the search found, by title>」 [3]     <- its conclusion in the source's excerpt

    [你是不是想问：- … - …]                            <- grey zone: the closest questions of the cards

Sections are chosen by :mod:`sections` (the question's words, the kind of answer it asks for, the
index's best passage, the card's rank); a citation closes each paragraph, so one source is cited once
per paragraph. Sources are numbered in order of first citation and name the sections quoted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from playbook.models import Card

from assistant.answer import suggest
from assistant.answer.retrieve import OVERVIEW_SECTION, Retrieval
from assistant.answer.sections import ScoredSection, Section, rank_points, rank_sections
from assistant.text import card_document, card_weights
from assistant.types import Source

MAX_CARDS = 3
MAX_POINTS = 3
MAX_SCRIPT_POINTS = 3
SECOND_BLOCK_SHARE = 0.4        # a second card's section when it scores at least this share of the first
POINT_CHARS = 150               # a longer point is cut at a sentence end within this many characters
SUMMARY_CHARS = 110
PHONE_CHARS = 700               # the 另见 line is left out when the answer would grow past this
SEE_ALSO_WITHIN = 4             # the 另见 line names the next card among the search's first results
EXCERPT_CHARS = 600
PARTIAL_COVERAGE = 0.4          # the best card uses less than this share of the question's words
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


@dataclass(frozen=True)
class Composed:
    text: str
    sources: tuple[Source, ...]
    suggestions: tuple[str, ...] = ()
    note: str = ""              # the partial-coverage or grey-zone line (also given to the LLM path)


def shorten(text: str, limit: int) -> str:
    """The text, or its first sentences within ``limit`` characters (a verbatim prefix)."""
    if len(text) <= limit:
        return text
    out = ""
    for sentence in _SENTENCE_END.split(text):
        if not sentence:
            continue
        if out and len(out) + len(sentence) > limit:
            break
        out += sentence
        if len(out) >= limit:
            break
    return out.strip().rstrip("；;，,")


class _Citations:
    def __init__(self, cards: Mapping[str, Card]):
        self.cards = cards
        self.numbers: dict[str, int] = {}
        self.quoted: dict[str, list[str]] = {}
        self.sections: dict[str, list[str]] = {}

    def cite(self, card: Card, texts: Sequence[str], section: str) -> str:
        if card.id not in self.numbers:
            self.numbers[card.id] = len(self.numbers) + 1
        quoted = self.quoted.setdefault(card.id, [])
        quoted.extend(t for t in texts if t not in quoted)
        names = self.sections.setdefault(card.id, [])
        if section not in names:
            names.append(section)
        return f"[{self.numbers[card.id]}]"

    def sources(self) -> tuple[Source, ...]:
        out = []
        for card_id, n in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            card = self.cards[card_id]
            excerpt = "\n".join(self.quoted[card_id])
            if len(excerpt) > EXCERPT_CHARS:
                excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
            out.append(Source(n=n, card_id=card.id, title=card.title, topics=tuple(card.topics), excerpt=excerpt,
                              stage=card.stage, section="、".join(self.sections[card_id])))
        return tuple(out)


def ranked_cards(retrieval: Retrieval, limit: int = MAX_CARDS) -> list[Card]:
    out: list[Card] = []
    for result in retrieval.results[:limit]:
        card = retrieval.cards.get(result.card_id)
        if card is not None and card not in out:
            out.append(card)
    return out


def _best_sections(retrieval: Retrieval) -> dict[str, str]:
    return {r.card_id: r.chunk.section for r in retrieval.results if r.chunk.section != OVERVIEW_SECTION}


def _block(scored: ScoredSection, question: str, card: Card, cites: _Citations, weights) -> list[str]:
    section: Section = scored.section
    limit = MAX_SCRIPT_POINTS if section.quotes else MAX_POINTS
    points = rank_points(question, section, weights, limit)
    texts = [shorten(p.text, POINT_CHARS) for p in points]
    lines = [f"**{section.heading}**"]
    numbered = all(p.number is not None for p in points)
    for i, text in enumerate(texts, start=1):
        lines.append(f"{i}. {text}" if numbered else f"- {text}")
    lines[-1] += f" {cites.cite(card, texts, section.heading)}"
    return lines


def matching_text(retrieval: Retrieval) -> str:
    """What passages are matched on: the question's content words (question and function words such as
    是啥意思 or 怎么办 would only dilute the match), or the question itself when it has none."""
    return " ".join(retrieval.own_words) or retrieval.plan.own


def _pick_blocks(retrieval: Retrieval, parts: Sequence[Retrieval], weights) -> list[ScoredSection]:
    """One section per part of a two-part question; else the best section and, when it adds enough, a second."""
    plan = retrieval.plan
    if parts:
        chosen: list[ScoredSection] = []
        for part in parts:
            ranked = rank_sections(matching_text(part), "", ranked_cards(part), weights, _best_sections(part),
                                   intents_of=part.plan.own)
            used_cards = {c.section.card_id for c in chosen}
            pick = next((s for s in ranked if s.section.card_id not in used_cards), None) or (ranked[0] if ranked else None)
            if pick is not None and pick.section not in [c.section for c in chosen]:
                chosen.append(pick)
        return chosen
    ranked = rank_sections(matching_text(retrieval), plan.query if plan.followup else "", ranked_cards(retrieval),
                           weights, _best_sections(retrieval), intents_of=plan.own)
    if not ranked:
        return []
    first = ranked[0]
    # Two cards are quoted: the best-ranked card always (its best section), and the best section of the
    # next card, so that a question the first card answers only in part still gets the other angle.
    best_of: dict[int, ScoredSection] = {}
    for s in ranked:  # each card's best section whose heading differs from the first block's
        if s.section.heading != first.section.heading or s.section.card_id == first.section.card_id:
            best_of.setdefault(s.rank, s)
    others = [best_of[r] for r in sorted(best_of) if best_of[r].section.card_id != first.section.card_id]
    # the next card in the search's order (the first card when another one leads): order beats word score
    second = others[0] if others else None
    if second is not None and second.rank != 0 and (second.lexical <= 0 < first.lexical
                                                    or (second.rank > 1 and second.score < SECOND_BLOCK_SHARE * first.score)):
        second = None  # a section sharing no word with the question adds nothing; a third card must match well
        # (the search's first card stays whenever another card leads: it is the best evidence there is)
    return [first] + ([second] if second is not None else [])


def grey_choices(retrieval: Retrieval, weights) -> tuple[str, ...]:
    """你是不是想问: the card questions nearest the question by meaning, else the closest by words."""
    return (suggest.nearest_choices(retrieval.near_questions, retrieval.plan.own, weights)
            or suggest.did_you_mean(matching_text(retrieval), ranked_cards(retrieval), weights))


def _uses_any(card: Card | None, terms) -> bool:
    text = card_document(card).lower() if card is not None else ""
    return any(term in text for term in terms)


def _see_also(retrieval: Retrieval, cites: _Citations) -> Card | None:
    """One more card the answer did not quote, so that a question the first cards answer only in part
    still points to the other angle: the card that lists a question nearest to the one asked (unless the
    question names handbook terms and that card uses none of them: "直播间人气掉了怎么办" is near "主播要离职了，
    直播间怎么办" by shape only), else the next card of the search; None when the answer already has
    MAX_CARDS sources."""
    if len(cites.numbers) >= MAX_CARDS:
        return None
    terms = retrieval.evidence.domain_terms
    candidates = [card_id for card_id, _, _ in retrieval.near_questions[:1]
                  if not terms or _uses_any(retrieval.cards.get(card_id), terms)]
    candidates += [r.card_id for r in retrieval.results[:SEE_ALSO_WITHIN]]
    for card_id in candidates:
        card = retrieval.cards.get(card_id)
        if card is not None and card.id not in cites.numbers and card.summary:
            return card
    return None


def coverage_note(retrieval: Retrieval, card: Card, weights) -> str:
    """The one line that says the handbook does not cover exactly this (or "" when it does).

    Grey-zone questions say how close the closest card is; a question the best card barely speaks
    to (less than ``PARTIAL_COVERAGE`` of its words) says that the handbook has no card on it."""
    topic = _topic(retrieval.plan.own)
    if word_coverage(retrieval.own_words, card) < PARTIAL_COVERAGE:
        return f"手册里没有专门讲{topic}的卡片；最接近的是「{card.title}」："
    if retrieval.evidence.grade == "grey":
        return f"手册里没有和{topic}完全对应的卡片，下面是最接近的「{card.title}」（相关度一般）："
    return ""


def word_coverage(words: Sequence[str], card: Card) -> float:
    """Share of the question's content words the card uses anywhere (1.0 for fewer than two words)."""
    if len(words) < 2:
        return 1.0
    text = "\n".join([card.title, card.summary, card.body, " ".join(card.keywords), " ".join(card.questions)]).lower()
    return sum(1 for w in words if w in text) / len(words)


def _topic(question: str) -> str:
    core = re.sub(r"[？?！!。，,\s]+", "", question)
    core = re.sub(r"(怎么办|怎么做|怎么样|咋办|咋整|是什么|是啥|有没有|吗|呢|啊|呀)$", "", core)
    return f"“{core}”" if 2 <= len(core) <= 14 else "这个问题"


def compose(retrieval: Retrieval, parts: Sequence[Retrieval] = ()) -> Composed:
    """The offline answer, its sources (numbered in order of first citation) and suggested questions."""
    cards = retrieval.cards
    weights = card_weights(cards)
    plan = retrieval.plan
    cites = _Citations(cards)
    lines: list[str] = []

    anchor_card = None
    if plan.anchor and plan.anchor_source is not None:
        anchor_card = cards.get(plan.anchor_source.card_id)
        if anchor_card is not None and plan.anchor not in anchor_card.body:
            anchor_card = None
    if anchor_card is not None:
        lines.append(f"你问的是上一条回答里的这一步：{plan.anchor} {cites.cite(anchor_card, [plan.anchor], '上一条回答')}")

    blocks = _pick_blocks(retrieval, parts, weights)
    if anchor_card is not None and len(blocks) > 1 and blocks[0].section.card_id == anchor_card.id:
        blocks = blocks[1:] + blocks[:1]  # the step's own card was quoted already: lead with more detail
    if not blocks:
        return Composed("", ())
    lead = cards[blocks[0].section.card_id]
    note = coverage_note(retrieval, lead, weights) if not parts else ""
    if note:
        lines[:0] = [note, ""]
    summary = shorten(lead.summary, SUMMARY_CHARS) if lead.summary else ""
    if summary and not parts:
        lines.append(f"{summary} {cites.cite(lead, [summary], OVERVIEW_SECTION)}")
    for scored in blocks:
        lines.append("")
        lines += _block(scored, matching_text(retrieval) if not parts else "", cards[scored.section.card_id], cites, weights)

    see_also = _see_also(retrieval, cites)
    line = f"另见「{see_also.title}」 [{len(cites.numbers) + 1}]" if see_also is not None else ""
    if line and len("\n".join(lines + ["", line])) <= PHONE_CHARS:
        text = shorten(see_also.summary, SUMMARY_CHARS)  # shown in the source's excerpt, not in the answer
        cites.cite(see_also, [text], OVERVIEW_SECTION)  # numbered next, as the line says
        lines += ["", line]

    cited = [cards[cid] for cid in cites.numbers]
    choices: tuple[str, ...] = ()
    if retrieval.evidence.grade == "grey":
        words = matching_text(retrieval)
        choices = grey_choices(retrieval, weights)
        if len(choices) < 2:  # too few close questions: the cited cards' next ones fill up to three
            extra = suggest.follow_ups(words, cited, weights, asked=choices)
            choices = (choices + tuple(q for q in extra if q not in choices))[:suggest.MAX_SUGGESTIONS]
        if choices:
            lines += ["", "你是不是想问："] + [f"- {q}" for q in choices]
    suggestions = choices or suggest.follow_ups(plan.own, cited, weights)
    return Composed("\n".join(lines).strip(), cites.sources(), suggestions, note)


def decline(cards: Mapping[str, Card]) -> Composed:
    """The short refusal: two lines and example questions (also offered as suggestions)."""
    examples = suggest.examples(cards)
    lines = ["这个问题不在操盘手册的范围里。", "我只根据手册回答快手直播带货的运营问题，比如预热、排品、投流、场控、复盘。"]
    if examples:
        lines.append("可以这样问：" + "；".join(f"“{q}”" for q in examples))
    return Composed("\n".join(lines), (), examples)
