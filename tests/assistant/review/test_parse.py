"""Parsing show data: encodings, header languages, units, XLSX, midnight, numbers and times."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from assistant.review import read_products, read_show
from assistant.review.parse import parse_number, parse_time
from assistant.review.tables import normalize_header

from .helpers import EXAMPLES

pytestmark = pytest.mark.pure

EN = "time,online,entries,orders,gmv\n19:00,100,50,2,198\n19:05,120,60,3,297\n19:10,110,40,1,99\n"
ZH = "时间,在线人数,进入人数,成交单数,成交金额\n19:00,100,50,2,198\n19:05,120,60,3,297\n19:10,110,40,1,99\n"


def _key(show):
    return [(i.start, i.minutes, i.online, i.entries, i.orders, i.gmv) for i in show.intervals]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_each_encoding_reads_the_same_chinese_headers(encoding):
    assert _key(read_show(ZH.encode(encoding))) == _key(read_show(EN.encode("utf-8")))


def test_english_and_chinese_headers_agree():
    en, zh = read_show(EN), read_show(ZH)
    assert _key(en) == _key(zh)
    assert [i.minutes for i in en.intervals] == [5, 5, 5]
    assert en.minutes == 15 and not en.dated


def test_headers_with_spaces_full_width_brackets_and_units():
    text = " 时间 ,在线人数（人）,进入人数,成交单数(单),成交金额（元）, 平均停留时长(秒) ,投流消耗【元】,Some Other Column\n" \
           "19:00,100,50,2,198,60,10,x\n19:05,120,60,3,297,70,20,y\n"
    show = read_show(text)
    assert show.columns == {"avg_stay_seconds", "ad_spend"}
    assert show.intervals[1].ad_spend == 20 and show.intervals[0].avg_stay_seconds == 60
    assert any("Some Other Column" in n for n in show.notes)
    assert normalize_header("Avg Stay Seconds") == normalize_header("avg_stay_seconds")
    assert normalize_header("ＧＭＶ") == "gmv"


def test_tab_and_semicolon_delimiters_and_a_title_line_above_the_header():
    tab = "直播分时数据 2026-12-09\n" + ZH.replace(",", "\t")
    show = read_show(tab.encode("gb18030"))
    assert _key(show) == _key(read_show(EN))
    assert show.intervals[0].row == 3  # title = row 1, header = row 2
    assert _key(read_show(EN.replace(",", ";"))) == _key(read_show(EN))


def test_show_crossing_midnight_keeps_going_forward():
    text = "time,online,entries,orders,gmv\n23:50,100,50,2,198\n23:55,100,50,2,198\n00:00,90,40,1,99\n00:05,80,30,1,99\n"
    show = read_show(text)
    assert [i.start.day for i in show.intervals] == [1, 1, 2, 2]
    assert show.minutes == 20


def test_shipped_midnight_example():
    show = read_show((EXAMPLES / "midnight_utf8bom.csv").read_bytes())
    assert show.start.strftime("%H:%M") == "22:00" and show.end.strftime("%H:%M") == "02:00"
    assert show.minutes == 240 and len(show.intervals) == 24
    assert all(b.start > a.start for a, b in zip(show.intervals, show.intervals[1:]))


def test_dated_times_and_slashes_and_seconds():
    text = "time,online,entries,orders,gmv\n2026/12/09 23:58:00,1,1,0,0\n2026-12-10 00:03,1,1,0,0\n"
    show = read_show(text)
    assert show.dated and show.start == datetime(2026, 12, 9, 23, 58) and show.intervals[1].start == datetime(2026, 12, 10, 0, 3)


def test_gb18030_example_with_units_in_headers_and_dates():
    show = read_show((EXAMPLES / "low_stay_gb18030.csv").read_bytes())
    assert show.dated and len(show.intervals) == 48
    assert show.columns == {"exposures", "avg_stay_seconds", "comments", "new_followers", "ad_spend"}


def test_xlsx_shipped_and_generated(tmp_path):
    shipped = read_show((EXAMPLES / "healthy_1min.xlsx").read_bytes())
    assert len(shipped.intervals) == 240 and shipped.intervals[0].minutes == 1
    assert shipped.intervals[0].row == 3  # title row, header row, data

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["时间", "在线人数", "进入人数", "成交单数", "成交金额"])
    sheet.append([time(19, 0), 100, 50, 2, 198.0])
    sheet.append(["19:05", "120", 60, 3, "297"])
    sheet.append([datetime(2000, 1, 1, 19, 10), 110, 40, 1, 99])  # a date-time cell: consistent kinds matter
    path = tmp_path / "show.xlsx"
    book.save(path)
    from assistant.review import ShowDataError

    with pytest.raises(ShowDataError) as err:
        read_show(path.read_bytes())
    assert err.value.problems[0].row == 4 and err.value.problems[0].column == "时间"
    book.active.delete_rows(4)
    book.active.append([time(19, 10), 110, 40, 1, 99])
    book.save(path)
    assert _key(read_show(path.read_bytes())) == _key(read_show(EN))


def test_numbers_in_export_formats():
    assert parse_number("1,234") == 1234
    assert parse_number(" ¥88.5 ") == 88.5
    assert parse_number("1.2万") == 12000
    assert parse_number("３０") == 30
    assert parse_number("-") is None and parse_number("") is None
    for bad in ("12,3x", "1,23", "abc", "nan", "inf", True):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_times_in_export_formats():
    assert parse_time("9:05") == time(9, 5)
    assert parse_time("19:00-19:05") == time(19, 0)
    assert parse_time("2026-12-09T19:00") == datetime(2026, 12, 9, 19, 0)
    for bad in ("25:00", "19点", "2026-13-01 10:00"):
        with pytest.raises(ValueError):
            parse_time(bad)


def test_total_row_at_the_end_is_skipped_and_noted():
    show = read_show(EN + "合计,,150,6,594\n")
    assert len(show.intervals) == 3 and any("合计" in n for n in show.notes)


def test_blank_optional_cells_are_not_recorded():
    text = "time,online,entries,orders,gmv,ad_spend\n19:00,100,50,2,198,10\n19:05,120,60,3,297,\n19:10,110,40,1,99,-\n"
    show = read_show(text)
    assert [i.ad_spend for i in show.intervals] == [10, None, None]


def test_products_file_in_both_languages():
    en = read_products("name,clicks,orders,gmv,refunds\n卫衣,1000,120,15480,10\n袜子,300,90,891,\n")
    zh = read_products("商品,点击人数,成交单数,成交金额\n卫衣,1000,120,15480\n".encode("gb18030"))
    assert en[0].refunds == 10 and en[1].refunds is None
    assert zh[0].name == "卫衣" and zh[0].refunds is None and zh[0].row == 2
