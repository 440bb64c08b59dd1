"""合规检查: this show's names checked against the banned words (must change) and the words to check by hand
(with the reason), the category's rules first, then the handbook's checklist without repeats."""

from __future__ import annotations

from assistant.plan.facts import PlanFacts
from assistant.plan.sections.common import section
from assistant.text import terms


def similar(a: str, b: str, threshold: float = 0.6) -> bool:
    """Two checklist lines say the same thing (share most of their wording)."""
    ta, tb = terms(a), terms(b)
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) >= threshold


def matched(text: str, words: list[str]) -> list[str]:
    found = [t for t in words if t and t in text]
    return [t for t in found if not any(t != o and t in o for o in found)]


def write(facts: PlanFacts):
    i = facts.inputs
    found = facts.material.all("compliance_checklist")
    card, profile = facts.material.category
    banned: list[str] = []
    review: dict[str, str] = {}
    items: list = []
    for block in [m for _, m in found] + ([profile] if profile else []):
        banned += [t for t in block.banned_terms if t not in banned]
        for t in block.review_terms:
            review.setdefault(t.term, t.reason)
    category_items = list(profile.compliance) if profile else []
    for _, m in found:
        for item in m.items:
            if not any(similar(item.rule, other.rule) for other in items + category_items):
                items.append(item)
    lines = [found[0][0].summary, ""] if found and found[0][0].summary else []
    checks = [("商品", p.name) for p in i.products] + [("账号名", i.streamer), ("品类", i.category)]
    must, by_hand = [], []
    for what, text in checks:
        hits = matched(text, banned)
        if hits:
            must.append(f"- ⚠️ {what}“{text}”含有禁用的说法：{'、'.join('“' + h + '”' for h in hits)}，上架、口播和标题里都要改掉")
        soft = [t for t in matched(text, list(review)) if not any(t in h for h in hits)]
        for t in soft:
            by_hand.append(f"- 请人工看一眼：{what}“{text}”里有“{t}”——{review[t]}")
    lines.append("**本场检查结果**")
    if must or by_hand:
        lines += must + by_hand
    elif i.products:
        lines.append(f"- 本场 {len(i.products)} 款商品名里没有发现禁用词。")
    else:
        lines.append("- 还没有填商品；上架前用下面的禁用词逐一检查商品名、标题和封面。")
    price_rule = next((it for _, m in found for it in m.items if "原价" in it.rule), None)
    hooks = list(facts.cast.hooks) + list(facts.cast.perks)
    if hooks and price_rule:
        lines.append(f"- 钩子/福利款（{'、'.join(hooks)}）如果标原价或划线价：{price_rule.rule}（{price_rule.law}）")
    if category_items:
        lines += ["", f"**{profile.name}要核对的**", ""] + [f"- [ ] {it.rule}（{it.law}）" for it in category_items]
    if banned:
        lines += ["", f"**禁用词**：{'、'.join(banned)}"]
    if review:
        lines += ["", f"**要人工看上下文的字**：{'、'.join(review)}（查到了不一定违规，原因见上面的检查结果或手册的广告法卡）"]
    if items:
        lines += ["", "**开播前逐条核对**", ""] + [f"- [ ] {it.rule}（{it.law}）" for it in items]
    return section("compliance", lines, [c.id for c, _ in found] + [card.id if card is not None else None])
