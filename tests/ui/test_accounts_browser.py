"""Accounts end to end in a real Chromium against ``streamlit run ui/server.py`` (as ``make run`` starts it),
each person in a browser context of their own (own cookies), all from 127.0.0.1:

- an anonymous visitor gets the login form and nothing else, whatever page or ``?c=`` link they open;
- two accounts see only their own conversations, by the list and by link; a reload keeps the login;
- logging out ends the session (a reload asks for the login again);
- a stranger's wrong passwords slow down only the stranger's browser, never the maintainer's - with
  accounts (the login form) and without (the 维护 page's PLAYBOOK_ADMIN_PASSWORD).
Screenshots of the login form go to test-artifacts/browser/ (390 and 1280 px; the phone one to docs/screenshots/).
"""

from __future__ import annotations


import pytest
from argon2 import PasswordHasher

from assistant.accounts import AccountStore
from reliability.browser import CHROMIUM, DESKTOP, PHONE
from tests.support.browser import Visit, running, serve_copy

pytestmark = pytest.mark.browser

CHAT_BOX = "输入你的问题……"
USERS = {"douya": ("streamer", "douya password"), "laoban": ("operator", "laoban password"),
         "weihu": ("maintainer", "weihu password")}
ADMIN_PASSWORD = "admin-bootstrap-pw"

