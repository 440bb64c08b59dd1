"""团队分工: the team size for the followers, and the shift rules for long and late shows."""

from __future__ import annotations

from assistant.plan.facts import PlanFacts
from assistant.plan.format import count, table
from assistant.plan.sections.common import card_id, opening, section

NIGHT_START = 22


def write(facts: PlanFacts):
    i = facts.inputs
    card = facts.material.card("team_roles")
    team = facts.material.get("team_roles")
    if not team:
        return section("team", ["手册里暂无团队配置资料。"], [])
    ordered = sorted(team.sizes, key=lambda s: (s.max_followers is None, s.max_followers or 0))
    chosen = next((s for s in ordered if s.max_followers is None or i.followers <= s.max_followers), ordered[-1])
    lines = opening(card)
    limit = f"（适用粉丝 {count(chosen.max_followers)} 以内）" if chosen.max_followers is not None else ""
    lines += [f"粉丝 {count(i.followers)}，建议配置：**{chosen.label}**{limit}", ""]
    lines += table(["岗位", "本场职责"], [[r.role, r.duty] for r in chosen.roles])
    night = i.broadcast_at.hour >= NIGHT_START or i.broadcast_at.hour < 5 or (i.end_at.date() > i.broadcast_at.date() and (
        i.end_at.hour, i.end_at.minute) != (0, 0))
    shifts = [s.note for s in team.shifts if (s.night and night) or (not s.night and i.duration_hours >= s.min_hours)]
    if shifts:
        lines += ["", f"**这场{i.duration_hours:g}小时怎么排人**", ""] + [f"- {s}" for s in shifts]
    return section("team", lines, [card_id(card)])
