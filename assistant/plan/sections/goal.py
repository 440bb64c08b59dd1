"""目标拆解: the target as 场观 × 转化率 × 客单价 (weighted by the sales mix), per hour, after returns, and
whether the audience it needs can come."""

from __future__ import annotations

from assistant.plan.facts import PlanFacts
from assistant.plan.format import count, pct, people, share_words, table, yuan
from assistant.plan.sections.common import card_id, opening, section

ROLE_WORDS = {"hook": "引流款", "perk": "福利款", "main": "承接和主推款", "profit": "利润款", "image": "形象款"}


def _aov_line(facts: PlanFacts) -> str:
    g, mix = facts.goal, facts.mix
    if not g.aov_from_mix:
        return f"- 客单价：{yuan(g.aov)}（还没有填商品，先用100元的中性占位数；填了货盘会按各款预计卖出的件数加权计算）"
    by_role: dict[str, float] = {}
    for item in mix.items:
        by_role[item.choice.role] = by_role.get(item.choice.role, 0.0) + item.order_share
    parts = "、".join(f"{ROLE_WORDS[r]}约{pct(s)}" for r, s in sorted(by_role.items(), key=lambda kv: -kv[1]))
    top = max(mix.items, key=lambda i: i.gmv_share)
    capped = [i.name for i in mix.items if i.capped]
    note = f"；{('、'.join(capped))}按库存封顶" if capped else ""
    return (f"- 客单价：约{yuan(g.aov)}，按预计的单量结构加权（{parts}，经验假设{note}），不是几款价格的平均："
            f"多数订单来自低价款，GMV约{pct(top.gmv_share)}来自“{top.name}”")


def _reach_line(facts: PlanFacts) -> str:
    r = facts.reach
    if r.total <= 0:
        return ""
    if r.ratio <= 1:
        verdict = "够得着"
    elif not r.out_of_reach:
        verdict = "偏紧，要靠预热和投流把人拉满"
    else:
        verdict = "够不着（见上面的注意）"
    paid = f" + 投流约{people(r.paid)}" if r.paid else ""
    return (f"- 人从哪来（粗估）：粉丝约{people(r.fans)} + 推荐流量约{people(r.organic)}{paid} ≈ {people(r.total)}人次，"
            f"需要的是它的{r.ratio:.1f}倍：{verdict}")


def write(facts: PlanFacts):
    i, g, be = facts.inputs, facts.goal, facts.break_even
    card = facts.material.card("goal_assumptions")
    material = facts.material.get("goal_assumptions")
    lines = opening(card)
    lines += [
        f"**目标GMV {yuan(i.target_gmv)} = 场观 × 看播转化率 × 客单价**",
        "",
        f"- 看播转化率：{pct(g.rate)}（{i.stage_name}的经验假设）",
        _aov_line(facts),
        f"- 需要场观：约{people(g.viewers)}人次；需要成交：约{count(g.orders)}单",
        f"- UV价值（转化率 × 客单价）：{g.uv:.2f}元",
        f"- 时长{i.duration_hours:g}小时，平均每小时{yuan(i.target_gmv / i.duration_hours)}",
        f"- 扣退货后：退货率{share_words(be.return_rate)}（{be.return_label}），净GMV约{yuan(i.target_gmv * (1 - be.return_rate))}；"
        f"如果目标是想留下的净GMV，支付GMV要做到约{yuan(i.target_gmv / (1 - be.return_rate))}",
    ]
    reach = _reach_line(facts)
    if reach:
        lines.append(reach)
    peak = next((s for s in facts.slots if s.peak), None)
    lines += ["", "**分小时目标**" + (f"（预计高峰 {peak.label}：最强的钩子和主推款放在这一段）" if peak else ""), ""]
    rows = [[s.label + ("（高峰）" if s.peak else ""), yuan(s.gmv), people(s.viewers), count(s.orders)] for s in facts.slots]
    lines += table(["时段", "目标GMV", "场观", "成交单数"], rows)
    lines += ["", "**假设从哪里来**", ""]
    if material:
        lines.append(f"- 转化率、占位客单价、分小时的权重和到场粗估来自手册《{card.title}》，是经验假设，不是平台标准。")
        lines.append(f"- 分小时：{material.peak.label}。有自己的分时数据时，换成自己的曲线。")
        lines.append(f"- 到场粗估：{material.reach.label}。")
        lines += [f"- {n}" for n in material.notes]
    else:
        lines.append("- 手册里没有目标拆解的经验假设，转化率和客单价用了占位数，请换成自己直播间的数。")
    return section("goal", lines, [card_id(card)])
