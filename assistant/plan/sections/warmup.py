"""预热排期: the timed warm-up items by day, each day's notes, what belongs to the show, and the booking advice."""

from __future__ import annotations

import datetime as dt

from assistant.plan.facts import PlanFacts
from assistant.plan.format import day_label
from assistant.plan.prose import best_card
from assistant.plan.sections.common import card_id, opening, section

VARIANT_WORDS = {
    "big": "按大场排：开播前七天开直播预告收预约，同一天发第一条预热视频。",
    "daily": "按天天播的账号排：每天的预热就是前一天的下播预告，加当天的一两条视频；不是天天播的账号，把“每天都播”关掉，按开播前三天开预约的排法。",
    "regular": "按日常重点场排：开播前三天开直播预告收预约（起号期前一天开）。",
}


def write(facts: PlanFacts):
    i, w = facts.inputs, facts.warmup
    card = facts.material.card("warmup_schedule")
    show_day = i.broadcast_at.date()
    days: dict[dt.date, list] = {}
    for item in w.items:
        days.setdefault(item.at.date(), []).append(item)
    lines = opening(card)
    videos = sum(1 for item in w.items if item.kind == "video")
    lines += [VARIANT_WORDS[w.variant], ""]
    if days:
        lines += [f"从 {day_label(min(days), show_day)} 开始，共 {videos} 条预热视频；开播时间 {i.broadcast_at:%Y-%m-%d %H:%M}。", ""]
    for d in sorted(set(days) | set(w.notes)):
        items = days.get(d, [])
        n = sum(1 for item in items if item.kind == "video")
        lines.append(f"**{day_label(d, show_day)}**" + (f" · 视频 {n} 条" if n else ""))
        lines += [f"- {item.at:%H:%M} {item.text}" for item in items]
        lines += [f"- 提示：{note}" for note in w.notes.get(d, ())]
        lines.append("")
    if w.live:
        lines.append("**开播后**")
        lines += [f"- {t}" for t in w.live]
        lines.append("")
    sources = [card_id(card)]
    booking = best_card(facts.cards, ["warmup-video"], "直播预告 预约 开播提醒", exclude=sources)
    if booking is not None and booking.summary:
        sources.append(booking.id)
        lines.append(f"直播预告与预约：{booking.summary}")
    kinds = best_card(facts.cards, ["warmup-video"], "预热视频 类型 拍什么 内容", exclude=sources)
    if kinds is not None and kinds.summary:
        sources.append(kinds.id)
        lines.append(f"视频怎么拍：{kinds.summary}")
    lines.append("（时间点是建议，发布时间按自己粉丝的活跃时段调整。）")
    return section("warmup", lines, sources)
