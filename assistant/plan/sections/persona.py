"""人设与定位: the handbook's persona advice for this category, the category's own points, and the stage's focus."""

from __future__ import annotations

from assistant.plan.facts import PlanFacts
from assistant.plan.format import count
from assistant.plan.prose import best_card, best_steps
from assistant.plan.sections.common import section
from assistant.text import terms

# Words that describe each account stage; used to find the handbook's advice for the stage.
STAGE_WORDS = {
    "cold-start": ("新号 起号 冷启动 刚开播 前两周 起步", ("growth-stages", "new-customers")),
    "growth": ("成长期 增长 拉新 自然流 精准人群 扩大", ("growth-stages", "new-customers", "traffic-organic")),
    "plateau": ("瓶颈 不涨 停滞 平台期 下滑 诊断 突破 拉新 换品 复盘对比", ("stagnation", "growth-stages")),
    "big-event": ("大场 破纪录 活动节点 提前准备 冲刺", ("big-event",)),
}


def write(facts: PlanFacts):
    i, cards = facts.inputs, facts.cards
    query = f"{i.category} 人设 定位 {i.streamer}"
    sources: list[str] = []
    lines = [f"**{i.streamer}**｜品类：{i.category}｜粉丝：{count(i.followers)}｜阶段：{i.stage_name}", ""]
    persona = best_card(cards, ["persona"], query, need_steps=True)
    if persona is not None:
        sources.append(persona.id)
        if persona.summary:
            lines += [persona.summary, ""]
        lines += [f"{n}. {s}" for n, s in enumerate(best_steps(persona, query, 3, cards), 1)]
        lines.append("")
        category_id = facts.material.category[0].id if facts.material.category[0] is not None else ""
        other = best_card(cards, ["persona"], f"{i.category} 人设", exclude=[persona.id, category_id])
        if other is not None and other.summary and i.category and terms(i.category) & terms(other.title + other.summary):
            sources.append(other.id)
            lines += [f"- {other.summary}", ""]
    category_card, profile = facts.material.category
    if category_card is not None and category_card.summary:
        sources.append(category_card.id)
        lines += [f"**{profile.name}的要点**", "", category_card.summary, ""]
    words, topics = STAGE_WORDS[i.stage]
    stage_card = best_card(cards, topics, words, exclude=sources, need_steps=True)
    if stage_card is not None:
        sources.append(stage_card.id)
        lines += [f"**{i.stage_name}的重点**", ""]
        if stage_card.summary:
            lines.append(stage_card.summary)
        lines += [f"- {s}" for s in best_steps(stage_card, words + " " + i.category, 2, cards)]
    if not sources:
        lines.append("手册里没有人设定位的卡片。")
    return section("persona", lines, sources)
