"""End to end in a real Chromium: `streamlit run ui/app.py` as a subprocess, driven with Playwright.

Checks the four pages at desktop (1280 px) and phone (390 px) width: a cited answer with sources that
survives a reload, the plan form and its downloads, the handbook, the maintainer login and re-index;
no horizontal scrolling on the phone; nothing requested from any host but the app itself.
Screenshots go to test-artifacts/browser/; one per page is copied to docs/screenshots/ for the README.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reliability.browser import CHROMIUM, DESKTOP, PHONE
from tests.support.browser import ARTIFACTS, Visit, running, serve_copy

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-pw"
QUESTION = "开播前几天应该发预热视频？发几条合适？"

if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (run `make browser`)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built_index: Path):
    """The app on a free loopback port, with its own data dir (a copy of the built index)."""
    _, app = serve_copy(tmp_path_factory.mktemp("browser"), built_index, PLAYBOOK_ADMIN_PASSWORD=PASSWORD)
    with running(app):
        yield app.base
    assert PASSWORD not in app.log_text(), "the admin password appeared in the server log"


@pytest.fixture
def desktop(browser, server):
    visit = Visit(browser, server, DESKTOP)
    yield visit
    visit.close()


@pytest.fixture
def phone(browser, server):
    visit = Visit(browser, server, PHONE)
    yield visit
    visit.close()


def ask(visit: Visit, question: str) -> None:
    page = visit.page
    page.get_by_placeholder("输入你的问题……").fill(question)
    page.get_by_placeholder("输入你的问题……").press("Enter")
    page.get_by_text("来源（").first.wait_for()
    visit.settle()


def test_chat_cited_answer_survives_reload(desktop):
    page = desktop.page
    desktop.goto("/")
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name=QUESTION).wait_for()
    assert page.get_by_text("离线模式").first.is_visible()
    ask(desktop, QUESTION)
    assert "?c=" in page.url
    answer = page.locator('[data-testid="stChatMessage"]').nth(1)
    answer_text = answer.inner_text()
    assert "[1]" in answer_text
    # Open the first source: its passage and a button to read the whole card.
    answer.locator('[data-testid="stExpander"] summary').first.click()
    page.get_by_role("button", name="阅读整张卡片").first.wait_for()
    desktop.settle()
    desktop.shot("chat", "chat.png")
    page.get_by_role("button", name="阅读整张卡片").first.click()
    page.get_by_role("dialog").wait_for()
    desktop.settle()
    desktop.shot("chat-card")

    page.reload()
    page.get_by_text("来源（").first.wait_for()
    desktop.settle()
    again = page.locator('[data-testid="stChatMessage"]')
    assert again.count() == 2
    assert QUESTION in again.nth(0).inner_text()
    assert "[1]" in again.nth(1).inner_text()


def test_plan_form_and_downloads(desktop, tmp_path):
    page = desktop.page
    desktop.goto("/plan")
    page.get_by_role("button", name="填入示例").click()
    desktop.settle()
    assert page.get_by_label("主播 / 账号").input_value() == "豆芽"
    page.get_by_role("button", name="生成方案").click()
    page.get_by_role("button", name="下载 JSON").wait_for()
    desktop.settle()
    files = {}
    for label in ("下载 Markdown", "下载 JSON", "预热日程 .ics"):
        with page.expect_download() as info:
            page.get_by_role("button", name=label).click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        files[label] = target.read_text(encoding="utf-8")
    assert files["下载 Markdown"].startswith("# 豆芽")
    plan = json.loads(files["下载 JSON"])
    assert len(plan["sections"]) == 10 and plan["inputs"]["streamer"] == "豆芽"
    assert {p["name"] for p in plan["inputs"]["products"]} >= {"羊绒大衣", "打底衫"}
    assert files["预热日程 .ics"].startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in files["预热日程 .ics"]
    page.get_by_role("heading", name="目标拆解").evaluate("e => e.scrollIntoView({block: 'start'})")
    desktop.settle()
    desktop.shot("plan", "plan.png")


def test_plan_form_invalid(desktop):
    page = desktop.page
    desktop.goto("/plan")
    page.get_by_label("货盘（可不填，每行一款）").fill("羽绒服 399 成本200\n围巾 abc")
    page.get_by_role("button", name="生成方案").click()
    page.get_by_text("计划输入无效").wait_for()
    desktop.settle()
    streamer_error = page.get_by_text("缺少必填项：主播 / 账号（streamer）")
    assert streamer_error.is_visible()
    # Each problem sits right under its own field: the streamer's between its box and the category box.
    y = lambda locator: locator.bounding_box()["y"]  # noqa: E731
    assert y(page.get_by_label("主播 / 账号")) < y(streamer_error) < y(page.get_by_label("品类"))
    products_error = page.get_by_text("第2行“围巾 abc”：没有找到价格", exact=False)
    assert y(page.get_by_label("货盘（可不填，每行一款）")) < y(products_error)
    assert page.get_by_role("button", name="下载 JSON").count() == 0
    desktop.shot("plan-errors")


def _drafted(visit) -> str:
    """Draft the example plan; the saved plan's id (from the print-view link)."""
    page = visit.page
    visit.goto("/plan")
    page.get_by_role("button", name="填入示例").click()
    visit.settle()
    page.get_by_role("button", name="生成方案").click()
    page.get_by_role("button", name="下载 JSON").wait_for()
    visit.settle()
    href = page.get_by_role("link", name="打印视图（只有方案）").get_attribute("href")
    return href.split("plan=", 1)[1]


