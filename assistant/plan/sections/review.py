"""复盘清单: the targets to compare after the show (GMV, net GMV, refunds, audience, ROI per ad plan), the
metrics and the questions of the review."""

from __future__ import annotations

from assistant.plan.facts import PlanFacts
from assistant.plan.format import pct, people, table, yuan
from assistant.plan.sections.common import section


def write(facts: PlanFacts):
    i, g, be = facts.inputs, facts.goal, facts.break_even
    found = facts.material.all("review_checklist")
    metrics: list[str] = []
    questions: list[str] = []
    for _, m in found:
        metrics += [x for x in m.metrics if x not in metrics]
        questions += [q for q in m.questions if q not in questions]
    lines = [found[0][0].summary, ""] if found and found[0][0].summary else []
    lines += [f"下播时间 {i.end_at:%Y-%m-%d %H:%M}；复盘时把下表的目标和实际逐项对比，退款在一周左右回填。", ""]
    rows = [
        ["支付GMV", yuan(i.target_gmv), ""],
        ["净GMV（扣退款）", yuan(i.target_gmv * (1 - be.return_rate)), ""],
        ["退款率", f"不高于{pct(be.return_rate)}（经验假设）", ""],
        ["场观", people(g.viewers), ""],
        ["看播转化率", pct(g.rate), ""],
        ["客单价", yuan(g.aov), ""],
        ["UV价值", f"{g.uv:.2f}元", ""],
    ]
    if i.ad_budget:
        rows.append(["投流花费", yuan(i.ad_budget), ""])
        line = f"不低于{be.roi:.1f}（保本线）" if be.roi is not None else "和保本ROI比（填上成本才能算）"
        rows.append(["每条投放计划的ROI", line, "每条计划一行"])
    lines += table(["指标", "本场目标", "实际"], rows)
    if metrics:
        lines += ["", "**要看的数**", ""] + [f"- {m}" for m in metrics]
    if questions:
        lines += ["", "**复盘要回答的问题**", ""] + [f"{n}. {q}" for n, q in enumerate(questions, 1)]
    return section("review", lines, [c.id for c, _ in found])
