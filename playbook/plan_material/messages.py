"""Pydantic's validation errors as the handbook's maintainers read them: a key path and a Chinese rule.

Every error becomes ``(key path, message)``; the loader prefixes the path (``plan.show_blocks.0.role``)
and finds its line. Messages name the key in backticks and say what it must be.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

Path_ = tuple
Issue = tuple[Path_, str]


def _key(loc: tuple) -> str:
    """The last key name of a location (list positions are skipped: ``blocks.2`` -> ``blocks``)."""
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return "plan"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _expected(ctx: dict) -> str:
    raw = str(ctx.get("expected", ""))
    return "、".join(p.strip().strip("'\"") for p in raw.replace(" or ", ",").split(",") if p.strip())


def message(error: dict) -> str:
    """One pydantic error dict as a Chinese message."""
    loc = tuple(error.get("loc", ()))
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    key = f"`{_key(loc)}`"
    is_item = bool(loc) and isinstance(loc[-1], int)
    where = f"{key} 的第 {loc[-1] + 1} 项" if is_item else key
    table = {
        "missing": f"缺少 {key}",
        "extra_forbidden": f"不认识的字段 {key}（拼错了，或者这种材料没有这个字段）",
        "string_type": f"{where} 必须是文字",
        "string_too_short": f"{where} 不能为空",
        "string_pattern_mismatch": f"{where} 必须是 HH:MM 时间，例如 19:30",
        "int_type": f"{where} 必须是整数",
        "int_from_float": f"{where} 必须是整数",
        "float_type": f"{where} 必须是数字",
        "bool_type": f"{where} 必须是 true 或 false",
        "list_type": f"{where} 必须是列表（每项一行，以“- ”开头）",
        "too_short": f"{where} 至少要有 {ctx.get('min_length', 1)} 项",
        "too_long": f"{where} 最多 {ctx.get('max_length')} 项",
        "dict_type": f"{where} 必须是映射（key: value 的写法）",
        "model_type": f"{where} 必须是映射（key: value 的写法）",
        "model_attributes_type": f"{where} 必须是映射（key: value 的写法）",
        "literal_error": f"{where} 必须是 {_expected(ctx)} 之一",
        "greater_than": f"{where} 必须大于 {_number(ctx.get('gt'))}",
        "greater_than_equal": f"{where} 必须大于等于 {_number(ctx.get('ge'))}",
        "less_than": f"{where} 必须小于 {_number(ctx.get('lt'))}",
        "less_than_equal": f"{where} 必须小于等于 {_number(ctx.get('le'))}",
    }
    if kind in table:
        return table[kind]
    return f"{where}：{error.get('msg', '不符合要求')}"


def issues_from(exc: ValidationError, base: Path_) -> list[Issue]:
    """Every error of a validation as ``(base + location, message)``, one per location."""
    out: list[Issue] = []
    seen: set[Path_] = set()
    for error in exc.errors(include_url=False):
        loc = tuple(p for p in error.get("loc", ()) if not (isinstance(p, str) and p.startswith("function-")))
        path = base + loc
        if path in seen:
            continue
        seen.add(path)
        out.append((path, message(error)))
    return out
