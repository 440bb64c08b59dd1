"""Products pasted as lines, one product a line: ``羽绒服 399 成本200 库存300 主推``.

A line is the name, then the price; after it, in any order: ``成本200`` (or ``成本:200``, ``cost 200``),
``库存300`` (``库存300件``, ``stock=300``) and a role word (``主推``, ``引流款``, ``profit``...). Plain
numbers after the price are read as cost, then stock, so a row copied from a spreadsheet
(``羽绒服<TAB>399<TAB>200<TAB>300``) works too. ``¥``/``元`` around numbers and commas between fields are
allowed. Blank lines and lines starting with ``#`` are skipped.

``parse_product_lines`` returns the product mappings (as a YAML file would hold them; the plan-input
validator checks the values) and the problems, each naming the line and what could not be read.
"""

from __future__ import annotations

import re

from assistant.plan.roles import parse_role

MAX_LINES = 300
_SPLIT = re.compile(r"[\s,，;；|]+")
_NUMBER = r"[¥￥]?\s*(\d+(?:\.\d+)?)\s*(?:元|块|件|份|单|个)?"
_PLAIN = re.compile(rf"^{_NUMBER}$")
_LABELS = {
    "price": ("价格", "售价", "直播价", "到手价", "价", "price"),
    "cost": ("成本", "进价", "到手成本", "cost"),
    "stock": ("库存", "数量", "备货", "stock"),
    "role": ("角色", "role"),
}
_LABELLED = re.compile(
    r"^(?P<label>" + "|".join(sorted((w for ws in _LABELS.values() for w in ws), key=len, reverse=True))
    + r")\s*[:：=]?\s*(?P<value>.*)$", re.IGNORECASE)
FORMAT_HINT = "每行写：名称 价格 成本X 库存Y 角色，例如：羽绒服 399 成本200 库存300 主推"


def _field_of(label: str) -> str:
    low = label.lower()
    return next(f for f, words in _LABELS.items() if low in (w.lower() for w in words))


def _parse_line(line: str) -> tuple[dict, str | None]:
    tokens = [t for t in _SPLIT.split(line.strip()) if t]
    name_parts: list[str] = []
    item: dict = {}
    plain: list[str] = []
    pending: str | None = None          # a label waiting for its value ("成本 200")
    for token in tokens:
        if pending is not None:
            field, pending = pending, None
            if not _assign(item, field, token):
                return item, f"“{token}”不是{_LABEL_NAMES[field]}"
            continue
        labelled = _LABELLED.match(token)
        number = _PLAIN.match(token)
        role = parse_role(token)
        if number and (name_parts or item):
            plain.append(number.group(1))
        elif labelled and (name_parts or item) and not _PLAIN.match(token):
            field, value = _field_of(labelled.group("label")), labelled.group("value").strip()
            if field in item:
                return item, f"{_LABEL_NAMES[field]}写了两次"
            if not value:
                pending = field
            elif not _assign(item, field, value):
                return item, f"“{token}”里的{_LABEL_NAMES[field]}看不懂"
        elif role is not None and name_parts:
            if "role" in item:
                return item, "角色写了两次"
            item["role"] = token
        elif not item and not plain:
            name_parts.append(token)
        else:
            return item, f"看不懂“{token}”"
    if pending is not None:
        return item, f"{_LABEL_NAMES[pending]}后面缺少数字"
    if name_parts and not item and not plain and all(_PLAIN.match(t) for t in name_parts):
        return {}, "缺少商品名（这一行只有数字）"
    if name_parts:
        item = {"name": " ".join(name_parts), **item}
    for field in ("price", "cost", "stock"):
        if field not in item and plain:
            _assign(item, field, plain.pop(0))
    if plain:
        return item, f"多出来的数字“{plain[0]}”（价格、成本、库存都已经有了）"
    order = ("name", "price", "cost", "stock", "role")
    return {k: item[k] for k in order if k in item}, None


_LABEL_NAMES = {"price": "价格", "cost": "成本", "stock": "库存", "role": "角色"}


def _assign(item: dict, field: str, raw: str) -> bool:
    if field == "role":
        if parse_role(raw) is None:
            return False
        item["role"] = raw
        return True
    match = _PLAIN.match(raw)
    if not match:
        return False
    value = float(match.group(1))
    item[field] = int(value) if value.is_integer() else value
    return True


def parse_product_lines(text: str) -> tuple[list[dict], list[str]]:
    """(product mappings, problems) from pasted lines; a problem names its line (from 1) and the product."""
    products: list[dict] = []
    problems: list[str] = []
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        return [], [f"最多 {MAX_LINES} 行，现在有 {len(lines)} 行；请只列本场要上的货"]
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        item, problem = _parse_line(line)
        who = f"第{number}行" + (f"“{item['name'][:20]}”" if item.get("name") else "")
        if problem is None and "name" not in item:
            problem = "缺少商品名"
        elif problem is None and "price" not in item:
            problem = "没有找到价格"
        if problem:
            problems.append(f"{who}：{problem}；{FORMAT_HINT}")
            continue
        products.append(item)
    return products, problems


def line_numbers(text: str) -> list[int]:
    """The line (from 1) of each product ``parse_product_lines`` reads, in order."""
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.strip().startswith("#")]


def product_lines(products: list[dict]) -> str:
    """The inverse: product mappings as lines to paste back into the form."""
    out = []
    for p in products:
        parts = [str(p.get("name", "")), _plain(p.get("price"))]
        if p.get("cost") is not None:
            parts.append(f"成本{_plain(p['cost'])}")
        if p.get("stock") is not None:
            parts.append(f"库存{_plain(p['stock'])}")
        if p.get("role"):
            parts.append(str(p["role"]))
        out.append(" ".join(x for x in parts if x))
    return "\n".join(out)


def _plain(value) -> str:
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"
