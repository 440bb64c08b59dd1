"""The 复盘 and 播中看板 pages in a real Chromium (`streamlit run ui/app.py` as a subprocess, Playwright).

复盘: the show's files go in through the page's file inputs, the curves are drawn (Vega canvases), the findings
link their cards, a reload opens the stored show from the URL; 1280 px screenshot for the README, 390 px
without horizontal scrolling. 播中看板: three points typed in, a reload, the same series. Nothing is
requested from any host but the app.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability.browser import CHROMIUM, DESKTOP, PHONE
from tests.support.browser import Visit, running, serve_copy
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.browser

EXAMPLES = REPO_ROOT / "assistant" / "review" / "examples"

if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (run `make browser`)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built_index: Path):
    _, app = serve_copy(tmp_path_factory.mktemp("review-browser"), built_index)
    with running(app):
        yield app.base


@pytest.fixture(params=[DESKTOP, PHONE], ids=["1280", "390"])
def visit(browser, server, request):
    v = Visit(browser, server, request.param)
    yield v
    v.close()


def test_review_page_upload_charts_cards_and_reload(visit):
    page = visit.page
    visit.open("/review")
    page.get_by_role("button", name="开始复盘").wait_for()
    visit.settle()
    inputs = page.locator('input[type="file"]')
    inputs.nth(0).set_input_files(str(EXAMPLES / "viewer_drop.csv"))
    inputs.nth(1).set_input_files(str(EXAMPLES / "healthy_products.csv"))
    inputs.nth(2).set_input_files(str(EXAMPLES / "plan.json"))
    page.get_by_text("plan.json").wait_for()
    visit.settle(600)
    page.get_by_role("button", name="开始复盘").click()
    page.get_by_text("问题（2 条，按严重程度）").wait_for()
    visit.settle(1500)
    assert visit.charts(3) >= 3
    assert page.get_by_text("在线人数下滑速度").first.is_visible()
    assert page.locator('a[href*="card=viewer-drop-response"]').count() >= 1
    assert "show=" in page.url
    page.reload()                                                    # the stored show opens again from the URL
    page.get_by_text("问题（2 条，按严重程度）").wait_for()
    visit.settle(1500)
    assert visit.charts(3) >= 3
    if visit.width == PHONE["width"]:
        visit.assert_no_horizontal_scroll()
        visit.shot("review")
    else:
        visit.shot("review", height=2300, doc_name="review.png")
    page.locator('a[href*="card=viewer-drop-response"]:visible').first.click()  # the card opens in the 手册 page
    page.get_by_role("button", name="返回列表").wait_for()


def test_live_console_three_points_survive_a_reload(visit):
    page = visit.page
    visit.open("/live")
    page.get_by_role("button", name="开始").wait_for()
    visit.settle()
    page.get_by_role("button", name="开始").click()
    page.get_by_text("记一笔").wait_for()
    visit.settle()
    for clock, online, entries, orders, gmv in (("20:00", 800, 240, 12, 1500), ("20:05", 820, 480, 25, 3100), ("20:10", 810, 730, 37, 4600)):
        page.get_by_label("时间", exact=True).fill(clock)
        for label, value in (("在线人数", online), ("进入人数", entries), ("成交单数", orders), ("成交金额（元）", gmv)):
            page.get_by_label(label, exact=True).fill(str(value))
        page.get_by_role("button", name="记录").click()
        page.get_by_text(f"已记录 {['20:00', '20:05', '20:10'].index(clock) + 1} 条").first.wait_for()
        visit.settle()
    assert "s=" in page.url
    page.reload()
    page.get_by_text("已记录 3 条").first.wait_for()
    visit.settle(1500)
    assert visit.charts(3) >= 3
    assert page.get_by_text("进入 730").first.is_visible()             # the running totals are the same after the reload
    if visit.width == PHONE["width"]:
        visit.assert_no_horizontal_scroll()
    visit.shot("live")
