"""Raw tables → validated show data and product rows, every problem reported at once.

Accepted cells: numbers as numbers or text (``1,234``, ``¥88``, ``1.2万``; a blank or ``-`` in an
optional column means "not recorded"); times ``HH:MM``, ``HH:MM:SS``, ``YYYY-MM-DD HH:MM`` (also
``/``), a range ``19:00-19:05`` (its start), or an Excel time/date cell. Rows are 1–15 minutes apart;
with ``HH:MM`` times a step back that lands 1–15 minutes after the previous row crosses midnight
(23:55 → 00:00 is the next day), any other step back is out of order. A last row whose time cell says
合计/总计/汇总/total is the export's sum and is skipped (noted).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from assistant.review.errors import DataProblem, ShowDataError
from assistant.review.models import (
    OPTIONAL_FIELDS, PRODUCT_HEADERS, PRODUCT_REQUIRED, REQUIRED_FIELDS, SHOW_HEADERS,
    Interval, ProductRow, ShowData,
)
from assistant.review.tables import RawTable, alias_map, read_table

MIN_STEP, MAX_STEP = 1.0, 15.0          # minutes between rows
NOMINAL_DAY = date(2000, 1, 1)          # day 0 when the file has HH:MM times only
MIDNIGHT_WINDOW = 120                   # a step back landing this close after the previous row is midnight
TOTAL_WORDS = {"合计", "总计", "汇总", "total", "sum", "小计"}
MISSING = {"", "-", "--", "—", "/", "n/a", "na", "null", "none"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATETIME = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ t]+(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*[-~至到]\s*\d{1,2}:\d{2}(?::\d{2})?)?$")

SHOW_ALIASES = alias_map(SHOW_HEADERS)
PRODUCT_ALIASES = alias_map(PRODUCT_HEADERS)


def _text(cell: Any) -> str:
    return unicodedata.normalize("NFKC", str(cell)).strip()


def parse_number(cell: Any) -> float | None:
    """A cell as a number; None when blank; ValueError (message in Chinese) when not a number."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise ValueError(f'不是数字（"{cell}"）')
    if isinstance(cell, (int, float)):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise ValueError(f'不是数字（"{cell}"）')
        return float(cell)
    raw = str(cell).strip()
    if _NUMBER.match(raw):
        return float(raw)
    s = _text(cell).replace(" ", "")
    if s.lower() in MISSING:
        return None
    s = s.lstrip("¥").removesuffix("元")
    scale = 1.0
    if s.endswith("万"):
        s, scale = s[:-1], 10000.0
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        raise ValueError(f'不是数字（"{raw}"）')
    return float(s) * scale


def parse_time(cell: Any) -> datetime | time | None:
    """A time cell as a datetime (dated) or a time (clock only); None when blank; ValueError otherwise."""
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.replace(microsecond=0)
    if isinstance(cell, time):
        return cell.replace(microsecond=0)
    s = _text(cell).lower()
    if not s:
        return None
    m = _DATETIME.match(s)
    try:
        if m:
            y, mo, d, h, mi, sec = m.groups()
            return datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec or 0))
        m = _CLOCK.match(s)
        if m:
            h, mi, sec = m.groups()
            return time(int(h), int(mi), int(sec or 0))
    except ValueError:
        pass
    raise ValueError(f'不是时间（"{str(cell).strip()}"），应写成 HH:MM 或 YYYY-MM-DD HH:MM')


def _cell(cells: tuple, index: int) -> Any:
    return cells[index] if index < len(cells) else None


def _missing_columns(table: RawTable, required: tuple[str, ...], headers: dict[str, str]) -> list[DataProblem]:
    return [
        DataProblem(f"缺少必需的列「{headers[f]}」（英文表头 {f}）", row=table.header_row)
        for f in required if f not in table.columns
    ]


def _number_field(table: RawTable, cells: tuple, row: int, field_id: str, required: bool, problems: list) -> float | None:
    column = table.header_of(field_id)
    try:
        value = parse_number(_cell(cells, table.columns[field_id]))
    except ValueError as exc:
        problems.append(DataProblem(str(exc), row=row, column=column))
        return None
    if value is None:
        if required:
            problems.append(DataProblem("缺少数值", row=row, column=column))
        return None
    if value < 0:
        problems.append(DataProblem(f"不能是负数（{value:g}）", row=row, column=column))
        return None
    return value