if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (run `make browser`)", allow_module_level=True)


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory, built_index):
    data_dir, app = serve_copy(tmp_path_factory.mktemp("accounts-browser"), built_index)
    store = AccountStore(data_dir, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    for name, (role, password) in USERS.items():
        store.add_user(name, role, password)
    with running(app):
        yield app.base, store
    log = app.log_text()
    assert not any(password in log for _, password in USERS.values()), "a password appeared in the server log"


@pytest.fixture(scope="module")
def single_user_server(tmp_path_factory, built_index):
    _, app = serve_copy(tmp_path_factory.mktemp("single-user-browser"), built_index, PLAYBOOK_ADMIN_PASSWORD=ADMIN_PASSWORD)
    with running(app):
        yield app.base


class Person(Visit):
    """One person: a browser context of their own (own cookies); nothing requested outside the app."""

    def __init__(self, browser, base: str, viewport: dict = DESKTOP):
        super().__init__(browser, base, viewport)

    def login(self, name: str, password: str, path: str = "/") -> None:
        self.open(path)
        self.page.wait_for_url("**/account/login**")
        self.page.get_by_label("用户名").fill(name)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录").click()

    def ask(self, question: str) -> str:
        self.send(question)
        self.page.get_by_text("来源（").first.wait_for()
        self.settle()
        return self.page.url.split("?c=")[1]

    def sidebar_titles(self) -> list[str]:
        return [t.strip() for t in self.page.get_by_test_id("stSidebar").get_by_role("button").all_inner_texts()]


@pytest.fixture
def people(browser):
    made: list[Person] = []

    def make(base: str, viewport: dict = DESKTOP) -> Person:
        made.append(Person(browser, base, viewport))
        return made[-1]

    yield make
    for person in made:
        person.close()


def test_two_accounts_see_only_their_own_conversations(accounts_server, people):
    base, store = accounts_server
    douya, laoban = people(base), people(base, PHONE)
    douya.login("douya", USERS["douya"][1])
    douya.page.get_by_placeholder(CHAT_BOX).wait_for()
    douya.settle()
    douya_question = "直播间人气掉了怎么办？"
    douya_cid = douya.ask(douya_question)

    laoban.login("laoban", USERS["laoban"][1])
    laoban.page.get_by_placeholder(CHAT_BOX).wait_for()
    laoban.settle()
    laoban.page.get_by_test_id("stSidebarCollapsedControl").or_(laoban.page.get_by_test_id("stExpandSidebarButton")).first.click()
    laoban.settle()
    assert douya_question not in laoban.sidebar_titles()  # not even the title
    laoban_question = "福利款要不要亏本卖？"
    laoban_cid = laoban.ask(laoban_question)
    assert douya_cid != laoban_cid

    # by link: laoban opens douya's conversation -> not found, nothing of it on the page
    laoban.open(f"/?c={douya_cid}")
    laoban.page.get_by_text("对话不存在").wait_for()
    laoban.settle()
    assert douya_question not in laoban.page.content()
    assert laoban.messages().count() == 0

    # douya: a reload keeps the login and the conversation; the list holds only douya's own
    douya.page.reload()
    douya.page.get_by_text("来源（").first.wait_for()
    douya.settle()
    assert douya.messages().count() == 2 and "/account/login" not in douya.page.url
    titles = douya.sidebar_titles()
    assert douya_question in titles and laoban_question not in titles
    douya.open(f"/?c={laoban_cid}")
    douya.page.get_by_text("对话不存在").wait_for()
    assert laoban_question not in douya.page.content()
    assert store.list_users()  # the accounts are still there (nothing was removed by the visits)


def test_an_anonymous_visitor_sees_nothing(accounts_server, people):
    base, _ = accounts_server
    owner = people(base)
    owner.login("douya", USERS["douya"][1])
    owner.page.get_by_placeholder(CHAT_BOX).wait_for()
    owner.settle()
    question = "开播前要做哪些预热？"
    cid = owner.ask(question)
    for viewport in (PHONE, DESKTOP):
        stranger = people(base, viewport)
        for path in ("/", f"/?c={cid}", "/handbook", "/maintain"):
            stranger.open(path)
            stranger.page.wait_for_url("**/account/login**")
            stranger.page.get_by_role("button", name="登录").wait_for()
            html = stranger.page.content()
            assert question not in html and "stApp" not in html  # the app itself never loads
        stranger.shot("login", "login.png" if viewport is PHONE else None)


def test_logout_ends_the_session(accounts_server, people):
    base, _ = accounts_server
    person = people(base)
    person.login("weihu", USERS["weihu"][1])
    person.page.get_by_placeholder(CHAT_BOX).wait_for()
    person.settle()
    assert person.page.get_by_role("link", name="维护").count() == 1  # a maintainer sees 维护
    person.page.get_by_role("button", name="退出登录").click()
    person.page.get_by_text("已退出登录").wait_for()
    person.settle()
    person.shot("logged-out")
    person.page.get_by_role("button", name="去登录").click()
    person.page.wait_for_url("**/account/login**")
    person.page.get_by_text("已退出登录").wait_for()
    person.open("/")
    person.page.wait_for_url("**/account/login**")  # the old cookie no longer signs anyone in


def test_a_streamer_does_not_see_the_maintain_page(accounts_server, people):
    base, _ = accounts_server
    person = people(base)
    person.login("douya", USERS["douya"][1])
    person.page.get_by_placeholder(CHAT_BOX).wait_for()
    person.settle()
    assert person.page.get_by_role("link", name="问答").count() == 1
    assert person.page.get_by_role("link", name="维护").count() == 0


def _fail_until_refused(person: Person, name: str, limit: int = 8) -> int:
    """Wrong passwords from one browser as fast as possible, until it is told to wait; how many it took."""
    for i in range(1, limit + 1):
        person.page.get_by_label("用户名").fill(name)
        person.page.get_by_label("密码").fill(f"guess number {i}")
        person.page.get_by_role("button", name="登录").click()
        person.page.get_by_role("alert").wait_for()
        if "后再试" in person.page.get_by_role("alert").inner_text():
            return i
    raise AssertionError("the guesses were never slowed down")


def test_a_strangers_wrong_passwords_do_not_lock_the_maintainer_out(accounts_server, people):
    base, _ = accounts_server
    stranger, maintainer = people(base), people(base)
    stranger.open("/account/login")
    assert _fail_until_refused(stranger, "weihu") >= 4  # the first wrong passwords are free (typos)
    stranger.page.get_by_label("用户名").fill("weihu")
    stranger.page.get_by_label("密码").fill(USERS["weihu"][1])
    stranger.page.get_by_role("button", name="登录").click()  # even the right password: refused unchecked here
    assert "后再试" in stranger.page.get_by_role("alert").inner_text()

    maintainer.login("weihu", USERS["weihu"][1])  # another browser on the same address: in at once
    maintainer.page.get_by_placeholder(CHAT_BOX).wait_for()
    maintainer.settle()
    assert "/account/login" not in maintainer.page.url
    # a typo, then the right password, works at once too
    maintainer.page.get_by_role("button", name="退出登录").click()
    maintainer.page.get_by_text("已退出登录").wait_for()
    maintainer.login("weihu", "weihu passwrod")
    maintainer.page.get_by_role("alert").wait_for()
    maintainer.page.get_by_label("密码").fill(USERS["weihu"][1])
    maintainer.page.get_by_role("button", name="登录").click()
    maintainer.page.get_by_placeholder(CHAT_BOX).wait_for()


def test_admin_password_guesses_are_limited_per_browser(single_user_server, people):
    stranger, maintainer = people(single_user_server), people(single_user_server)
    stranger.open("/maintain")
    box = stranger.page.get_by_label("管理员密码")
    for i in range(8):
        box.fill(f"guess number {i}")
        stranger.page.get_by_role("button", name="登录").click()
        stranger.settle(200)
        if stranger.page.get_by_text("秒后再试").count():
            break
    else:
        raise AssertionError("the guesses were never slowed down")
    assert box.input_value() == f"guess number {i}"  # a refused attempt keeps what was typed

    maintainer.open("/maintain")
    maintainer.page.get_by_label("管理员密码").fill("a typo")
    maintainer.page.get_by_role("button", name="登录").click()
    maintainer.page.get_by_text("密码不正确").wait_for()
    maintainer.page.get_by_label("管理员密码").fill(ADMIN_PASSWORD)  # right after a typo: in at once
    maintainer.page.get_by_role("button", name="登录").click()
    maintainer.page.get_by_text("索引状态").wait_for()
