"""Rules across fields of validated plan material, each problem with its own key path (Chinese)."""

from __future__ import annotations

import re
import string
from typing import Any, Callable

from playbook.plan_material.live import COMPARE_UNIT, SIGNALS, ContingencyRule
from playbook.plan_material.schemas import (
    CUE_PLACEHOLDERS,
    CategoryProfile,
    ComplianceChecklist,
    CueLine,
    GoalAssumptions,
    LineupRole,
    ShowTemplate,
    TeamRoles,
    WarmupStep,
)

Path_ = tuple
Issue = tuple[Path_, str]


def _range(values: list, path: Path_, key: str, out: list[Issue]) -> None:
    if len(values) == 2 and values[0] > values[1]:
        out.append((path + (key,), f"`{key}` 写成 [下限, 上限]，下限不能大于上限（现在是 {values[0]} 和 {values[1]}）"))


def placeholder_problems(text: str) -> str | None:
    """Why a template line cannot be filled (unknown placeholder, broken braces), or None."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return "花括号没有配对：占位写成 {main} 这样，文字里不要单独写 { 或 }"
    unknown = [n for n in names if n not in CUE_PLACEHOLDERS]
    if unknown:
        return f"不认识的占位 {{{unknown[0]}}}；能用的有：" + "、".join("{" + k + "}" for k in CUE_PLACEHOLDERS)
    return None


def lineup_roles(roles: list[LineupRole], path: Path_) -> list[Issue]:
    out: list[Issue] = []
    seen: dict[str, int] = {}
    for i, role in enumerate(roles):
        if role.key in seen:
            out.append((path + (i, "key"), f"角色 {role.key} 已在第 {seen[role.key] + 1} 项给出，每个角色只写一次"))
        seen.setdefault(role.key, i)
        _range(role.share, path + (i,), "share", out)
        _range(role.price_band, path + (i,), "price_band", out)
    if "main" not in seen:
        out.append((path, "缺少 main（主推款）角色：计划要靠它分配主要的讲解时间"))
    total = sum(r.order_share for r in roles)
    if roles and abs(total - 1) > 0.02:
        out.append((path, f"各角色的 `order_share`（预计单量占比）加起来应为 1，现在是 {total:.2f}"))
    return out


def show_blocks(templates: list[ShowTemplate], path: Path_) -> list[Issue]:
    out: list[Issue] = []
    hours = [t.max_hours for t in templates]
    if len(set(hours)) != len(hours):
        out.append((path, "有两个模板的 `max_hours` 相同：每个时长档只写一个模板"))
    for i, template in enumerate(templates):
        p = path + (i,)
        _range(template.loop_minutes, p, "loop_minutes", out)
        if template.hook_gap_minutes < template.loop_minutes[0]:
            out.append((p + ("hook_gap_minutes",), "`hook_gap_minutes`（钩子最长间隔）不能短于一轮循环的下限"))
        rounds = [(j, b) for j, b in enumerate(template.blocks) if b.part == "round"]
        if not rounds:
            out.append((p + ("blocks",), "至少要有一个 `part: round` 的环节：整场按循环排"))
        total = 0.0
        for j, block in enumerate(template.blocks):
            bp = p + ("blocks", j)
            if block.minutes is not None:
                _range(block.minutes, bp, "minutes", out)
            if block.part in ("round", "open", "encore", "close") and block.share is None:
                scope = "一轮里占多少" if block.part == "round" else "整场里占多少"
                out.append((bp + ("share",), f"缺少 `share`：这个环节在{scope}"))
            if block.part in ("open", "encore", "close", "image") and block.minutes is None:
                out.append((bp + ("minutes",), "缺少 `minutes`：写成 [最短, 最长] 分钟"))
            if block.part == "round" and block.share is not None:
                total += block.share
            if block.sub is not None and block.role != "main":
                out.append((bp + ("sub",), "`sub`（承接款、其他主推款）只能用在 `role: main` 的环节"))
        for part in ("open", "encore", "close"):
            where = [j for j, b in enumerate(template.blocks) if b.part == part]
            if len(where) > 1:
                out.append((p + ("blocks", where[1], "part"), f"`part: {part}` 只能有一个"))
        if rounds and abs(total - 1) > 0.001:
            out.append((p + ("blocks",), f"一轮里各环节的 `share` 加起来应为 1，现在是 {total:.3f}"))
    return out


TASK_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\s")
TASK_BEFORE = re.compile(r"开播前\s*约?\s*(半|[0-9]+|[一二两三四五六七八九十]+)\s*个?\s*半?\s*(小时|钟头|分钟|分)")
TASK_AFTER = re.compile(r"^(开播后|开播时|开播中|下播后|直播中)")
TASK_PREVIOUS = "上一场"


def task_timing(task: str, days_before: int) -> str | None:
    """How a warm-up task is timed: clock | before | after | previous, or None (the plan's default time)."""
    if TASK_CLOCK.match(task):
        return "clock"
    if days_before == 0 and TASK_BEFORE.search(task):
        return "before"
    if days_before == 0 and TASK_AFTER.match(task):
        return "after"
    if task.startswith(TASK_PREVIOUS):
        return "previous"
    return None


def warmup_schedule(steps: list[WarmupStep], path: Path_) -> list[Issue]:
    out: list[Issue] = []
    for i, step in enumerate(steps):
        p = path + (i,)
        if step.video_times and len(step.video_times) != step.videos:
            out.append((p + ("video_times",), f"`video_times` 要给出 {step.videos} 个时间（每条视频一个）"))
        for j, task in enumerate(step.tasks):
            timing = task_timing(task, step.days_before)
            if timing == "previous" and step.days_before != 1:
                out.append((p + ("tasks", j), "“上一场下播前”的任务只能放在开播前一天（days_before: 1）"))
            elif step.days_before != 0 and TASK_AFTER.match(task):
                out.append((p + ("tasks", j), "“开播后……”的事只能放在开播当天（days_before: 0）"))
    return out


def team_roles(team: TeamRoles, path: Path_) -> list[Issue]:
    out: list[Issue] = []
    sizes = team.sizes
    for i, size in enumerate(sizes[:-1]):
        if size.max_followers is None:
            out.append((path + ("sizes", i, "max_followers"), "只有最后一档可以不写 `max_followers`（不限粉丝数）"))
    limits = [s.max_followers for s in sizes if s.max_followers is not None]
    if limits != sorted(limits):
        out.append((path + ("sizes",), "各档按 `max_followers` 从小到大排"))
    return out


def goal_assumptions(goal: GoalAssumptions, path: Path_) -> list[Issue]:
    out: list[Issue] = []
    for stage in ("cold-start", "growth", "plateau", "big-event"):
        rate = goal.conversion_rate.of(stage)
        if not 0 < rate < 1:
            out.append((path + ("conversion_rate", stage), f"转化率写成 0 到 1 之间的小数（2% 写 0.02），现在是 {rate}"))
    return out


def cue_lines(lines: list[CueLine], path: Path_) -> list[Issue]:
    out: list[Issue] = []
    for i, cue in enumerate(lines):
        problem = placeholder_problems(cue.line)
        if problem:
            out.append((path + (i, "line"), problem))
    return out


def category_profile(profile: CategoryProfile, path: Path_) -> list[Issue]:
    problem = placeholder_problems(profile.demo_cue) if profile.demo_cue else None
    return [(path + ("demo_cue",), problem)] if problem else []


def compliance_checklist(checklist: ComplianceChecklist, path: Path_) -> list[Issue]:
    banned = set(checklist.banned_terms)
    return [(path + ("review_terms", i, "term"), f"“{t.term}”已在 `banned_terms` 里：一个词要么禁用，要么人工核对")
            for i, t in enumerate(checklist.review_terms) if t.term in banned]


def contingency_rules(rules: list[ContingencyRule], path: Path_) -> list[Issue]:
    out: list[Issue] = []
    for i, rule in enumerate(rules):
        t, p = rule.trigger, path + (i, "trigger")
        source, compares = SIGNALS[t.signal]
        if t.source != source:
            out.append((p + ("source",), f"{t.signal} 的 `source` 是 {source}"))
        if t.compare not in compares:
            out.append((p + ("compare",), f"{t.signal} 的 `compare` 只能是 {'、'.join(compares)}"))
        if t.compare == "event":
            if t.value is not None:
                out.append((p + ("value",), "`compare: event`（发生了就触发）不写 `value`"))
            continue
        if t.value is None:
            out.append((p + ("value",), "缺少 `value`：触发线的数字（写明是经验线还是手册建议）"))
        unit = COMPARE_UNIT.get(t.compare)
        if t.unit != unit:
            out.append((p + ("unit",), f"`compare: {t.compare}` 的 `unit` 是 {unit}"
                        + ("（变化的比例，三成写 0.3）" if unit == "ratio" else "（基线的倍数，七成写 0.7）")))
        if t.label is None:
            out.append((p + ("label",), "缺少 `label`：说明这个数字有多可靠（经验线、本手册建议……）"))
        if t.baseline == "none":
            out.append((p + ("baseline",), "缺少 `baseline`：和什么比（本场前面的窗口、近几场同一时段、保本ROI……）"))
        if t.compare == "fall_by" and t.window_minutes is None:
            out.append((p + ("window_minutes",), "`fall_by` 要写 `window_minutes`：多少分钟内掉了这么多"))
    return out


CHECKS: dict[str, Callable[[Any, Path_], list[Issue]]] = {
    "lineup_roles": lineup_roles,
    "show_blocks": show_blocks,
    "warmup_schedule": warmup_schedule,
    "team_roles": team_roles,
    "goal_assumptions": goal_assumptions,
    "cue_lines": cue_lines,
    "category_profile": category_profile,
    "compliance_checklist": compliance_checklist,
    "contingency_rules": contingency_rules,
}
