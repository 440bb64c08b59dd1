"""Offline answers: composed only from the retrieved cards, every point quoted and cited.

Shape (short enough for a phone):

    结论：<the best card's one-line summary> [1]
    怎么做：
    1. <a numbered step of a card, verbatim> [1]
    ...
    看哪些数：
    - <a bullet of a card's 看哪些数, verbatim> [2]

Steps and numbers are chosen by how much of the question's (IDF-weighted) wording they share, with
a bonus for better-ranked cards. Sources are numbered in order of first citation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from playbook.models import Card
from playbook.taxonomy import FORCE_NAMES, load_topics

from assistant.answer.retrieve import Retrieval
from assistant.text import Point, TermWeights, card_points, card_weights, terms
from assistant.types import Source

MAX_CARDS = 3
MAX_STEPS = 3
PRIMARY_STEPS = 2
MAX_METRICS = 2
MAX_OTHER = 3
RANK_BONUS = (0.30, 0.12, 0.05)
EXCERPT_CHARS = 600


@dataclass
class _Scored:
    point: Point
    score: float
    rank: int


def _rank_points(points: Sequence[tuple[Point, int]], own: set[str], context: set[str], weights: TermWeights,
                 bonus: Mapping[str, float]) -> list[_Scored]:
    """Points by relevance: the question's own terms count double, terms carried from the
    conversation once; plus the card's rank bonus."""
    context = context - own
    total = (2 * weights.total(own) + weights.total(context)) or 1.0
    scored = []
    for point, rank in points:
        found = terms(point.text)
        rel = (2 * weights.overlap(own, found) + weights.overlap(context, found)) / total
        scored.append(_Scored(point, rel + bonus.get(point.card_id, 0.0), rank))
    return sorted(scored, key=lambda s: -s.score)


def _pick(scored: list[_Scored], kind: str, limit: int, exclude: set[str]) -> list[_Scored]:
    chosen = [s for s in scored if s.point.kind == kind and s.point.text not in exclude][:limit]
    return chosen


def _card_bonus(retrieval: Retrieval, ranked: Sequence[Card]) -> dict[str, float]:
    bonus: dict[str, float] = {}
    for rank, card in enumerate(ranked):
        bonus[card.id] = RANK_BONUS[rank] if rank < len(RANK_BONUS) else 0.0
    if retrieval.plan.followup:
        for source in retrieval.plan.previous_sources:
            if source.card_id in bonus:
                bonus[source.card_id] += 0.05
    return bonus


