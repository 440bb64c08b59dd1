"""直播流程: the loops as a timed table, and the host's cue lines for the opening, the first round and the end."""

from __future__ import annotations

from assistant.plan.facts import PlanFacts
from assistant.plan.format import table
from assistant.plan.loops import hook_gaps
from assistant.plan.sections.common import card_id, opening, section

PART_NAMES = {"open": "开场", "hook": "钩子", "bridge": "承接", "main": "主推", "second": "主推", "profit": "利润", "image": "形象款",
              "encore": "返场", "close": "收尾"}


def _when(block, show) -> str:
    crosses = block.start.date() != show.date()
    return f"{block.start:%H:%M}–{block.end:%H:%M}" + ("（次日）" if crosses else "")


def write(facts: PlanFacts):
    i, blocks = facts.inputs, facts.blocks
    card = facts.material.card("show_blocks")
    lines = opening(card)
    end = i.end_at
    crosses = end.date() != i.broadcast_at.date() and not (end.hour == 0 and end.minute == 0 and end.date() == i.broadcast_at.date())
    rounds = max((b.round for b in blocks), default=0)
    head = f"{i.broadcast_at:%H:%M} 开播，{end:%H:%M}{'（次日）' if crosses else ''} 下播，共 {i.minutes} 分钟"
    if rounds:
        loop = [b for b in blocks if b.round == 1]
        length = sum(b.minutes for b in loop)
        gaps = hook_gaps(blocks)
        head += (f"：开场之后 {rounds} 轮循环，每轮约 {length} 分钟（钩子或福利款 → 承接款 → 主推款 → 利润款和搭配款），"
                 f"福袋随主推款的讲解同步发，不单独占时段")
        if gaps:
            head += f"；钩子和福利款最长隔 {max(gaps)} 分钟就回来一次"
        if any(b.highlight for b in blocks):
            head += "；每两小时左右一轮小高潮，上新钩子和新福利"
    lines += [head + "。", ""]
    rows = [[_when(b, i.broadcast_at), f"{b.minutes}分钟", b.segment, "、".join(b.products) or "—"] for b in blocks]
    lines += table(["时间", "时长", "环节", "商品"], rows)
    if not i.products:
        lines += ["", "还没有填商品：按“货盘结构”一节的角色把商品填进对应环节（每轮钩子或福利款开头，主推款讲得最久，"
                  "利润款接在主推款后面搭着讲；形象款开场亮一眼当价格参照）。"]
    shown = [(b, s) for b, s in zip(blocks, facts.scripts) if s and (b.round in (0, 1))]
    if shown:
        lines += ["", "**口播提示**（每一段都有两三句，主播屏上逐段显示；这里列开场、第1轮和收尾，之后每轮换着说）", ""]
        seen_images = False
        for block, script in shown:
            if block.part == "image":
                if seen_images:
                    continue
                seen_images = True
            lines.append(f"- {block.start:%H:%M} {PART_NAMES[block.part]}：" + " ".join(script))
    return section("run_of_show", lines, [card_id(card)] + [c.id for c, _ in facts.material.all("cue_lines") if any(facts.scripts)])
