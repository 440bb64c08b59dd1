"""The 维护 page in a real Chromium at desktop (1280 px) and phone (390 px) width: the history with two
versions, a rollback through its confirmation, the card editor, the gaps beside 👎; no horizontal
scrolling on the phone; nothing requested outside the app. Screenshots: test-artifacts/browser/maintain-*."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reliability.browser import CHROMIUM, DESKTOP, PHONE
from reliability.procs import cli_env
from reliability.servers import StreamlitServer
from tests.support.paths import SHIPPED_CARDS
from tests.support.browser import Visit, running
from tests.ui.test_browser import PASSWORD
from tests.ui.test_maintain import NEW_CARD

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (run `make browser`)", allow_module_level=True)


@pytest.fixture(scope="module")
def maintained(tmp_path_factory: pytest.TempPathFactory, built_index: Path):
    """The app on its own data and cards: two index versions (a card added) and some served-badly answers."""
    from assistant.conversations import ConversationStore
    from index.api import rebuild
    from reliability.data import settings_for

    root = tmp_path_factory.mktemp("browser-maintain")
    data, cards = root / "data", root / "cards"
    shutil.copytree(built_index, data)
    shutil.copytree(SHIPPED_CARDS, cards)
    (cards / "traffic" / "zz-live-clips-test.md").write_text(NEW_CARD, encoding="utf-8")
    rebuild(settings_for(data, cards))
    store = ConversationStore(data)
    for question in ("一天播几个小时比较好", "每天直播多长时间合适", "一天播几个小时比较好？"):
        cid = store.create()
        store.add_message(cid, "user", question)
        store.add_message(cid, "assistant", "抱歉，这个问题不在操盘手册的范围里。", in_scope=False, scope={"grade": "out"})
    cid = store.create()
    store.add_message(cid, "user", "福袋多久发一次")
    mid = store.add_message(cid, "assistant", "福袋按十五到二十分钟一次打底（经验值）[1]", in_scope=True, scope={"grade": "in"})
    store.set_feedback(mid, "down", "没说大场和小场的区别")
    app = StreamlitServer(cli_env(data, cards, PLAYBOOK_ADMIN_PASSWORD=PASSWORD), root / "streamlit.log",
                          extra_args=("--server.address", "127.0.0.1", "--server.headless", "true"))
    with running(app):
        yield app.base, cards


def login(visit: Visit) -> None:
    page = visit.page
    visit.goto("/maintain")
    page.get_by_label("管理员密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("版本历史", exact=True).wait_for()
    visit.settle()


def tab(visit: Visit, name: str) -> None:
    visit.page.get_by_role("tab", name=name).click()
    visit.settle()


def test_maintain_page_desktop_history_rollback_editor_gaps(browser, maintained):
    base, cards = maintained
    visit = Visit(browser, base, DESKTOP)
    try:
        page = visit.page
        login(visit)
        assert page.get_by_text("本页时间均为北京时间").first.is_visible()
        assert page.get_by_text("正在使用版本 gen-000002").first.is_visible()
        visit.shot("maintain-status")
        page.get_by_text("改动 1 张卡片（相对 gen-000001）").first.scroll_into_view_if_needed()
        visit.settle()
        visit.shot("maintain-history", "maintain.png")
        page.get_by_role("button", name="回滚到这个版本").first.click()
        page.get_by_text("确认回滚到 gen-000001").first.wait_for()
        visit.settle()
        visit.shot("maintain-rollback-confirm")
        page.get_by_role("button", name="确认回滚").click()
        page.get_by_text("已回滚到 gen-000001").first.wait_for()
        visit.settle()
        assert not (cards / "traffic" / "zz-live-clips-test.md").exists()
        visit.shot("maintain-rolled-back")
        tab(visit, "编辑卡片")
        page.get_by_text("卡片内容（Markdown）").first.wait_for()
        visit.shot("maintain-editor")
        tab(visit, "待补写的问题")
        page.get_by_text("一天播几个小时比较好").first.wait_for()
        page.get_by_text("没说大场和小场的区别").first.click()
        visit.settle()
        assert page.get_by_text("十五到二十分钟").first.is_visible()
        visit.shot("maintain-gaps")
    finally:
        visit.close()


def test_maintain_page_phone_has_no_horizontal_scroll(browser, maintained):
    base, _cards = maintained
    visit = Visit(browser, base, PHONE)
    try:
        login(visit)
        visit.assert_no_horizontal_scroll()
        visit.shot("maintain-status")
        for name in ("编辑卡片", "待补写的问题"):
            tab(visit, name)
            visit.assert_no_horizontal_scroll()
            visit.shot(f"maintain-{'editor' if name == '编辑卡片' else 'gaps'}")
    finally:
        visit.close()