def compose(retrieval: Retrieval) -> tuple[str, tuple[Source, ...]]:
    """The offline answer text and its sources (numbered in order of first citation)."""
    cards = retrieval.cards
    weights = card_weights(cards)
    plan = retrieval.plan
    ranked_cards: list[Card] = []
    for result in retrieval.results[:MAX_CARDS]:
        card = cards.get(result.card_id)
        if card is not None and card not in ranked_cards:
            ranked_cards.append(card)
    anchor_card = None
    if plan.anchor and plan.anchor_source is not None:
        anchor_card = cards.get(plan.anchor_source.card_id)
        if anchor_card is not None and plan.anchor not in anchor_card.body:
            anchor_card = None
    if anchor_card is not None and len(ranked_cards) > 1 and ranked_cards[0].id == anchor_card.id:
        # "第二步具体怎么做": the step's own card was already quoted; lead with the next card for detail.
        ranked_cards = ranked_cards[1:] + ranked_cards[:1]
    if not ranked_cards:
        return "", ()

    numbers: dict[str, int] = {}
    quoted: dict[str, list[str]] = {}

    def cite(card: Card, text: str) -> str:
        if card.id not in numbers:
            numbers[card.id] = len(numbers) + 1
        quoted.setdefault(card.id, [])
        if text not in quoted[card.id]:
            quoted[card.id].append(text)
        return f"[{numbers[card.id]}]"

    by_id = {c.id: c for c in ranked_cards}
    bonus = _card_bonus(retrieval, ranked_cards)
    candidates = [(p, rank) for rank, card in enumerate(ranked_cards) for p in card_points(card)]
    scored = _rank_points(candidates, terms(plan.question), terms(plan.query), weights, bonus)
    lines: list[str] = []
    exclude: set[str] = set()

    primary = ranked_cards[0]
    if anchor_card is not None:
        exclude.add(plan.anchor)
        lines.append(f"你问的是上一条回答里的这一步：{plan.anchor} {cite(anchor_card, plan.anchor)}")
    summary = primary.summary or next((s.point.text for s in scored if s.point.card_id == primary.id), "")
    if summary:
        lines.append(f"结论：{summary} {cite(primary, summary)}")

    # Two steps from the best card keep the answer coherent; the third slot goes to the most
    # relevant remaining step of any retrieved card (often a second card adds the missing angle).
    own_steps = _pick([s for s in scored if s.point.card_id == primary.id], "step", PRIMARY_STEPS, exclude)
    rest = [s for s in scored if s not in own_steps]
    steps = own_steps + _pick(rest, "step", MAX_STEPS - len(own_steps), exclude)
    if steps:
        steps.sort(key=lambda s: (s.rank, s.point.number or 0))
        lines.append("")
        lines.append("怎么做：")
        for i, s in enumerate(steps, start=1):
            card = by_id[s.point.card_id]
            lines.append(f"{i}. {s.point.text} {cite(card, s.point.text)}")
    else:
        others = _pick(scored, "other", MAX_OTHER, exclude | {summary})
        if others:
            others.sort(key=lambda s: (s.rank,))
            lines.append("")
            lines.append("要点：")
            for s in others:
                lines.append(f"- {s.point.text} {cite(by_id[s.point.card_id], s.point.text)}")

    metrics = [s for s in scored if s.point.kind == "metric" and (s.point.card_id in numbers or s.rank == 0)][:MAX_METRICS]
    if metrics:
        metrics.sort(key=lambda s: s.rank)
        lines.append("")
        lines.append("看哪些数：")
        for s in metrics:
            lines.append(f"- {s.point.text} {cite(by_id[s.point.card_id], s.point.text)}")

    text = "\n".join(lines).strip()
    sources = []
    all_cards = {c.id: c for c in ranked_cards}
    if anchor_card is not None:
        all_cards[anchor_card.id] = anchor_card
    section_of = {r.card_id: r.chunk.section for r in retrieval.results}
    for card_id, n in sorted(numbers.items(), key=lambda kv: kv[1]):
        card = all_cards[card_id]
        excerpt = "\n".join(quoted[card_id])
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
        sources.append(
            Source(n=n, card_id=card.id, title=card.title, topics=tuple(card.topics), excerpt=excerpt,
                   stage=card.stage, section=section_of.get(card_id, ""))
        )
    return text, tuple(sources)


def decline(cards: Mapping[str, Card]) -> str:
    """A polite out-of-scope reply that says what the handbook covers (derived from the cards)."""
    topics = load_topics()
    by_force: dict[str, list[str]] = {}
    for card in sorted(cards.values(), key=lambda c: c.id):
        for tid in card.topics:
            topic = topics.get(tid)
            if topic is None:
                continue
            names = by_force.setdefault(topic.force, [])
            if topic.name not in names:
                names.append(topic.name)
    parts = []
    for force, label in FORCE_NAMES.items():
        names = by_force.get(force)
        if names:
            parts.append(f"{label}（{'、'.join(names[:4])}）")
    covered = "；".join(parts) if parts else "快手直播带货的运营方法"
    examples = []
    for card in sorted(cards.values(), key=lambda c: c.id):
        if card.questions and len(examples) < 3 and card.stage in ("pre", "live", "post"):
            if all(card.topics[0] not in e[1] for e in examples):
                examples.append((card.questions[0], card.topics))
    lines = [
        "抱歉，这个问题不在操盘手册的范围里，我只根据手册回答快手直播带货的运营问题，不编造手册以外的内容。",
        f"手册涵盖：{covered}。",
    ]
    if examples:
        lines.append("可以这样问：" + "；".join(f"“{q}”" for q, _ in examples))
    return "\n".join(lines)
