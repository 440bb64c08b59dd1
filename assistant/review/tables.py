"""Bytes or text of a CSV/XLSX export → a raw table: header cells as written, rows with file row numbers.

Encodings: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), GB18030 (a
superset of GBK, what Chinese tools export). Delimiters: comma, tab or semicolon, from the header
line. XLSX: the first sheet, through openpyxl (values, not formulas). The header row is the first
row among the first ten that names at least two known columns, so a title line above the header
(common in exports) is skipped. Row numbers are what a spreadsheet shows: the first line is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

from assistant.review.errors import DataProblem, ShowDataError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000            # a 24-hour show at one-minute rows is 1440
HEADER_SEARCH_ROWS = 10
_UNIT = re.compile(r"[(\[【][^)\]】]*[)\]】]$")
_DROP = re.compile(r"[\s_\-]+")


def normalize_header(text: Any) -> str:
    """Header → comparison key: NFKC (full-width → half-width), lower case, no spaces/underscores/hyphens,
    a trailing unit in brackets removed (``成交金额（元）`` → ``成交金额``)."""
    s = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    s = _DROP.sub("", s)
    s = _UNIT.sub("", s)
    return s


def alias_map(headers: Mapping[str, str]) -> dict[str, str]:
    """{normalized alias: field} for fields whose English id and Chinese header are both accepted."""
    out: dict[str, str] = {}
    for field_id, chinese in headers.items():
        out[normalize_header(field_id)] = field_id
        out[normalize_header(chinese)] = field_id
    return out


@dataclass(frozen=True)
class RawTable:
    header: tuple[str, ...]                      # cells of the header row, as written (stripped)
    columns: Mapping[str, int]                   # field id -> column index
    rows: tuple[tuple[int, tuple[Any, ...]], ...]  # (file row number, cells)
    header_row: int
    ignored: tuple[str, ...] = ()                # header cells that name no known column
    source: str = "数据文件"

    def header_of(self, field_id: str) -> str:
        return self.header[self.columns[field_id]]


def decode(data: bytes, source: str) -> str:
    """The text of a CSV file, or ShowDataError naming the encodings tried."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ShowDataError([DataProblem("无法识别文件编码：请另存为 UTF-8 或 GBK/GB18030 编码的 CSV，或直接上传 XLSX")], source)


def _csv_rows(text: str, source: str) -> list[tuple[int, tuple[Any, ...]]]:
    if "\x00" in text:
        raise ShowDataError([DataProblem("文件里有空字符，不像文本 CSV：请从后台重新导出，或上传 XLSX")], source)
    head = [line for line in text.splitlines()[:50] if line.strip()][:HEADER_SEARCH_ROWS]
    delimiter = max((",", "\t", ";"), key=lambda d: max((line.count(d) for line in head), default=0))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append((number, tuple(cells)))
    except csv.Error as exc:
        raise ShowDataError([DataProblem(f"CSV 格式错误（{exc}）", row=reader.line_num)], source) from None
    return rows


def _xlsx_rows(data: bytes, source: str) -> list[tuple[int, tuple[Any, ...]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ShowDataError([DataProblem(f"XLSX 文件打不开（{type(exc).__name__}）：请用 Excel/WPS 另存为 .xlsx 或 CSV")], source) from None
    try:
        if not book.worksheets:
            return []
        sheet = book.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            rows.append((number, tuple(cells)))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_table(data: bytes | str, aliases: Mapping[str, str], *, source: str = "数据文件", xlsx: bool | None = None) -> RawTable:
    """Parse CSV/XLSX bytes (or CSV text) into a RawTable whose known columns are mapped to field ids."""
    if isinstance(data, str):
        rows = _csv_rows(data, source)
    else:
        if len(data) > MAX_BYTES:
            raise ShowDataError([DataProblem(f"文件太大（{len(data) // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）")], source)
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ShowDataError([DataProblem("这是旧版 .xls 文件：请在 Excel/WPS 里另存为 .xlsx 或 CSV")], source)
        is_xlsx = data.startswith(b"PK\x03\x04") if xlsx is None else xlsx
        rows = _xlsx_rows(data, source) if is_xlsx else _csv_rows(decode(data, source), source)
    rows = [(n, cells) for n, cells in rows if not all(_blank(c) for c in cells)]
    if not rows:
        raise ShowDataError([DataProblem("文件是空的：至少需要一行表头和一行数据")], source)

    header_at = None
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        known = {aliases.get(normalize_header(c)) for c in cells if not _blank(c)} - {None}
        if len(known) >= 2:
            header_at = index
            break
    if header_at is None:
        header_at = 0  # no recognisable header: report the missing columns against the first row
    header_row, header_cells = rows[header_at]
    header = tuple("" if _blank(c) else str(c).strip() for c in header_cells)

    columns: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[DataProblem] = []
    for index, cell in enumerate(header):
        field_id = aliases.get(normalize_header(cell)) if cell else None
        if field_id is None:
            if cell:
                ignored.append(cell)
        elif field_id in columns:
            problems.append(DataProblem(f"与「{header[columns[field_id]]}」是同一列，请删掉一列", row=header_row, column=cell))
        else:
            columns[field_id] = index
    if problems:
        raise ShowDataError(problems, source)
    body = tuple(rows[header_at + 1:])
    if len(body) > MAX_ROWS:
        raise ShowDataError([DataProblem(f"数据行太多（超过 {MAX_ROWS} 行）：每行应是 1–15 分钟的一段")], source)
    return RawTable(header=header, columns=columns, rows=body, header_row=header_row, ignored=tuple(ignored), source=source)
