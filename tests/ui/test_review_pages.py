"""The 复盘 and 播中看板 pages through AppTest: the real app (``ui/app.py``) on a private copy of a real index.

复盘: upload (CSV, XLSX, products, plan), the try-it button, findings with their cards linked to the 手册 page,
errors in Chinese naming row and column with nothing stored, stored shows reopened from the URL, 直播PK.
播中看板: points typed in (running totals or per interval) and pasted, alerts with the handbook's actions, the
plan's current and next block with cue lines, and a reload (a new AppTest run with the same URL) showing
the same series and alerts.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import REPO_ROOT
from tests.ui.test_app import button, new_app, ok

EXAMPLES = REPO_ROOT / "assistant" / "review" / "examples"

def texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "code"):
        parts += [str(el.value) for el in getattr(at, kind)]
    parts += [b.label for b in at.button]
    return "\n".join(parts)


def page_links(at: AppTest) -> list:
    return list(at.get("page_link"))


def open_page(at: AppTest, page: str) -> AppTest:
    ok(at.run())
    at.switch_page(page)
    return ok(at.run())


def upload(at: AppTest, key: str, name: str, data: bytes | None = None, mime: str = "text/csv") -> None:
    at.file_uploader(key=key).set_value((name, data if data is not None else (EXAMPLES / name).read_bytes(), mime))


def submit(at: AppTest) -> AppTest:
    button(at, "开始复盘").click()
    return ok(at.run())


def store_of(settings):
    from assistant.review import ReviewStore

    return ReviewStore(settings.data_dir)


# --- 复盘 -----------------------------------------------------------------------------------------


def test_upload_with_products_and_plan_shows_findings_with_their_cards(app_data, shipped_cards):
    settings = app_data()
    at = open_page(new_app(), "views/review.py")
    upload(at, "rv_data", "viewer_drop.csv")
    upload(at, "rv_products", "healthy_products.csv")
    upload(at, "rv_plan", "plan.json", mime="application/json")
    submit(at)
    assert not at.error, [e.value for e in at.error]
    page = texts(at)
    assert "问题（2 条，按严重程度）" in page and "20:45-20:50" in page and "在线人数下滑速度" in page
    links = page_links(at)
    cited = {link.proto.query_string for link in links}
    assert "card=viewer-drop-response" in cited and "card=gmv-decomposition" in cited
    assert any(shipped_cards["viewer-drop-response"].title in link.proto.label for link in links)
    assert len(at.get("vega_lite_chart")) >= 3                       # online, entries, GMV
    assert "分段对比（按方案）" in page and "# 直播复盘：示例女装店" in page   # the segments and the report
    assert [d.proto.label for d in at.get("download_button")] == ["下载复盘报告"]
    shows = store_of(settings).list_shows("")
    assert len(shows) == 1 and shows[0].account == "示例女装店"          # saved under the plan's streamer
    assert at.query_params["show"] == shows[0].id


def test_a_reload_reopens_the_stored_show_from_the_url(app_data):
    settings = app_data()
    at = open_page(new_app(), "views/review.py")
    upload(at, "rv_data", "low_stay_gb18030.csv")
    submit(at)
    show_id = at.query_params["show"]
    again = open_page(new_app({"show": show_id}), "views/review.py")
    page = texts(again)
    assert "平均停留时长" in page and "问题（1 条，按严重程度）" in page
    assert store_of(settings).get_show("", show_id) is not None


def test_xlsx_with_chinese_headers_is_clean(app_data):
    app_data()
    at = open_page(new_app(), "views/review.py")
    upload(at, "rv_data", "healthy_1min.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    at.checkbox(key="rv_save").uncheck()
    submit(at)
    assert "没有发现明显问题" in texts(at) and not at.error


@pytest.mark.parametrize("text,named", [
    ("时间,在线人数,进入人数,成交单数,成交金额\n19:00,100,50,2,10\n19:05,100,五十,2,10\n", "第 3 行「进入人数」"),
    ("time,online,entries,orders,gmv\n19:00,100,50,2,10\n19:10,100,50,2,10\n19:05,100,50,2,10\n", "第 4 行「time」"),
    ("time,online,orders,gmv\n19:00,1,1,1\n19:05,1,1,1\n", "缺少必需的列「进入人数」"),
])
def test_bad_data_is_an_error_in_chinese_naming_row_and_column_and_nothing_is_stored(app_data, text, named):
    settings = app_data()
    at = open_page(new_app(), "views/review.py")
    upload(at, "rv_data", "bad.csv", text.encode("gb18030"))
    submit(at)
    shown = "\n".join(e.value for e in at.error)
    assert named in shown and "请改正后重新上传" in shown
    assert not at.get("vega_lite_chart") and "show" not in at.query_params
    assert not (settings.data_dir / "reviews.sqlite3").exists()


def test_try_it_and_the_example_link(app_data):
    settings = app_data()
    at = open_page(new_app(), "views/review.py")
    at.segmented_control(key="rv_source").set_value("试一试")
    ok(at.run())
    at.selectbox(key="rv_example").set_value("spend_falling")
    button(at, "试一试").click()
    ok(at.run())
    page = texts(at)
    assert "合成数据" in page and "人少了投流没减" in page and "问题（1 条，按严重程度）" in page
    assert at.query_params["example"] == "spend_falling"
    assert any("card=paid-low-roi" == link.proto.query_string for link in page_links(at))
    assert not (settings.data_dir / "reviews.sqlite3").exists()            # examples are never stored
    again = open_page(new_app({"example": "healthy"}), "views/review.py")
    assert "没有发现明显问题" in texts(again)


def test_stored_shows_and_two_shows_side_by_side(app_data):
    app_data()
    at = open_page(new_app(), "views/review.py")
    upload(at, "rv_data", "viewer_drop.csv")
    submit(at)
    at.selectbox(key="rv_pk").set_value("example:healthy")
    ok(at.run())
    table = at.dataframe[-1].value
    assert list(table.columns)[:3] == ["指标", "这一场", "对比场"] and "GMV" in set(table["指标"])
    assert len(at.get("vega_lite_chart")) >= 4
    at.segmented_control(key="rv_source").set_value("已保存的场次")
    ok(at.run())
    assert len(at.selectbox(key="rv_stored").options) == 1
    button(at, "打开这一场").click()
    ok(at.run())
    assert "在线人数下滑速度" in texts(at)


# --- 播中看板 -------------------------------------------------------------------------------------


def start_session(at: AppTest, plan: bool = True) -> str:
    if plan:
        upload(at, "lv_plan", "plan.json", mime="application/json")
    button(at, "开始").click()
    ok(at.run())
    return at.query_params["s"]


def record(at: AppTest, clock: str, online, entries, orders, gmv, stay=None, spend=None) -> AppTest:
    at.text_input(key="lv_clock").set_value(clock)
    for key, value in (("lv_online", online), ("lv_entries", entries), ("lv_orders", orders), ("lv_gmv", gmv),
                       ("lv_stay", stay), ("lv_spend", spend)):
        at.number_input(key=key).set_value(value)
    button(at, "记录").click()
    return ok(at.run())


def typed_show(at: AppTest) -> None:
    """Running totals as the dashboard shows them: 1,000 viewers for 40 minutes, then 550."""
    entries = orders = gmv = 0
    for k in range(10):
        online = 1000 if k < 9 else 550
        entries, orders, gmv = entries + 300, orders + 15, gmv + 1500
        record(at, f"19:{k * 5:02d}" if k < 12 else "20:00", online, entries, orders, gmv, 80)
        assert not at.get("lv_error") or not at.session_state["lv_error"], at.session_state["lv_error"]


def test_live_console_raises_the_handbooks_action_and_survives_a_reload(app_data, shipped_cards):
    from assistant.review import ReviewStore

    settings = app_data()
    at = open_page(new_app(), "views/live.py")
    session_id = start_session(at)
    page = texts(at)
    assert "现在：开场福利" not in page                                     # no point yet: no clock to place the plan on
    typed_show(at)
    page = texts(at)
    assert "在线人数下滑速度" in page and "马上做：" in page and "19:45" in page
    assert "手册里的预案" in [e.label for e in at.expander]               # the card's contingency rules
    assert "十分钟内掉了三成以上" in page
    assert "现在：主推款" in page and "加绒卫衣三个卖点" in page           # the plan's block and its cue lines
    points = ReviewStore(settings.data_dir).points("", session_id)
    assert len(points) == 10 and points[-1].entries == 300 and points[-1].online == 550   # running totals → per interval
    # a reload (a new session with the same URL) shows the same series and alerts, from the store
    again = open_page(new_app({"s": session_id}), "views/live.py")
    assert "在线人数下滑速度" in texts(again) and "已记录 10 条" in texts(again)
    assert len(again.get("vega_lite_chart")) >= 3
    assert [d.value for d in again.dataframe][-1]["时间"].tolist()[-1] == "19:45"


def test_live_input_errors_name_the_field_and_store_nothing(app_data):
    from assistant.review import ReviewStore

    settings = app_data()
    at = open_page(new_app(), "views/live.py")
    session_id = start_session(at, plan=False)
    record(at, "20:00", 800, 240, 12, 1500)
    record(at, "19:55", 800, 480, 24, 3000)
    assert "「时间」" in at.session_state["lv_error"] and "不晚于上一条" in at.session_state["lv_error"]
    record(at, "20:05", 800, 100, 24, 3000)                                # a running total that went down
    assert "「进入人数」" in at.session_state["lv_error"] and "累计" in at.session_state["lv_error"]
    record(at, "20:05", 800, 480, 24, None)
    assert "「成交金额」没有填" in at.session_state["lv_error"]
    assert len(ReviewStore(settings.data_dir).points("", session_id)) == 1
    assert any("「成交金额」没有填" in e.value for e in at.error)


def test_live_paste_an_export_and_finish_into_a_review(app_data):
    settings = app_data()
    at = open_page(new_app(), "views/live.py")
    start_session(at)
    text = (EXAMPLES / "viewer_drop.csv").read_text(encoding="utf-8").split("\n", 1)[1]
    at.text_area(key="lv_paste").set_value(text)
    button(at, "导入").click()
    ok(at.run())
    assert "已记录 48 条" in texts(at)
    history = next(d.value for d in at.dataframe if "指标" in d.value.columns)
    assert "在线人数下滑速度" in set(history["指标"])                      # fired at 20:45, over since
    button(at, "下播了：生成复盘并保存").click()
    ok(at.run())
    link = [el for el in page_links(at) if el.proto.label == "打开这场的复盘"]
    assert link and link[0].proto.query_string.startswith("show=")
    from assistant.review import ReviewStore

    (show,) = ReviewStore(settings.data_dir).list_shows("")
    assert show.account == "示例女装店" and show.minutes == 240
    bad = open_page(new_app(), "views/live.py")
    start_session(bad, plan=False)
    bad.text_area(key="lv_paste").set_value("时间,在线人数,进入人数,成交单数,成交金额\n20:00,1,1,1,1\n20:05,1,-1,1,1\n")
    button(bad, "导入").click()
    ok(bad.run())
    assert any("第 3 行「进入人数」" in e.value for e in bad.error)


def test_an_unknown_or_someone_elses_session_is_not_shown(app_data):
    app_data()
    at = open_page(new_app({"s": "nope"}), "views/live.py")
    assert "没有这个播中记录" in texts(at) and [b for b in at.button if b.label == "开始"]
