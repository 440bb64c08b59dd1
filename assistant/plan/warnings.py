"""Sanity checks of a plan, in plain Chinese: a target out of reach (and what would make it reachable),
stock that cannot carry the target, a budget above the target, a lineup without a hook, handbook
material that is missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.plan.format import pct, people, rough_yuan, yuan

if TYPE_CHECKING:  # pragma: no cover
    from assistant.plan.facts import PlanFacts

MISSING = {
    "lineup_roles": "手册里没有货盘角色的资料，商品角色只按价格估",
    "show_blocks": "手册里没有直播流程模板，流程只排成一整段",
    "warmup_schedule": "手册里没有预热排期的资料，预热只排了直播预告",
    "traffic_rules": "手册里没有投流规则，投流部分只给了预算数字",
    "goal_assumptions": "手册里没有目标拆解的经验假设，转化率和客单价用了占位数",
    "team_roles": "手册里没有团队配置的资料",
}


def reach_warning(facts: PlanFacts) -> str | None:
    r, g, i = facts.reach, facts.goal, facts.inputs
    if not r.out_of_reach or r.total <= 0:
        return None
    reachable = r.total * g.uv
    own = r.fans + r.organic
    budget_needed = max(0.0, (g.viewers - own)) * _cost(facts)
    pre_share = facts.material.get("traffic_rules").pre_share if facts.material.get("traffic_rules") else 0.0
    total_budget = budget_needed / (1 - pre_share) if pre_share < 1 else budget_needed
    aov_needed = i.target_gmv / (g.rate * r.total)
    fixes = [f"把目标降到约{rough_yuan(reachable)}"]
    if total_budget > (i.ad_budget or 0):
        fixes.append(f"把投流预算加到约{rough_yuan(total_budget)}（按约{_cost(facts):g}元买一个进入估）")
    fixes.append(f"把客单价提到约{rough_yuan(aov_needed)}（多排主推款和利润款、少放低价款）")
    fixes.append("提前几天预热、做成有预约的大场")
    return (f"这个目标很可能够不着：按看播转化率{pct(g.rate)}、客单价约{yuan(g.aov)}，{yuan(i.target_gmv)}要约{people(g.viewers)}人次场观；"
            f"按{people(i.followers)}粉丝、这个阶段的到场比例、推荐流量和投流预算粗估，这场大约只能来{people(r.total)}人次，"
            f"差了约{r.ratio:.1f}倍。要够得着，可以{'；或'.join(fixes)}。（粗估是本手册的经验值，和自己往期最好的一场比更准）")


def _cost(facts: PlanFacts) -> float:
    goal = facts.material.get("goal_assumptions")
    return goal.reach.cost_per_paid_viewer if goal else 1.0


def plan_warnings(facts: PlanFacts) -> list[str]:
    i = facts.inputs
    out: list[str] = []
    if i.ignored_fields:
        out.append(f"输入里有不认识的项，已忽略：{'、'.join(i.ignored_fields)}")
    for kind, text in MISSING.items():
        if facts.material.get(kind) is None:
            out.append(text)
    reach = reach_warning(facts)
    if reach:
        out.append(reach)
    mix = facts.mix
    if mix.stock_gmv is not None and mix.stock_gmv < i.target_gmv:
        out.append(f"按填的库存全部卖完也只有约{yuan(mix.stock_gmv)}，低于目标{yuan(i.target_gmv)}：补库存、加款，或者下调目标")
    for e in facts.lineup:
        if e.capped and e.choice.role == "main" and e.choice.sub == "lead":
            out.append(f"主推款“{e.name}”的库存（{e.product.stock}件）不够按计划卖：预计要卖的比备货多，"
                       "提前备好追加库存或第二个主推款")
        if e.product.stock == 0:
            out.append(f"“{e.name}”库存是0：这场卖不了，确认是不是填错了")
    if i.products and not facts.cast.hooks and not facts.cast.perks:
        out.append("本场没有钩子款或福利款：每轮开头没有留人的货，建议补一款低价限量的钩子款")
    budget = i.ad_budget or 0
    if budget > i.target_gmv:
        out.append(f"投流预算（{yuan(budget)}）高于目标GMV（{yuan(i.target_gmv)}），请确认是不是填错了")
    return out
