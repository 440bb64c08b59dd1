"""投流预算: the budget before and during the show, per hour, the break-even ROI with returns, and the rules."""

from __future__ import annotations

from assistant.plan.facts import PlanFacts
from assistant.plan.format import pct, share_words, table, yuan
from assistant.plan.sections.common import card_id, opening, section

RACE_PLANS = 3
RACE_SHARE = 0.3      # of the live budget: the first race of two or three plans


def break_even_lines(facts: PlanFacts) -> list[str]:
    be = facts.break_even
    card = facts.material.category[0]
    rate = f"退货率{share_words(be.return_rate)}（{be.return_label}）"
    commission = f"佣金率{pct(be.commission)}" if be.commission else "佣金率没有填，按0算，有达人佣金或平台服务费时减进去"
    if be.margin is None:
        return ["**保本ROI**：没有填成本，算不出毛利率。公式是 保本ROI = 1 ÷（毛利率 ×（1 − 退货率）− 佣金率），"
                f"本场{rate}；填上每款的成本再生成一次，就能得到本场的保本线。"]
    coverage = "" if facts.mix.margin_coverage >= 0.999 else f"（只算了填了成本的款，约占预计GMV的{pct(facts.mix.margin_coverage)}）"
    head = (f"**保本ROI**：毛利率按各款预计卖出的件数加权约{pct(be.margin)}{coverage}，{rate}，{commission}。")
    if be.roi is None:
        return [head, f"- 扣掉退货和佣金后几乎没有毛利：{pct(be.margin)} ×（1 − {pct(be.return_rate)}）− {pct(be.commission)} ≤ 0，"
                "这场投流怎么投都难保本，先调货盘（多排利润款、少放亏本款）再投。"]
    out = [head,
           f"- 保本ROI = 1 ÷（{pct(be.margin)} ×（1 − {pct(be.return_rate)}）− {pct(be.commission)}）≈ **{be.roi:.1f}**"
           f"（只按毛利算是 {1 / be.margin:.1f}，少算了退货）。"]
    if be.safety > 1:
        out.append(f"- 加投的线：ROI 到 {be.add_line:.1f} 以上（保本线的{be.safety:g}倍，本手册建议留的余量）再加；"
                   f"跑满一刻钟到半小时仍低于 {be.roi:.1f} 的计划降预算或暂停。")
    if card is not None:
        out.append(f"- 退货率的说明见《{card.title}》；有自己往期的退款率就换成自己的。")
    return out


def write(facts: PlanFacts):
    i = facts.inputs
    card = facts.material.card("traffic_rules")
    rules = facts.material.get("traffic_rules")
    budget = i.ad_budget or 0
    lines = opening(card)
    if budget <= 0:
        lines.append("本场没有付费投流预算，靠预热、自然流和私域把人拉进来：")
        lines += [f"- {r}" for r in (rules.zero_budget if rules else [])]
        lines += ["", *break_even_lines(facts), "- 以后开始投流时，就用这条线判断每条计划赚不赚钱。"]
        return section("traffic", lines, [card_id(card), card_id(facts.material.category[0])])
    pre, live = facts.pre_budget, facts.live_budget
    lines += [
        f"**总预算 {yuan(budget)}**：开播前 {yuan(pre)}（{pct(pre / budget)}，只投预热视频和直播预告，收预约、涨粉），"
        f"直播中 {yuan(live)}（直播间推广只在开播后才消耗）。",
        f"- 预算约占目标GMV的 {pct(budget / i.target_gmv)}；整场GMV含自然流，不等于投放ROI。",
    ]
    if live > 0:
        race = round(live * RACE_SHARE)
        lines.append(f"- 开播即跑：{RACE_PLANS}条计划各约{yuan(race / RACE_PLANS)}赛马（开播前建好、设为开播时启动），"
                     f"15到30分钟后按消耗和ROI留下赢家；其余约{yuan(live - race)}按下表留给各时段，高峰多投。")
    lines.append("")
    lines += break_even_lines(facts)
    if facts.slots and live > 0:
        lines += ["", "**直播中按小时分配**（与分小时目标同比例，高峰多投）", ""]
        lines += table(["时段", "预算"], [[s.label + ("（高峰）" if s.peak else ""), yuan(s.budget)] for s in facts.slots])
    if rules:
        lines += ["", "**加减预算的规则**"] + [f"- {r}" for r in rules.rules]
    if budget > i.target_gmv:
        lines.append(f"- 注意：预算（{yuan(budget)}）高于目标GMV（{yuan(i.target_gmv)}），请确认是否填错。")
    return section("traffic", lines, [card_id(card), card_id(facts.material.category[0])])
