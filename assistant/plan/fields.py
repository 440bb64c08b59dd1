"""Checking one plan-input field at a time, with the rule said in Chinese under the field's own name.

Every check appends ``(field key, message)`` to a problem list and returns the clean value or None, so
all problems of an input are reported at once. The message starts with the field's label as the form
shows it (``FIELD_LABELS``) and says the rule and what was given; the key (``duration_hours``,
``products[2].cost``) names the field for files and scripts.
"""

from __future__ import annotations

import math
import reprlib
from typing import Any, Mapping

from assistant.text import clean_text

FIELD_LABELS = {
    "streamer": "主播 / 账号",
    "category": "品类",
    "followers": "粉丝数",
    "stage": "账号阶段",
    "broadcast_at": "开播时间",
    "duration_hours": "直播时长（小时）",
    "target_gmv": "目标GMV（元）",
    "ad_budget": "投流预算（元）",
    "streams_daily": "每天都播",
    "products": "货盘",
}
PRODUCT_LABELS = {"name": "名称", "price": "价格", "cost": "成本", "stock": "库存", "role": "角色"}

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 3, 3, 40, 40
Problems = list[tuple[str, str]]


def show(value: Any) -> str:
    """A short, bounded rendering of a value for a message (never expands a huge structure)."""
    if value is None:
        return "空"
    text = f"“{value[:30]}{'…' if len(value) > 30 else ''}”" if isinstance(value, str) else _REPR.repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def plain(x: float) -> str:
    """A number as people write it: 20, 0.5, 1000万, 20亿."""
    x = float(x)
    if x >= 100_000_000 and x % 100_000_000 == 0:
        return f"{x / 100_000_000:g}亿"
    if x >= 10_000 and x % 10_000 == 0:
        return f"{x / 10_000:g}万"
    return f"{x:g}" if not x.is_integer() else str(int(x))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def text(data: Mapping, key: str, label: str, problems: Problems, limit: int, where: str | None = None) -> str:
    value = data.get(key)
    where = where or key
    if not isinstance(value, str):
        problems.append((where, f"{label}必须是文字，现在是 {show(value)}"))
        return ""
    cleaned = clean_text(value)
    if not cleaned:
        problems.append((where, f"{label}不能为空"))
    elif len(cleaned) > limit:
        problems.append((where, f"{label}最多 {limit} 个字，现在有 {len(cleaned)} 个"))
    return cleaned


def number(data: Mapping, key: str, label: str, problems: Problems, *, low: float, high: float,
           low_open: bool = False, integer: bool = False, unit: str = "", hint: str = "",
           where: str | None = None) -> float | None:
    """A number within [low, high] (or (low, high] with ``low_open``); the rule worded for people."""
    value = data.get(key)
    where = where or key
    kind = "整数" if integer else "数字"
    if low_open:
        rule = f"必须大于 {plain(low)}{unit}、最多 {plain(high)}{unit}"
    else:
        rule = f"必须在 {plain(low)} 到 {plain(high)}{unit} 之间"
    if integer:
        rule += "（整数）"
    rule += hint
    if not is_number(value) or (integer and not float(value).is_integer()):
        problems.append((where, f"{label}必须是{kind}，现在是 {show(value)}（{rule}）"))
        return None
    if (value <= low if low_open else value < low) or value > high:
        problems.append((where, f"{label}超出范围：{rule}，现在是 {plain(value) if abs(value) < 1e15 else show(value)}"))
        return None
    return int(value) if integer else float(value)


def flag(data: Mapping, key: str, label: str, problems: Problems) -> bool | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "是", "对", "1", "false", "no", "否", "不是", "0"):
        return value.strip().lower() in ("true", "yes", "是", "对", "1")
    problems.append((key, f"{label}只能是 true 或 false（是或否），现在是 {show(value)}"))
    return None
