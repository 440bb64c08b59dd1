"""The plan as a printable Markdown document (for pasting into a group chat or printing)."""

from __future__ import annotations

import datetime as dt
from typing import Mapping

from playbook.models import Card

from assistant.plan.format import yuan
from assistant.plan.inputs import STAGE_NAMES
from assistant.types import Plan


def _yuan(x) -> str:
    return yuan(float(x))


def plan_markdown(plan: Plan, cards: Mapping[str, Card] | None = None) -> str:
    """The whole plan as Markdown; ``cards`` (optional) turns source ids into titles."""
    i = plan.inputs
    start = dt.datetime.fromisoformat(i["broadcast_at"])
    lines = [
        f"# {i['streamer']} 直播策划方案：{start.month}月{start.day}日 {start:%H:%M}",
        "",
        f"- 品类：{i['category']}　粉丝：{int(i['followers']):,}　阶段：{STAGE_NAMES.get(i['stage'], i['stage'])}",
        f"- 开播：{start:%Y-%m-%d %H:%M}，时长 {i['duration_hours']} 小时",
        f"- 目标GMV：{_yuan(i['target_gmv'])}　投流预算：{_yuan(i['ad_budget']) if i.get('ad_budget') else '无'}"
        f"　商品：{len(i.get('products') or [])} 款",
    ]
    if plan.notice:
        lines += ["", f"> {plan.notice}"]
    if plan.warnings:
        lines += [""] + [f"> 注意：{w}" for w in plan.warnings]
    for n, section in enumerate(plan.sections, 1):
        lines += ["", f"## {n}. {section.title}", "", section.markdown]
        if section.sources:
            names = []
            for cid in section.sources:
                card = (cards or {}).get(cid)
                names.append(f"《{card.title}》（{cid}）" if card else cid)
            lines += ["", f"*参考手册：{'；'.join(names)}*"]
    lines += ["", "---", "本方案由操盘手作战手册生成：数字、时间和流程按输入计算，方法来自手册卡片；经验值仅供参考，以自己直播间的数据为准。"]
    return "\n".join(lines).rstrip() + "\n"