def parse_show_table(table: RawTable, *, day0: date | None = None) -> ShowData:
    """Validate a raw table as show data (the contract's columns); ShowDataError lists every problem."""
    problems = _missing_columns(table, REQUIRED_FIELDS, SHOW_HEADERS)
    if problems:
        raise ShowDataError(problems, table.source)
    optional = frozenset(f for f in OPTIONAL_FIELDS if f in table.columns)
    time_col = table.header_of("time")
    notes: list[str] = []
    parsed: list[tuple[int, datetime, dict]] = []
    kinds: set[bool] = set()
    prev: datetime | None = None
    base = datetime.combine(day0 or NOMINAL_DAY, time(0))
    for index, (row, cells) in enumerate(table.rows):
        raw_time = _cell(cells, table.columns["time"])
        if isinstance(raw_time, str) and _text(raw_time).lower() in TOTAL_WORDS and index >= len(table.rows) - 2:
            notes.append(f"第 {row} 行是合计行，已跳过")
            continue
        values = {f: _number_field(table, cells, row, f, True, problems) for f in REQUIRED_FIELDS[1:]}
        values.update({f: _number_field(table, cells, row, f, False, problems) for f in optional})
        try:
            moment = parse_time(raw_time)
        except ValueError as exc:
            problems.append(DataProblem(str(exc), row=row, column=time_col))
            continue
        if moment is None:
            problems.append(DataProblem("缺少时间", row=row, column=time_col))
            continue
        dated = isinstance(moment, datetime)
        kinds.add(dated)
        if len(kinds) > 1:
            problems.append(DataProblem("时间写法和前面的行不一致（有的带日期、有的不带），请统一", row=row, column=time_col))
            continue
        if dated:
            at = moment
        else:
            at = datetime.combine(prev.date() if prev else base.date(), moment)
            if prev is not None and at <= prev and (at + timedelta(days=1) - prev).total_seconds() / 60 <= MIDNIGHT_WINDOW:
                at += timedelta(days=1)  # crossed midnight (a gap that is too long is reported below)
        if prev is not None:
            step = (at - prev).total_seconds() / 60
            if step <= 0:
                what = "与上一行时间相同" if step == 0 else "比上一行早"
                problems.append(DataProblem(f"时间顺序不对：{what}（上一行 {prev:%H:%M}，本行 {at:%H:%M}）", row=row, column=time_col))
                continue
            if step < MIN_STEP or step > MAX_STEP:
                problems.append(DataProblem(
                    f"与上一行相隔 {step:g} 分钟，每行应是 1–15 分钟的一段（上一行 {prev:%H:%M}）", row=row, column=time_col))
        prev = at
        parsed.append((row, at, values))
    if not problems and len(parsed) < 2:
        problems.append(DataProblem("至少需要两行数据（每行是 1–15 分钟的一段）", row=table.header_row + 1 if parsed else None))
    if problems:
        raise ShowDataError(problems, table.source)

    intervals = []
    for i, (row, at, values) in enumerate(parsed):
        following = parsed[i + 1][1] if i + 1 < len(parsed) else None
        minutes = (following - at).total_seconds() / 60 if following else intervals[-1].minutes
        intervals.append(Interval(start=at, minutes=minutes, row=row, **values))
    if table.ignored:
        notes.append("未使用的列：" + "、".join(table.ignored))
    return ShowData(intervals=tuple(intervals), columns=optional, dated=kinds == {True}, source=table.source, notes=tuple(notes))


def parse_products_table(table: RawTable) -> tuple[ProductRow, ...]:
    """Validate a raw table as the per-product file; ShowDataError lists every problem."""
    problems = _missing_columns(table, PRODUCT_REQUIRED, PRODUCT_HEADERS)
    if problems:
        raise ShowDataError(problems, table.source)
    has_refunds = "refunds" in table.columns
    seen: dict[str, int] = {}
    products = []
    for row, cells in table.rows:
        raw_name = _cell(cells, table.columns["name"])
        name = "" if raw_name is None else str(raw_name).strip()
        if name.lower() in TOTAL_WORDS:
            continue
        values = {f: _number_field(table, cells, row, f, True, problems) for f in PRODUCT_REQUIRED[1:]}
        refunds = _number_field(table, cells, row, "refunds", False, problems) if has_refunds else None
        if not name:
            problems.append(DataProblem("缺少商品名", row=row, column=table.header_of("name")))
            continue
        if name in seen:
            problems.append(DataProblem(f"商品「{name}」重复（第 {seen[name]} 行已有），请合并为一行", row=row, column=table.header_of("name")))
            continue
        seen[name] = row
        if refunds is not None and values["orders"] is not None and refunds > values["orders"]:
            problems.append(DataProblem(f"退款单数（{refunds:g}）大于成交单数（{values['orders']:g}）", row=row, column=table.header_of("refunds")))
        if None in values.values():
            continue
        products.append(ProductRow(name=name, refunds=refunds, row=row, **values))
    if not problems and not products:
        problems.append(DataProblem("商品文件里没有商品行", row=table.header_row + 1))
    if problems:
        raise ShowDataError(problems, table.source)
    return tuple(products)


def read_show(data: bytes | str, *, source: str = "数据文件", day0: date | None = None, xlsx: bool | None = None) -> ShowData:
    """Show data from file bytes (CSV in any supported encoding, or XLSX) or CSV text."""
    return parse_show_table(read_table(data, SHOW_ALIASES, source=source, xlsx=xlsx), day0=day0)


def read_products(data: bytes | str, *, source: str = "商品文件", xlsx: bool | None = None) -> tuple[ProductRow, ...]:
    """Product rows from file bytes or CSV text."""
    return parse_products_table(read_table(data, PRODUCT_ALIASES, source=source, xlsx=xlsx))
