"""Accounts in the app, through AppTest: single-user without accounts; with accounts only the login for
anonymous visitors, private conversations, 维护 for maintainers only, sessions that end.

AppTest cannot set cookies: a signed-in browser is simulated by putting a session token created in the
real account store into ``st.session_state[backend.TOKEN_KEY]`` (what ``backend.session_token`` reads
before the cookie); everything after that is the app's own checks against the store.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from assistant.accounts import AccountStore
from assistant.conversations import ConversationStore
from tests.support.paths import APP
from tests.ui.test_app import ok
from ui import backend

TIMEOUT = 90
QUESTION = "直播间人气掉了怎么办？"  # not one of the starter questions (those are on every empty chat)
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # real argon2id, cheap for tests


def texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(el.value) for el in getattr(at, kind)]
    parts += [b.label for b in at.button]
    return "\n".join(parts)


def signed_in(token: str | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if token:
        at.session_state[backend.TOKEN_KEY] = token
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at


def ask(at: AppTest, question: str) -> str:
    at.chat_input[0].set_value(question)
    ok(at.run())
    return at.query_params["c"]


@pytest.fixture
def accounts(app_data):
    """The app's data dir with three accounts; returns (settings, store)."""
    settings = app_data()
    store = AccountStore(settings.data_dir, hasher=FAST)
    store.add_user("douya", "streamer", "douya password")
    store.add_user("laoban", "operator", "laoban password")
    store.add_user("weihu", "maintainer", "weihu password")
    return settings, store


def test_without_accounts_the_app_is_single_user_as_before(app_data):
    settings = app_data()
    at = ok(signed_in().run())
    assert at.chat_input and "登录" not in [t.value for t in at.title]
    cid = ask(at, QUESTION)
    assert ConversationStore(settings.data_dir).get(cid).owner == ""
    assert any(b.key == f"conv_{cid}" for b in at.sidebar.button)
    at.switch_page("views/maintain.py")  # listed: behind PLAYBOOK_ADMIN_PASSWORD (unset: a notice)
    assert "PLAYBOOK_ADMIN_PASSWORD" in texts(ok(at.run()))


def test_once_accounts_exist_an_anonymous_visitor_sees_only_the_login(accounts):
    settings, _ = accounts
    theirs = ConversationStore(settings.data_dir)
    cid = theirs.create(owner="douya")
    theirs.add_message(cid, "user", "豆芽的私人问题", owner="douya")
    for query in (None, {"c": cid}):
        at = ok(signed_in(query=query).run())
        assert [t.value for t in at.title] == ["登录"]
        assert not at.chat_input and not at.sidebar.button
        assert "豆芽的私人问题" not in texts(at)
        with pytest.raises(ValueError):
            at.switch_page("views/chat.py")  # no page but the login is even registered
    # a made-up token is nobody
    at = ok(signed_in("not-a-real-token").run())
    assert [t.value for t in at.title] == ["登录"] and "登录已过期" in texts(at)


def test_each_user_sees_and_opens_only_their_own_conversations(accounts):
    settings, store = accounts
    douya = ok(signed_in(store.create_session("douya").token).run())
    assert "已登录：douya（主播）" in texts(douya)
    douya_cid = ask(douya, QUESTION)
    laoban_token = store.create_session("laoban").token
    laoban = ok(signed_in(laoban_token).run())
    assert not any((b.key or "").startswith("conv_") for b in laoban.sidebar.button)  # no title of douya's
    assert QUESTION not in "\n".join(b.label for b in laoban.sidebar.button)
    laoban_cid = ask(laoban, "福利款要不要亏本卖？")
    assert [b.key for b in laoban.sidebar.button if (b.key or "").startswith("conv_")] == [f"conv_{laoban_cid}"]

    # douya's link, opened by laoban: not found, nothing of it shown, nothing added to it
    by_link = ok(signed_in(laoban_token, {"c": douya_cid}).run())
    assert "对话不存在" in texts(by_link) and not by_link.chat_message
    assert QUESTION not in texts(by_link)
    store_ = ConversationStore(settings.data_dir)
    assert store_.get(douya_cid).owner == "douya" and store_.get(laoban_cid).owner == "laoban"
    assert len(store_.messages(douya_cid)) == 2
    # douya's own link still opens it
    again = ok(signed_in(store.create_session("douya").token, {"c": douya_cid}).run())
    assert [m.name for m in again.chat_message] == ["user", "assistant"]


def test_only_maintainers_reach_the_maintain_page(accounts, monkeypatch):
    _, store = accounts
    for name in ("douya", "laoban"):
        at = ok(signed_in(store.create_session(name).token).run())
        with pytest.raises(ValueError):
            at.switch_page("views/maintain.py")  # not even listed
    at = ok(signed_in(store.create_session("weihu").token).run())
    at.switch_page("views/maintain.py")
    page = texts(ok(at.run()))
    assert "索引状态" in page and "重建索引" in page  # no admin password needed (none is set)
    assert "PLAYBOOK_ADMIN_PASSWORD" not in page


def test_logout_ends_the_session_everywhere(accounts):
    _, store = accounts
    token = store.create_session("douya").token
    at = ok(signed_in(token).run())
    other_tab = ok(signed_in(token).run())
    next(b for b in at.sidebar.button if b.label == "退出登录").click()
    ok(at.run())
    assert [t.value for t in at.title] == ["登录"] and "已退出登录" in texts(at)
    assert store.validate_session(token) is None
    other_tab.run()  # the next click in another tab of the same browser
    assert [t.value for t in ok(other_tab).title] == ["登录"]


def test_a_password_change_or_removal_ends_the_users_sessions(accounts):
    _, store = accounts
    douya = ok(signed_in(store.create_session("douya").token).run())
    laoban = ok(signed_in(store.create_session("laoban").token).run())
    store.change_password("douya", "a brand new password")
    store.remove_user("laoban")
    for at in (douya, laoban):
        at.run()
        assert [t.value for t in ok(at).title] == ["登录"] and not at.chat_input


def test_current_owner_fails_closed_for_an_anonymous_session(accounts):
    settings, _ = accounts
    assert backend.viewer(settings).accounts
    with pytest.raises(backend.NotSignedInError):
        _ = backend.Viewer(accounts=True).owner
    assert backend.Viewer(accounts=False).owner == ""
