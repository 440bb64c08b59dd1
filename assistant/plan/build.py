"""Building a pre-broadcast plan from the inputs and the handbook's plan material.

Every number, date and time block is computed here; the words come from the cards (their structured
``plan:`` material and, for persona and stage advice, their summaries and steps). Each section lists
the ids of the cards it used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from playbook.models import Card

from assistant.plan.inputs import PlanInputs, Product, parse_plan_inputs
from assistant.plan.material import as_card_map, cards_with_topics, find_material, first_material
from assistant.plan.schedule import (
    DAY_TASK_TIME,
    FALLBACK_TEMPLATE,
    SHOW_DAY_TASK_LEAD,
    SHOW_DAY_VIDEO_GAP,
    SHOW_DAY_VIDEO_LEAD,
    TimedItem,
    choose_template,
    happens_after_start,
    lead_minutes,
    show_blocks,
    video_times,
)
from assistant.text import card_points, card_weights, terms
from assistant.types import Plan, PlanSection, ShowBlock, WarmupDay, WarmupEvent

SECTION_TITLES = {
    "goal": "目标拆解",
    "persona": "人设与定位",
    "lineup": "货盘结构",
    "warmup": "预热排期",
    "traffic": "投流预算",
    "run_of_show": "直播流程",
    "team": "团队分工",
    "contingency": "应急预案",
    "compliance": "合规检查",
    "review": "复盘清单",
}
SECTION_KEYS = tuple(SECTION_TITLES)
WEEKDAYS = "一二三四五六日"
# Words that describe each account stage; used to find the handbook's advice for the stage.
STAGE_WORDS = {
    "cold-start": ("新号 起号 冷启动 刚开播 前两周 起步", ("growth-stages", "new-customers")),
    "growth": ("成长期 增长 拉新 自然流 精准人群 扩大", ("growth-stages", "new-customers", "traffic-organic")),
    "plateau": ("瓶颈 不涨 停滞 平台期 下滑 诊断 突破", ("stagnation", "growth-stages")),
    "big-event": ("大场 破纪录 活动节点 提前准备 冲刺", ("big-event",)),
}
DEFAULT_ROLES = (
    {"key": "main", "name": "主推款", "share": [1.0, 1.0], "price_band": [0.0, 1.0], "purpose": "（手册中暂无货盘角色资料）"},
)


# ---------------------------------------------------------------------------------------------
# Formatting helpers.

def yuan(x: float) -> str:
    """Money in a form operators read: 1000万元, 3.5万元, 399元, 9.9元."""
    if abs(x) >= 10_000:
        wan = x / 10_000
        text = f"{wan:,.2f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{text}元"


def count(x: float) -> str:
    return f"{int(round(x)):,}"


def pct(x: float) -> str:
    return f"{x * 100:.1f}".rstrip("0").rstrip(".") + "%"


def day_label(day: dt.date, show_day: dt.date) -> str:
    diff = (show_day - day).days
    tag = "开播当天" if diff == 0 else f"T-{diff}"
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}，{tag}）"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(text: str) -> str:
        return str(text).replace("|", "／").replace("\n", " ")

    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out


# ---------------------------------------------------------------------------------------------
# Card prose helpers.

def has_steps(card: Card) -> bool:
    return any(p.kind == "step" for p in card_points(card))


def best_card(cards: Mapping[str, Card], topics: Iterable[str], query: str, exclude: Iterable[str] = (),
              need_steps: bool = False) -> Card | None:
    """The card of the given topics whose wording best matches ``query`` (IDF-weighted)."""
    candidates = [c for c in cards_with_topics(cards, topics)
                  if c.id not in set(exclude) and (not need_steps or has_steps(c))]
    if not candidates:
        return None
    weights = card_weights(cards)
    q = terms(query)

    def score(card: Card) -> float:
        head = " ".join([card.title, card.summary, " ".join(card.keywords), " ".join(card.questions)])
        return weights.overlap(q, terms(head))

    return max(candidates, key=lambda c: (score(c), -len(c.id)))


def best_steps(card: Card, query: str, limit: int, cards: Mapping[str, Card]) -> list[str]:
    """Up to ``limit`` numbered steps of a card, the best match to ``query`` first, in card order."""
    weights = card_weights(cards)
    q = terms(query)
    steps = [(weights.overlap(q, terms(p.text)), p) for p in card_points(card) if p.kind == "step"]
    if not steps:
        return []
    best = max(score for score, _ in steps)
    ranked = sorted((sp for sp in steps if sp[0] >= 0.6 * best), key=lambda sp: -sp[0])[:limit]
    return [p.text for _, p in sorted(ranked, key=lambda sp: sp[1].number or 0)]


# ---------------------------------------------------------------------------------------------
# Numbers shared by several sections.

@dataclass(frozen=True)
class HourSlot:
    start: dt.datetime
    end: dt.datetime
    weight: float
    peak: bool
    gmv: float = 0.0
    viewers: float = 0.0
    orders: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass
class Context:
    inputs: PlanInputs
    cards: dict[str, Card]
    warnings: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)           # product name -> role key
    role_defs: list[dict] = field(default_factory=list)
    hook_names: list[str] = field(default_factory=list)
    slots: list[HourSlot] = field(default_factory=list)
    goal_numbers: dict[str, float] = field(default_factory=dict)


def hour_slots(inputs: PlanInputs, peak_weight: float) -> list[HourSlot]:
    """Hour slots from the start; the slots overlapping the middle third of the show are the peak."""
    total = inputs.minutes
    slots = []
    lo_peak, hi_peak = total / 3, 2 * total / 3
    for offset in range(0, total, 60):
        end = min(offset + 60, total)
        peak = total >= 120 and offset < hi_peak and end > lo_peak
        weight = (end - offset) / 60 * (peak_weight if peak else 1.0)
        slots.append(HourSlot(inputs.broadcast_at + dt.timedelta(minutes=offset),
                              inputs.broadcast_at + dt.timedelta(minutes=end), weight, peak))
    return slots


def split_by_weight(total: float, weights: list[float], unit: float = 1.0) -> list[float]:
    """Split ``total`` by weights, rounded to ``unit``, with the rounding put on the largest part so
    the parts add up exactly to the (rounded) total."""
    if not weights:
        return []
    s = sum(weights) or 1.0
    parts = [round(total * w / s / unit) * unit for w in weights]
    diff = round(total / unit) * unit - sum(parts)
    biggest = max(range(len(parts)), key=lambda i: parts[i])
    parts[biggest] += diff
    return parts


# ---------------------------------------------------------------------------------------------
# Sections.

def goal_section(ctx: Context) -> PlanSection:
    inputs = ctx.inputs
    card, material = first_material(ctx.cards, "goal_assumptions")
    sources = [card.id] if card else []
    lines: list[str] = []
    if material:
        rate = float(material["conversion_rate"][inputs.stage])
        default_aov = float(material["default_aov"])
        peak_weight = float(material.get("peak_hour_weight", 1) or 1)
        notes = list(material.get("notes") or [])
    else:
        rate, default_aov, peak_weight, notes = 0.02, 100.0, 1.0, []
        ctx.warnings.append("手册中没有目标拆解假设（goal_assumptions），转化率和客单价用了占位数")
    if inputs.products:
        aov = sum(p.price for p in inputs.products) / len(inputs.products)
        aov_note = f"按本场 {len(inputs.products)} 款商品的平均价格估算，实际客单价取决于各款卖出的件数"
    else:
        aov = default_aov
        aov_note = "没有提供商品和价格，用手册的中性占位数，给了货盘后会按商品价格计算"
    viewers = inputs.target_gmv / (rate * aov)
    orders = inputs.target_gmv / aov
    uv = rate * aov
    ctx.goal_numbers = {"rate": rate, "aov": aov, "viewers": viewers, "orders": orders, "uv": uv}
    slots = hour_slots(inputs, peak_weight)
    gmvs = split_by_weight(inputs.target_gmv, [s.weight for s in slots])
    views = split_by_weight(viewers, [s.weight for s in slots])
    ords = split_by_weight(orders, [s.weight for s in slots])
    ctx.slots = [HourSlot(s.start, s.end, s.weight, s.peak, g, v, o) for s, g, v, o in zip(slots, gmvs, views, ords)]

    if card and card.summary:
        lines += [card.summary, ""]
    lines += [
        f"**目标GMV {yuan(inputs.target_gmv)} = 场观 × 看播转化率 × 客单价**",
        "",
        f"- 看播转化率：{pct(rate)}（{inputs.stage_name}的经验假设）",
        f"- 客单价：{yuan(aov)}（{aov_note}）",
        f"- 需要场观：约 {count(viewers)} 人次；需要成交：约 {count(orders)} 单",
        f"- UV价值（转化率 × 客单价）：{uv:.2f}元",
        f"- 时长 {inputs.duration_hours:g} 小时，平均每小时 {yuan(inputs.target_gmv / inputs.duration_hours)}",
        "",
        "**分小时目标**" + (f"（高峰小时按普通小时的 {peak_weight:g} 倍排）" if any(s.peak for s in ctx.slots) and peak_weight > 1 else ""),
        "",
    ]
    rows = [[s.label + ("（高峰）" if s.peak else ""), yuan(s.gmv), count(s.viewers), count(s.orders)] for s in ctx.slots]
    lines += _table(["时段", "目标GMV", "场观", "成交单数"], rows)
    lines += ["", "**假设从哪里来**", ""]
    lines.append(f"- 转化率、占位客单价、高峰权重来自手册《{card.title}》的经验假设，不是平台标准。" if card else "- 手册中暂无目标拆解假设。")
    lines.append("- 高峰时段按整场的中间三分之一估计（开场在爬坡、收尾在回落）；有分时数据时用自己的高峰时段替换。")
    lines += [f"- {n}" for n in notes]
    return PlanSection("goal", SECTION_TITLES["goal"], "\n".join(lines), tuple(sources))


def persona_section(ctx: Context) -> PlanSection:
    inputs = ctx.inputs
    query = f"{inputs.category} 人设 定位 {inputs.streamer}"
    sources: list[str] = []
    lines = [f"**{inputs.streamer}**｜品类：{inputs.category}｜粉丝：{count(inputs.followers)}｜阶段：{inputs.stage_name}", ""]
    persona = best_card(ctx.cards, ["persona"], query, need_steps=True)
    if persona is not None:
        sources.append(persona.id)
        if persona.summary:
            lines += [persona.summary, ""]
        lines += [f"{i}. {s}" for i, s in enumerate(best_steps(persona, query, 3, ctx.cards), 1)]
        lines.append("")
        other = best_card(ctx.cards, ["persona"], f"{inputs.category} 人设", exclude=[persona.id])
        if other is not None and other.summary and inputs.category and terms(inputs.category) & terms(other.title + other.summary):
            sources.append(other.id)
            lines += [f"- {other.summary}", ""]
    else:
        ctx.warnings.append("手册中没有人设定位的卡片")
    words, topics = STAGE_WORDS[inputs.stage]
    stage_card = best_card(ctx.cards, topics, words, exclude=sources, need_steps=True)
    if stage_card is not None:
        sources.append(stage_card.id)
        lines += [f"**{inputs.stage_name}的重点**", ""]
        if stage_card.summary:
            lines.append(stage_card.summary)
        lines += [f"- {s}" for s in best_steps(stage_card, words + " " + inputs.category, 2, ctx.cards)]
    return PlanSection("persona", SECTION_TITLES["persona"], "\n".join(lines).strip(), tuple(sources))


def _band_center(role: dict) -> float:
    lo, hi = role["price_band"]
    return (lo + hi) / 2


def assign_roles(products: tuple[Product, ...], roles: list[dict]) -> dict[str, str]:
    """Each product's role by its price relative to the others.

    Position 0..1 in the show's price range = the mean of the price's rank position and its linear
    position (so both order and distance count); the role is the one whose ``price_band`` holds the
    position, the nearest band centre breaking overlaps. Equal prices get the same role; a single
    product or a flat price range sits in the middle.
    """
    if not products:
        return {}
    prices = sorted(p.price for p in products)
    lo, hi, n = prices[0], prices[-1], len(prices)
    out = {}
    for p in products:
        if n == 1 or hi == lo:
            pos = 0.5
        else:
            below = sum(1 for x in prices if x < p.price)
            same = sum(1 for x in prices if x == p.price)
            rank = (below + (same - 1) / 2) / (n - 1)
            pos = (rank + (p.price - lo) / (hi - lo)) / 2
        holding = [r for r in roles if r["price_band"][0] - 1e-9 <= pos <= r["price_band"][1] + 1e-9]
        pool = holding or roles
        best = min(pool, key=lambda r: (abs(pos - _band_center(r)) if holding else min(abs(pos - r["price_band"][0]), abs(pos - r["price_band"][1]))))
        out[p.name] = best["key"]
    return out


def lineup_section(ctx: Context) -> PlanSection:
    inputs = ctx.inputs
    card, roles = first_material(ctx.cards, "lineup_roles")
    if not roles:
        roles = list(DEFAULT_ROLES)
        ctx.warnings.append("手册中没有货盘角色资料（lineup_roles）")
    roles = sorted((dict(r) for r in roles), key=_band_center)
    ctx.role_defs = roles
    names = {r["key"]: r["name"] for r in roles}
    lines: list[str] = []
    if card and card.summary:
        lines += [card.summary, ""]
    if inputs.products:
        ctx.roles = assign_roles(inputs.products, roles)
        prices = [p.price for p in inputs.products]
        lo, hi = min(prices), max(prices)
        order = {r["key"]: i for i, r in enumerate(roles)}
        ranked = sorted(inputs.products, key=lambda p: (order[ctx.roles[p.name]], p.price))
        purposes = {r["key"]: r["purpose"] for r in roles}
        lines += _table(["商品", "价格", "角色", "这款的任务"],
                        [[p.name, yuan(p.price), names[ctx.roles[p.name]], purposes[ctx.roles[p.name]]] for p in ranked])
        lines += ["", f"**角色占比**（共 {len(inputs.products)} 款，价格 {yuan(lo)}–{yuan(hi)}）", ""]
        n = len(inputs.products)
        for r in roles:
            k = sum(1 for v in ctx.roles.values() if v == r["key"])
            share_lo, share_hi = r["share"]
            advice = f"建议 {pct(share_lo)}–{pct(share_hi)}" if share_hi < 1 else ""
            gap = ""
            if n >= 3 and k / n + 1e-9 < share_lo and hi > lo:
                band_lo, band_hi = (lo + b * (hi - lo) for b in r["price_band"])
                gap = f"，偏少：可补充价格约 {yuan(band_lo)}–{yuan(band_hi)} 的款"
            elif n >= 6 and k / n > share_hi + 1e-9:
                gap = "，偏多：考虑换成其他角色的款"
            lines.append(f"- {r['name']}：{k} 款（{pct(k / n)}{'，' + advice if advice else ''}{gap}）")
        if n < 3:
            lines += ["", "商品少于3款，占比只作参考；建议至少备齐引流、主推和利润三类。"]
    else:
        lines += ["本场还没有填商品。按下表把货盘补齐（价格带指在全场价格区间里的位置，0% 最便宜、100% 最贵）：", ""]
        lines += _table(["角色", "建议占比", "价格带", "作用"],
                        [[r["name"], f"{pct(r['share'][0])}–{pct(r['share'][1])}",
                          f"{pct(r['price_band'][0])}–{pct(r['price_band'][1])}", r["purpose"]] for r in roles])
    lines += ["", "以上比例是经验值，按自己的品类和粉丝调整。"]
    for p in inputs.products:
        if ctx.roles.get(p.name) in ("hook", "perk"):
            ctx.hook_names.append(p.name)
    return PlanSection("lineup", SECTION_TITLES["lineup"], "\n".join(lines), (card.id,) if card else ())


def warmup_items(ctx: Context) -> tuple[list[TimedItem], list[str], list[str]]:
    """(timed warm-up items, actions that belong to the show itself, source card ids)."""
    inputs = ctx.inputs
    start = inputs.broadcast_at
    show_day = start.date()
    items: list[TimedItem] = []
    live: list[str] = []
    sources: list[str] = []
    order = 0
    steps: list[tuple[Card, dict]] = []
    for card, schedule in find_material(ctx.cards, "warmup_schedule"):
        for step in schedule:
            if inputs.stage in step.get("stages", [inputs.stage]):
                steps.append((card, step))
                if card.id not in sources:
                    sources.append(card.id)
    steps.sort(key=lambda cs: -cs[1]["days_before"])
    for card, step in steps:
        days = int(step["days_before"])
        day = show_day - dt.timedelta(days=days)
        n = int(step.get("videos", 0))
        types = list(step.get("video_types") or []) or ["预热视频"]
        if days == 0:
            times = [start - dt.timedelta(minutes=SHOW_DAY_VIDEO_LEAD + SHOW_DAY_VIDEO_GAP * (n - 1 - j)) for j in range(n)]
        else:
            times = video_times(day, n)
        for j, when in enumerate(times):
            order += 1
            items.append(TimedItem(when, f"发布预热视频：{types[j % len(types)]}", "video", order))
        for task in step.get("tasks") or []:
            order += 1
            if days == 0:
                if happens_after_start(task):
                    live.append(task)
                    continue
                lead = lead_minutes(task)
                when = start - dt.timedelta(minutes=lead if lead else SHOW_DAY_TASK_LEAD)
            else:
                when = dt.datetime.combine(day, dt.time.fromisoformat(DAY_TASK_TIME))
            kind = "booking" if "预告" in task or "预约" in task else "task"
            items.append(TimedItem(when, task, kind, order))
    if not any("预告" in i.text for i in items):
        first = min((i.at.date() for i in items), default=show_day - dt.timedelta(days=1))
        when = dt.datetime.combine(first, dt.time.fromisoformat(DAY_TASK_TIME))
        if when >= start:
            when = start - dt.timedelta(minutes=SHOW_DAY_TASK_LEAD)
        items.append(TimedItem(when, "发布直播预告并开启预约，让粉丝收到开播提醒", "booking", 0))
    # Every item strictly before the start, no repeated text on the same day.
    seen: set[tuple[dt.date, str]] = set()
    kept = []
    for item in sorted(items, key=lambda i: (i.at, i.order)):
        if item.at >= start:
            item = TimedItem(start - dt.timedelta(minutes=5), item.text, item.kind, item.order)
        key = (item.at.date(), item.text)
        if key in seen and item.kind != "video":
            continue
        seen.add(key)
        kept.append(item)
    return kept, live, sources


def warmup_section(ctx: Context) -> tuple[PlanSection, list[WarmupDay], list[WarmupEvent]]:
    inputs = ctx.inputs
    items, live, sources = warmup_items(ctx)
    show_day = inputs.broadcast_at.date()
    days: dict[dt.date, list[TimedItem]] = {}
    for item in items:
        days.setdefault(item.at.date(), []).append(item)
    schedule = [WarmupDay(d.isoformat(), tuple(f"{i.at:%H:%M} {i.text}" for i in its)) for d, its in sorted(days.items())]
    events = [WarmupEvent(i.at.strftime("%Y-%m-%dT%H:%M"), i.text, i.kind) for i in items]
    lines: list[str] = []
    card = ctx.cards.get(sources[0]) if sources else None
    if card and card.summary:
        lines += [card.summary, ""]
    videos = sum(1 for i in items if i.kind == "video")
    if items:
        first = min(days)
        lines += [f"从 {day_label(first, show_day)} 开始，共 {videos} 条预热视频；开播时间 {inputs.broadcast_at:%Y-%m-%d %H:%M}。", ""]
    for d, its in sorted(days.items()):
        n = sum(1 for i in its if i.kind == "video")
        lines.append(f"**{day_label(d, show_day)}**" + (f" · 视频 {n} 条" if n else ""))
        lines += [f"- {i.at:%H:%M} {i.text}" for i in its]
        lines.append("")
    if live:
        lines.append("**开播后**")
        lines += [f"- {t}" for t in live]
        lines.append("")
    booking = best_card(ctx.cards, ["warmup-video"], "直播预告 预约 开播提醒", exclude=sources)
    if booking is not None and booking.summary:
        sources.append(booking.id)
        lines.append(f"直播预告与预约：{booking.summary}")
    types = best_card(ctx.cards, ["warmup-video"], "预热视频 类型 拍什么 内容", exclude=sources)
    if types is not None and types.summary:
        sources.append(types.id)
        lines.append(f"视频怎么拍：{types.summary}")
    lines.append("（时间点是建议，发布时间按自己粉丝的活跃时段调整。）")
    if not sources:
        ctx.warnings.append("手册中没有预热排期资料（warmup_schedule）")
    return PlanSection("warmup", SECTION_TITLES["warmup"], "\n".join(lines).strip(), tuple(sources)), schedule, events


def traffic_section(ctx: Context) -> PlanSection:
    inputs = ctx.inputs
    card, rules = first_material(ctx.cards, "traffic_rules")
    sources = [card.id] if card else []
    budget = inputs.ad_budget or 0
    lines: list[str] = []
    if card and card.summary:
        lines += [card.summary, ""]
    if not rules:
        ctx.warnings.append("手册中没有投流规则（traffic_rules）")
        rules = {"pre_share": 0.0, "rules": [], "zero_budget": []}
    if budget <= 0:
        lines.append("本场没有付费投流预算" + ("（ad_budget = 0）" if inputs.ad_budget == 0 else "（未填写 ad_budget）") + "，靠自然流和私域把人拉进来：")
        lines += [f"- {r}" for r in rules["zero_budget"]]
    else:
        pre = round(budget * float(rules["pre_share"]))
        during = budget - pre
        lines += [
            f"**总预算 {yuan(budget)}**：开播前 {yuan(pre)}（{pct(float(rules['pre_share']))}），直播中 {yuan(during)}。",
            f"- 预算约占目标GMV的 {pct(budget / inputs.target_gmv)}；目标GMV ÷ 预算 = {inputs.target_gmv / budget:.1f}（整场GMV含自然流，不等于投放ROI）。",
            "",
        ]
        if ctx.slots and during > 0:
            parts = split_by_weight(during, [s.weight for s in ctx.slots])
            lines += ["**直播中按小时分配**（与分小时GMV目标同比例，高峰多投）", ""]
            lines += _table(["时段", "预算"], [[s.label + ("（高峰）" if s.peak else ""), yuan(p)] for s, p in zip(ctx.slots, parts)])
            lines.append("")
        lines.append("**加减预算的规则**")
        lines += [f"- {r}" for r in rules["rules"]]
        if budget > inputs.target_gmv:
            ctx.warnings.append("投流预算高于目标GMV，请确认数字")
            lines.append(f"- 注意：预算（{yuan(budget)}）高于目标GMV（{yuan(inputs.target_gmv)}），请确认是否填错。")
    return PlanSection("traffic", SECTION_TITLES["traffic"], "\n".join(lines).strip(), tuple(sources))


def run_of_show_section(ctx: Context) -> tuple[PlanSection, list[ShowBlock]]:
    inputs = ctx.inputs
    templates: list[dict] = []
    source = None
    for card, material in find_material(ctx.cards, "show_blocks"):
        if any(inputs.duration_hours <= t["max_hours"] + 1e-9 for t in material) or source is None:
            templates, source = list(material), card
            if any(inputs.duration_hours <= t["max_hours"] + 1e-9 for t in material):
                break
    if not templates:
        ctx.warnings.append("手册中没有直播流程模板（show_blocks），流程只有一个时间块")
    template = choose_template(templates, inputs.duration_hours) if templates else FALLBACK_TEMPLATE
    by_role: dict[str, list[str]] = {}
    for p in sorted(inputs.products, key=lambda p: p.price):
        by_role.setdefault(ctx.roles.get(p.name, "main"), []).append(p.name)
    blocks = show_blocks(inputs.broadcast_at, inputs.minutes, template, by_role)
    lines: list[str] = []
    if source and source.summary:
        lines += [source.summary, ""]
    end = inputs.end_at
    crosses = end.date() != inputs.broadcast_at.date()
    lines += [f"{inputs.broadcast_at:%H:%M} 开播，{end:%H:%M}{'（次日）' if crosses else ''} 下播，共 {inputs.minutes} 分钟，按 {template['max_hours']:g} 小时以内的模板切块。", ""]
    rows = []
    for b in blocks:
        when = f"{b.start}–{b.end}" + ("（次日）" if b.day else "")
        rows.append([when, f"{b.minutes}分钟", b.segment, "、".join(b.products) or "—"])
    lines += _table(["时间", "时长", "环节", "商品"], rows)
    if not inputs.products:
        lines += ["", "还没有填商品：按“货盘结构”一节的角色把商品填进对应环节（钩子款在前，利润款、形象款在后）。"]
    return PlanSection("run_of_show", SECTION_TITLES["run_of_show"], "\n".join(lines), (source.id,) if source else ()), blocks


def team_section(ctx: Context) -> PlanSection:
    inputs = ctx.inputs
    card, sizes = first_material(ctx.cards, "team_roles")
    lines: list[str] = []
    if not sizes:
        ctx.warnings.append("手册中没有团队配置资料（team_roles）")
        return PlanSection("team", SECTION_TITLES["team"], "手册中暂无团队配置资料。", ())
    ordered = sorted(sizes, key=lambda s: (s.get("max_followers") is None, s.get("max_followers") or 0))
    chosen = next((s for s in ordered if s.get("max_followers") is None or inputs.followers <= s["max_followers"]), ordered[-1])
    if card.summary:
        lines += [card.summary, ""]
    limit = chosen.get("max_followers")
    lines += [f"粉丝 {count(inputs.followers)}，建议配置：**{chosen['label']}**" + (f"（适用粉丝 {count(limit)} 以内）" if limit is not None else ""), ""]
    lines += _table(["岗位", "本场职责"], [[r["role"], r["duty"]] for r in chosen["roles"]])
    return PlanSection("team", SECTION_TITLES["team"], "\n".join(lines), (card.id,))


def contingency_section(ctx: Context) -> PlanSection:
    found = find_material(ctx.cards, "contingency_rules")
    sources = [c.id for c, _ in found]
    rules, seen = [], set()
    for _, material in found:
        for r in material:
            key = (r["metric"], r["condition"])
            if key not in seen:
                seen.add(key)
                rules.append(r)
    lines: list[str] = []
    if found and found[0][0].summary:
        lines += [found[0][0].summary, ""]
    if not rules:
        ctx.warnings.append("手册中没有应急预案资料（contingency_rules）")
        lines.append("手册中暂无应急预案资料。")
    else:
        lines += _table(["盯的数", "触发条件", "怎么做"], [[r["metric"], r["condition"], r["action"]] for r in rules])
    if ctx.hook_names:
        lines += ["", f"本场掉人时可以立刻放出的钩子/福利款：{'、'.join(ctx.hook_names)}。"]
    mains = [p.name for p in ctx.inputs.products if ctx.roles.get(p.name) == "main"]
    if mains:
        lines.append(f"主推款（{'、'.join(mains)}）备好库存和备用链接，快卖完时按真实剩余量逼单。")
    return PlanSection("contingency", SECTION_TITLES["contingency"], "\n".join(lines).strip(), tuple(sources))


def _similar(a: str, b: str, threshold: float = 0.6) -> bool:
    """Two checklist lines say the same thing (share most of their wording)."""
    ta, tb = terms(a), terms(b)
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) >= threshold


def _matched_terms(text: str, banned: list[str]) -> list[str]:
    found = [t for t in banned if t and t in text]
    return [t for t in found if not any(t != o and t in o for o in found)]


def compliance_section(ctx: Context) -> PlanSection:
    inputs = ctx.inputs
    found = find_material(ctx.cards, "compliance_checklist")
    sources = [c.id for c, _ in found]
    banned: list[str] = []
    items: list[dict] = []
    for _, material in found:
        for t in material["banned_terms"]:
            if t not in banned:
                banned.append(t)
        for item in material["items"]:
            if not any(_similar(item["rule"], i["rule"]) for i in items):
                items.append(item)
    lines: list[str] = []
    if found and found[0][0].summary:
        lines += [found[0][0].summary, ""]
    checks = [("商品", p.name) for p in inputs.products] + [("账号名", inputs.streamer), ("品类", inputs.category)]
    flags = []
    for what, text in checks:
        hits = _matched_terms(text, banned)
        if hits:
            flags.append(f"- ⚠️ {what}“{text}”含有绝对化或比价用语：{'、'.join('“' + h + '”' for h in hits)}，上架、口播和标题里都要改掉")
    lines.append("**本场检查结果**")
    if flags:
        lines += flags
    elif inputs.products:
        lines.append(f"- 本场 {len(inputs.products)} 款商品名里没有发现禁用词。")
    else:
        lines.append("- 还没有填商品；上架前用下面的禁用词逐一检查商品名、标题和封面。")
    if ctx.hook_names:
        lines.append(f"- 钩子/福利款（{'、'.join(ctx.hook_names)}）标注的原价、划线价必须是近期真实成交价。")
    if banned:
        lines += ["", f"**禁用词**：{'、'.join(banned)}"]
    if items:
        lines += ["", "**开播前逐条核对**", ""]
        lines += [f"- [ ] {i['rule']}（{i['law']}）" for i in items]
    if not found:
        ctx.warnings.append("手册中没有合规清单（compliance_checklist）")
    return PlanSection("compliance", SECTION_TITLES["compliance"], "\n".join(lines).strip(), tuple(sources))


def review_section(ctx: Context) -> PlanSection:
    inputs = ctx.inputs
    found = find_material(ctx.cards, "review_checklist")
    sources = [c.id for c, _ in found]
    metrics: list[str] = []
    questions: list[str] = []
    for _, material in found:
        metrics += [m for m in material["metrics"] if m not in metrics]
        questions += [q for q in material["questions"] if q not in questions]
    lines: list[str] = []
    if found and found[0][0].summary:
        lines += [found[0][0].summary, ""]
    lines.append(f"下播时间 {inputs.end_at:%Y-%m-%d %H:%M}；复盘时把下表的目标和实际逐项对比。")
    g = ctx.goal_numbers
    if g:
        lines.append("")
        lines += _table(["指标", "本场目标", "实际"], [
            ["GMV", yuan(inputs.target_gmv), ""],
            ["场观", count(g["viewers"]), ""],
            ["看播转化率", pct(g["rate"]), ""],
            ["客单价", yuan(g["aov"]), ""],
            ["UV价值", f"{g['uv']:.2f}元", ""],
        ] + ([["投流花费", yuan(inputs.ad_budget), ""]] if inputs.ad_budget else []))
    if metrics:
        lines += ["", "**要看的数**", ""] + [f"- {m}" for m in metrics]
    if questions:
        lines += ["", "**复盘要回答的问题**", ""] + [f"{i}. {q}" for i, q in enumerate(questions, 1)]
    if not found:
        ctx.warnings.append("手册中没有复盘清单（review_checklist）")
    return PlanSection("review", SECTION_TITLES["review"], "\n".join(lines).strip(), tuple(sources))


# ---------------------------------------------------------------------------------------------

def build_plan(inputs: PlanInputs | Mapping[str, Any], cards: Mapping[str, Card] | Iterable[Card], *,
               chat_model=None, llm_timeout: float = 20.0) -> Plan:
    """The plan for validated inputs (or a raw mapping, validated here; PlanInputError if invalid).

    With ``chat_model`` (a LangChain chat model) the persona advice is also rewritten for this
    streamer (see ``assistant.plan.personalise``); everything computed stays the same."""
    if not isinstance(inputs, PlanInputs):
        inputs = parse_plan_inputs(dict(inputs))
    ctx = Context(inputs=inputs, cards=as_card_map(cards))
    if inputs.ignored_fields:
        ctx.warnings.append(f"忽略了不认识的字段：{', '.join(inputs.ignored_fields)}")
    goal = goal_section(ctx)
    persona = persona_section(ctx)
    lineup = lineup_section(ctx)
    warmup, schedule, events = warmup_section(ctx)
    traffic = traffic_section(ctx)
    run_of_show, blocks = run_of_show_section(ctx)
    sections = (goal, persona, lineup, warmup, traffic, run_of_show, team_section(ctx), contingency_section(ctx),
                compliance_section(ctx), review_section(ctx))
    assert tuple(s.key for s in sections) == SECTION_KEYS
    plan = Plan(
        inputs=inputs.to_json(),
        sections=sections,
        warmup_schedule=tuple(schedule),
        run_of_show=tuple(blocks),
        warmup_events=tuple(events),
        warnings=tuple(ctx.warnings),
    )
    if chat_model is not None:
        from assistant.plan.personalise import personalise_plan

        plan = personalise_plan(plan, chat_model, llm_timeout)
    return plan
