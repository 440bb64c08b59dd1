"""货盘结构: each product with its role (and why), margin, stock, expected share of orders and airtime."""

from __future__ import annotations

from assistant.plan.facts import LineupEntry, PlanFacts
from assistant.plan.format import minutes, pct, table, yuan
from assistant.plan.roles import ROLE_NAMES
from assistant.plan.sections.common import card_id, opening, section

ORDER = {"hook": 0, "perk": 1, "main": 2, "profit": 3, "image": 4}
SUB_ORDER = {"bridge": 0, "lead": 1, "second": 2, None: 3}


def _why(e: LineupEntry) -> str:
    c = e.choice
    if c.reason == "given":
        return "按你给的角色"
    if c.reason == "margin" and c.role == "hook":
        return "按毛利：卖价低于成本"
    if c.reason == "margin" and c.role == "perk":
        return f"按毛利：毛利{pct(e.margin or 0)}，接近成本"
    if c.reason == "margin":
        return f"按毛利：毛利率{pct(e.margin or 0)}，排在前列"
    if c.reason == "gap":
        return "全场最贵，远高于第二贵的款"
    if c.reason == "gmv":
        return "价格 × 库存最大，GMV靠它"
    if c.role == "main" and c.sub == "lead":
        return "按价格：剩下的款里最贵"
    return "按价格位置"


def _price_line(e: LineupEntry) -> str:
    parts = [yuan(e.product.price)]
    if e.product.cost is not None:
        parts.append(f"成本{yuan(e.product.cost)}（{pct(e.margin)}）" if e.margin is not None else f"成本{yuan(e.product.cost)}")
    if e.product.stock is not None:
        parts.append(f"库存{e.product.stock:,}")
    return " · ".join(parts)


def _airtime_summary(facts: PlanFacts) -> str:
    total = sum(e.minutes_on_air for e in facts.lineup) or 1.0
    share = lambda *roles: sum(e.minutes_on_air for e in facts.lineup if e.choice.role in roles) / total  # noqa: E731
    text = f"主推和承接款合计约{pct(share('main'))}、利润款约{pct(share('profit'))}"
    hooks = share("hook", "perk")
    if hooks:
        text += f"，钩子和福利款约{pct(hooks)}（每轮开头几分钟）"
    return text + "。"


def write(facts: PlanFacts):
    i = facts.inputs
    card = facts.material.card("lineup_roles")
    roles = sorted(facts.material.get("lineup_roles") or [], key=lambda r: ORDER[r.key])
    lines = opening(card)
    if not i.products:
        lines += ["本场还没有填商品。按下表把货盘补齐（价格带指在全场价格区间里的位置，0% 最便宜、100% 最贵）：", ""]
        lines += table(["角色", "建议占比", "价格带", "作用"],
                       [[r.name, f"{pct(r.share[0])}–{pct(r.share[1])}", f"{pct(r.price_band[0])}–{pct(r.price_band[1])}", r.purpose]
                        for r in roles])
        lines += ["", "填商品时写上成本：角色会按毛利定（卖价低于成本的是引流款，贴着成本的是福利款）；也可以直接写角色。",
                  "", "以上比例是经验值，按自己的品类和粉丝调整。"]
        return section("lineup", lines, [card_id(card)])
    ranked = sorted(facts.lineup, key=lambda e: (ORDER[e.choice.role], SUB_ORDER.get(e.choice.sub, 3), -e.product.price))
    rows = [[e.name, _price_line(e), f"{e.choice.name}（{_why(e)}）", pct(e.order_share), minutes(e.minutes_on_air)]
            for e in ranked]
    lines += table(["商品", "价格 · 成本（毛利率） · 库存", "角色（怎么定的）", "预计单量", "讲解时长"], rows)
    by_air = sorted(facts.lineup, key=lambda e: -e.minutes_on_air)
    lines += ["", "**讲解时长**（整场流程里讲这款的分钟数，一段里有几款就平分）：" + "、".join(
        f"{e.name} {minutes(e.minutes_on_air)}" for e in by_air) + "。" + _airtime_summary(facts)]
    n = len(i.products)
    prices = [p.price for p in i.products]
    lines += ["", f"**角色占比**（共 {n} 款，价格 {yuan(min(prices))}–{yuan(max(prices))}）", ""]
    for r in roles:
        k = sum(1 for e in facts.lineup if e.choice.role == r.key)
        advice = f"，建议 {pct(r.share[0])}–{pct(r.share[1])}" if r.share[1] < 1 else ""
        gap = ""
        if n >= 4 and k == 0 and r.share[0] > 0:
            gap = "，本场没有：" + ("可补一款低价限量、和主营同类的小件" if r.key == "hook" else f"可补一款{ROLE_NAMES[r.key]}")
        elif n >= 6 and k / n > r.share[1] + 0.15:
            gap = "，偏多：考虑把一部分换成其他角色的款"
        lines.append(f"- {r.name}：{k} 款（{pct(k / n)}{advice}{gap}）")
    if n < 3:
        lines += ["", "商品少于3款，占比只作参考；建议至少备齐引流、主推和利润三类。"]
    lines += ["", "角色没填的按毛利和价格定，规则见手册的货盘结构卡；比例是经验值，按自己的品类和粉丝调整。"]
    return section("lineup", lines, [card_id(card)])