def test_print_view_is_only_the_plan(desktop, tmp_path):
    plan_id = _drafted(desktop)
    page = desktop.page
    desktop.goto(f"/plan?view=print&plan={plan_id}")
    page.get_by_text("10. 复盘清单").wait_for()
    desktop.settle()
    page.emulate_media(media="print")
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert page.get_by_role("button", name="生成方案").count() == 0 and page.get_by_label("主播 / 账号").count() == 0
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "plan-print.pdf").parent.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "plan-print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 3
    page.emulate_media(media="screen")
    desktop.shot("plan-print")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_cue_screen_in_big_type(width, request):
    visit = request.getfixturevalue(width)
    plan_id = _drafted(visit)
    page = visit.page
    visit.goto(f"/plan?view=cue&plan={plan_id}")
    page.get_by_text("手动翻页").wait_for()
    page.get_by_text("手动翻页").click()
    visit.settle()
    now = page.locator(".cue-now").first
    now.wait_for()
    assert float(now.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 36
    assert page.locator(".cue-line").count() >= 2 and page.locator(".cue-next").count() == 1
    assert not page.get_by_test_id("stSidebar").is_visible()
    if width == "phone":
        visit.assert_no_horizontal_scroll()
    visit.shot("plan-cue")


def test_handbook_search_and_read(desktop):
    page = desktop.page
    desktop.goto("/handbook")
    page.get_by_text("张卡片").first.wait_for()
    page.get_by_placeholder("例如：憋单、预热视频、投流预算").fill("憋单")
    page.get_by_placeholder("例如：憋单、预热视频、投流预算").press("Enter")
    page.get_by_text("的搜索结果").wait_for()
    desktop.settle()
    desktop.shot("handbook-search")
    page.get_by_role("button", name="阅读").first.click()
    page.get_by_role("button", name="返回列表").wait_for()
    desktop.settle()
    assert "card=" in page.url
    desktop.shot("handbook", "handbook.png")


def test_maintain_login_and_reindex(desktop):
    page = desktop.page
    desktop.goto("/maintain")
    page.get_by_label("管理员密码").fill("wrong password")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("密码不正确").wait_for()
    page.wait_for_timeout(1100)  # the first retry is allowed after one second
    page.get_by_label("管理员密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("索引状态").wait_for()
    page.get_by_role("button", name="检查卡片").click()
    page.get_by_text("格式正确").wait_for()
    page.get_by_role("button", name="重建索引").click()
    page.get_by_text("上次重建").wait_for()
    desktop.settle()
    assert PASSWORD not in page.content()
    desktop.shot("maintain", "maintain.png")


def test_phone_width_has_no_horizontal_scroll(phone):
    page = phone.page
    phone.goto("/")
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name=QUESTION).wait_for()
    phone.settle()
    phone.assert_no_horizontal_scroll()
    ask(phone, "货盘里引流款和利润款的比例怎么定？")
    phone.assert_no_horizontal_scroll()
    phone.shot("chat")

    _drafted(phone)
    phone.assert_no_horizontal_scroll()
    page.get_by_role("heading", name="货盘结构").evaluate("e => e.scrollIntoView({block: 'start'})")
    phone.shot("plan")

    phone.goto("/handbook")
    page.get_by_text("张卡片").first.wait_for()
    phone.settle()
    phone.assert_no_horizontal_scroll()
    page.get_by_role("button", name="阅读").first.click()
    page.get_by_role("button", name="返回列表").wait_for()
    phone.settle()
    phone.assert_no_horizontal_scroll()
    phone.shot("handbook")

    phone.goto("/maintain")
    page.get_by_label("管理员密码").wait_for()
    phone.settle()
    phone.assert_no_horizontal_scroll()
    phone.shot("maintain")


def test_two_users_at_once(browser, server):
    """Two sessions ask at the same moment; each gets its own answer in its own conversation."""
    visits = [Visit(browser, server, DESKTOP) for _ in range(2)]
    try:
        questions = ["直播间在线人数突然掉了一半，场控应该怎么办？", "福利款要不要亏本卖？"]
        for visit in visits:
            visit.goto("/")
            visit.page.get_by_placeholder("输入你的问题……").wait_for()
            visit.settle()
        for visit, question in zip(visits, questions):
            visit.page.get_by_placeholder("输入你的问题……").fill(question)
        for visit in visits:
            visit.page.get_by_placeholder("输入你的问题……").press("Enter")
        for visit, question in zip(visits, questions):
            visit.page.get_by_text("来源（").first.wait_for()
            visit.settle()
            messages = visit.page.locator('[data-testid="stChatMessage"]')
            assert messages.count() == 2
            assert question in messages.nth(0).inner_text()
        ids = {v.page.url.split("?c=")[1] for v in visits}
        assert len(ids) == 2
    finally:
        for visit in visits:
            visit.close()


def test_chat_citations_scroll_to_their_source_and_suggestions_ask(phone):
    page = phone.page
    phone.goto("/")
    ask(phone, "直播间人气掉了怎么办？")
    answer = page.locator('[data-testid="stChatMessage"]').nth(1)
    link = answer.locator('a[href*="#src-"]').first
    link.wait_for()
    href = link.get_attribute("href")
    anchor = href.split("#", 1)[1]
    page.evaluate("window.scrollTo(0, 0)")
    url_before = page.url.split("#")[0]
    link.click()
    phone.settle()
    assert page.url.split("#")[0] == url_before, "a citation stays on the page"
    in_view = page.evaluate(
        """(id) => { const el = document.getElementById(id); if (!el) return null;
                     const r = el.getBoundingClientRect(); return r.top >= -2 && r.top < window.innerHeight; }""", anchor)
    assert in_view, f"tapping {href} brings source {anchor} into view"
    phone.shot("chat-citation")
    # 猜你想问: a suggested question is asked with one tap
    suggestion = answer.get_by_role("button").filter(has_text="？").first
    asked = suggestion.inner_text().strip().splitlines()[-1]  # the label after the icon
    suggestion.click()
    page.locator('[data-testid="stChatMessage"]').nth(3).get_by_text("来源（").wait_for()
    phone.settle()
    assert asked in page.locator('[data-testid="stChatMessage"]').nth(2).inner_text()
    phone.assert_no_horizontal_scroll()
    phone.shot("chat-suggestions")
