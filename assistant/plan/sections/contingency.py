"""应急预案: the handbook's contingency rules with this show's numbers filled in (break-even ROI, the perk
and main items with their stock, the line for a surge), the paid-traffic rules left out without a budget."""

from __future__ import annotations

from assistant.plan.facts import PlanFacts
from assistant.plan.format import count, table
from assistant.plan.sections.common import section

PAID_SIGNALS = ("ad_spend_stall", "ad_roi")


def _stocked(facts: PlanFacts, names) -> str:
    products = facts.products
    return "、".join(f"{n}（{count(products[n].stock)}件）" if products[n].stock is not None else n for n in names)


def _row(facts: PlanFacts, rule) -> list[str]:
    condition, action = rule.condition, rule.action
    signal = rule.trigger.signal
    if signal == "ad_roi" and facts.break_even.roi is not None:
        condition += f"；本场保本ROI约 {facts.break_even.roi:.1f}"
    if signal == "perk_sold_out" and (facts.cast.hooks or facts.cast.perks):
        action += f"。本场的钩子和福利款：{_stocked(facts, list(facts.cast.hooks) + list(facts.cast.perks))}"
    if signal == "stock_low":
        leads = list(facts.cast.leads) or list(facts.cast.seconds)
        stocked = [n for n in leads if facts.products[n].stock]
        if stocked:
            condition += "；本场：" + "、".join(f"{n}剩约{count(max(1, facts.products[n].stock * rule.trigger.value))}件时"
                                               for n in stocked)
    if signal == "online_surge" and facts.surge_line:
        action += f"。口播：{facts.surge_line}"
    return [rule.metric, condition, action]


def write(facts: PlanFacts):
    found = facts.material.all("contingency_rules")
    has_budget = (facts.inputs.ad_budget or 0) > 0
    rules, seen = [], set()
    for _, material in found:
        for r in material:
            if (not has_budget and r.trigger.signal in PAID_SIGNALS) or (r.metric, r.condition) in seen:
                continue
            seen.add((r.metric, r.condition))
            rules.append(r)
    lines = [found[0][0].summary, ""] if found and found[0][0].summary else []
    if not rules:
        lines.append("手册里暂无应急预案资料。")
    else:
        lines += table(["盯的数", "触发条件", "怎么做"], [_row(facts, r) for r in rules])
        lines += ["", "触发线都是和自己比的提醒线（经验线或本手册建议），直播中控台按同一组数提醒。"]
    if facts.cast.hooks or facts.cast.perks:
        lines += ["", f"本场掉人时可以立刻放出的钩子/福利款：{'、'.join(list(facts.cast.hooks) + list(facts.cast.perks))}。"]
    small = [n for n in list(facts.cast.hooks) + list(facts.cast.perks)
             if facts.products[n].stock is not None and facts.products[n].stock < 100]
    if small:
        lines.append(f"{_stocked(facts, small)}量很少：开场就说清限量多少份，备好第二批福利或换一款福利，抢完马上接承接款。")
    leads = list(facts.cast.leads) or list(facts.cast.seconds)
    if leads:
        lines.append(f"主推款（{'、'.join(leads)}）备好库存和备用链接，快卖完时按真实剩余量逼单。")
    card, profile = facts.material.category
    if profile is not None:
        for note in (profile.after_sales, profile.stock_note):
            if note:
                lines.append(f"{profile.name}：{note}。")
    return section("contingency", lines, [c.id for c, _ in found] + [card.id if card and profile and profile.after_sales else None])
