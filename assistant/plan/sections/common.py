"""What the section writers share: titles, the section record and the card-summary opening line."""

from __future__ import annotations

from typing import Iterable

from playbook.models import Card

from assistant.types import PlanSection

SECTION_TITLES = {
    "goal": "目标拆解",
    "persona": "人设与定位",
    "lineup": "货盘结构",
    "warmup": "预热排期",
    "traffic": "投流预算",
    "run_of_show": "直播流程",
    "team": "团队分工",
    "contingency": "应急预案",
    "compliance": "合规检查",
    "review": "复盘清单",
}
SECTION_KEYS = tuple(SECTION_TITLES)


def section(key: str, lines: Iterable[str], sources: Iterable[str | None]) -> PlanSection:
    ids = tuple(dict.fromkeys(s for s in sources if s))
    return PlanSection(key, SECTION_TITLES[key], "\n".join(lines).strip(), ids)


def opening(card: Card | None) -> list[str]:
    return [card.summary, ""] if card is not None and card.summary else []


def card_id(card: Card | None) -> str | None:
    return card.id if card is not None else None
