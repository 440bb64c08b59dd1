"""A plan's JSON output (``assistant plan --format json``) → the PlanInfo the review and the live console use.

Only what the comparison needs is read: ``run_of_show`` (required: start, end, segment, optional
products, role, script), ``inputs`` (target_gmv, broadcast_at, streamer, ad_budget, products with
price/cost/role), ``lineup`` (roles chosen by the plan) and the goal section's card ids. Blocks that
cross midnight keep counting minutes (a block 23:30–00:30 is 60 minutes).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any, Mapping

from assistant.review.errors import PlanFileError
from assistant.review.models import PlanBlock, PlanInfo, PlanProduct

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def _clock(value: Any) -> int | None:
    m = _HHMM.match(value.strip()) if isinstance(value, str) else None
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return int(m.group(1)) * 60 + int(m.group(2))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _texts(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    return None


def load_plan(data: Mapping[str, Any] | str | bytes) -> PlanInfo:
    """Parse a plan (dict, JSON text or bytes); PlanFileError lists every problem with its field path."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise PlanFileError([("(文件)", f"不是有效的 JSON（{exc}）")]) from None
    if not isinstance(data, Mapping):
        raise PlanFileError([("(文件)", "应是一个 JSON 对象（方案的 JSON 输出）")])
    problems: list[tuple[str, str]] = []
    ros = data.get("run_of_show")
    if not isinstance(ros, list) or not ros:
        raise PlanFileError([("run_of_show", "缺少直播流程（非空列表，每项有 start、end、segment）")])

    blocks: list[PlanBlock] = []
    day = 0
    prev_end: int | None = None
    for i, item in enumerate(ros):
        path = f"run_of_show[{i}]"
        if not isinstance(item, Mapping):
            problems.append((path, "应是对象"))
            continue
        start, end = _clock(item.get("start")), _clock(item.get("end"))
        segment = item.get("segment")
        products, script = _texts(item.get("products")), _texts(item.get("script"))
        for key, ok in (("start", start is not None), ("end", end is not None)):
            if not ok:
                problems.append((f"{path}.{key}", f"应是 HH:MM 时间（现在是 {item.get(key)!r}）"))
        if not isinstance(segment, str) or not segment.strip():
            problems.append((f"{path}.segment", "应是非空文字"))
        if products is None:
            problems.append((f"{path}.products", "应是商品名列表"))
        if script is None:
            problems.append((f"{path}.script", "应是文字列表"))
        if start is None or end is None or not isinstance(segment, str) or products is None or script is None:
            continue
        offset = start + 1440 * day
        if prev_end is not None and offset < prev_end:
            day += 1
            offset += 1440
        minutes = (end - start) % 1440 or 1440
        if prev_end is not None and offset != prev_end:
            problems.append((f"{path}.start", f"应接上一段的结束时间（{blocks[-1].end}），流程不能有空档或重叠"))
        blocks.append(PlanBlock(start=item["start"].strip(), end=item["end"].strip(), segment=segment.strip(), offset=offset,
                                minutes=minutes, products=products, role=str(item.get("role") or ""), script=script))
        prev_end = offset + minutes

    inputs = data.get("inputs") if isinstance(data.get("inputs"), Mapping) else {}
    target = _number(inputs.get("target_gmv"))
    if "target_gmv" in inputs and (target is None or target <= 0):
        problems.append(("inputs.target_gmv", "应是大于 0 的数字（元）"))
        target = None
    broadcast_at = None
    if inputs.get("broadcast_at"):
        try:
            broadcast_at = datetime.fromisoformat(str(inputs["broadcast_at"]))
        except ValueError:
            problems.append(("inputs.broadcast_at", "应是 YYYY-MM-DDTHH:MM"))
    roles = {str(x.get("name")): str(x.get("role") or "") for x in data.get("lineup") or [] if isinstance(x, Mapping)}
    products = []
    for i, p in enumerate(inputs.get("products") or []):
        if not isinstance(p, Mapping) or not isinstance(p.get("name"), str):
            problems.append((f"inputs.products[{i}]", "应是带 name 的对象"))
            continue
        price, cost = _number(p.get("price")), _number(p.get("cost"))
        products.append(PlanProduct(name=p["name"].strip(), price=price, cost=cost,
                                    role=str(p.get("role") or roles.get(p["name"], "") or "")))
    known = {p.name for p in products}
    products += [PlanProduct(name=n, role=r) for n, r in roles.items() if n not in known]
    goal_sources: tuple[str, ...] = ()
    for section in data.get("sections") or []:
        if isinstance(section, Mapping) and section.get("key") == "goal":
            goal_sources = tuple(s for s in section.get("sources") or [] if isinstance(s, str))
    if problems:
        raise PlanFileError(problems)
    return PlanInfo(blocks=tuple(blocks), target_gmv=target, streamer=str(inputs.get("streamer") or ""),
                    broadcast_at=broadcast_at, ad_budget=_number(inputs.get("ad_budget")), products=tuple(products),
                    goal_sources=goal_sources, raw=data)


def align_blocks(plan: PlanInfo, show_start: datetime) -> list[tuple[PlanBlock, datetime, datetime]]:
    """Each block with its absolute start and end, on the day that puts the plan's start nearest the show's."""
    first = plan.blocks[0].offset
    candidates = [datetime.combine(show_start.date() + timedelta(days=k), datetime.min.time()) for k in (-1, 0, 1)]
    day0 = min(candidates, key=lambda d: abs((d + timedelta(minutes=first) - show_start).total_seconds()))
    return [(b, day0 + timedelta(minutes=b.offset), day0 + timedelta(minutes=b.end_offset)) for b in plan.blocks]


def blocks_at(plan: PlanInfo, moment: datetime, show_start: datetime | None = None) -> tuple[PlanBlock | None, PlanBlock | None]:
    """The run-of-show block running at ``moment`` and the one after it (None before/after the plan)."""
    timeline = align_blocks(plan, show_start or moment)
    for i, (block, start, end) in enumerate(timeline):
        if start <= moment < end:
            return block, (timeline[i + 1][0] if i + 1 < len(timeline) else None)
        if moment < start:
            return None, block
    return None, None
