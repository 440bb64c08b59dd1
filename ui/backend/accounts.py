"""Who is using the app: accounts, the signed-in user of this browser, the clients that log in.

With no account configured the app is single-user (owner ""). Once any account exists, a browser is
signed in when it holds a valid session cookie (``pb_session``, HttpOnly, set by the login form of
``ui/backend/web.py``); the cookie's token is checked against the account store on every call, so a
logout, a password change or the removal of the user ends it at the next click.

AppTest cannot set cookies: a test puts the token into ``st.session_state[TOKEN_KEY]`` instead
(:func:`session_token` reads that first; nothing in the app ever writes that key).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.accounts import AccountStore, LoginLimiter, LoginPolicy, User, login, open_store
from assistant.accounts.crypto import digest
from assistant.accounts.validation import ROLE_LABELS
from settings import Settings, load_settings

SESSION_COOKIE = "pb_session"
DEVICE_COOKIE = "pb_device"        # a random id per browser: the "client" of the login limits
TOKEN_KEY = "_pb_session_token"    # st.session_state key that tests feed (AppTest has no cookies)
CLIENT_KEY = "_pb_client_id"       # fallback client id of a session without a device cookie

__all__ = ["CLIENT_KEY", "DEVICE_COOKIE", "ROLE_LABELS", "SESSION_COOKIE", "TOKEN_KEY", "LoginLimiter", "LoginPolicy",
           "NotSignedInError", "User", "Viewer", "account_store", "accounts_enabled", "client_address", "device_id",
           "end_current_session", "login", "session_token", "viewer"]


class NotSignedInError(RuntimeError):
    """Accounts exist but this browser is not signed in: no owner to show data of."""


@dataclass(frozen=True)
class Viewer:
    """The person using this browser session: ``accounts`` False = single-user mode."""

    accounts: bool
    user: User | None = None

    @property
    def signed_in(self) -> bool:
        return self.user is not None

    @property
    def owner(self) -> str:
        """Whose data this session sees ("" in single-user mode)."""
        if not self.accounts:
            return ""
        if self.user is None:
            raise NotSignedInError("请先登录")
        return self.user.name

    @property
    def may_maintain(self) -> bool:
        """Whether the 维护 page is listed: always in single-user mode (behind the admin password),
        only for maintainers once accounts exist."""
        return not self.accounts or (self.user is not None and self.user.is_maintainer)


_stores: dict[str, AccountStore] = {}
_stores_lock = threading.Lock()


def account_store(settings: Settings) -> AccountStore:
    """The account store of the settings' data dir, opened once per process."""
    key = str(Path(settings.data_dir))
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = open_store(settings)
    return store


def accounts_enabled(settings: Settings) -> bool:
    """Whether any account exists (then every page needs a login)."""
    return account_store(settings).has_users()


def _streamlit_context():
    """(session_state, cookies, ip) of the running Streamlit script, or (None, {}, None) outside one."""
    try:
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover - streamlit is a requirement of the UI
        return None, {}, None
    if get_script_run_ctx(suppress_warning=True) is None:
        return None, {}, None
    try:  # only plain strings count (AppTest's stand-in runtime answers with mocks)
        cookies = {k: v for k, v in dict(st.context.cookies or {}).items() if isinstance(k, str) and isinstance(v, str)}
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - no browser context (bare mode): no cookies, no address
        cookies, ip = {}, None
    return st.session_state, cookies, ip if isinstance(ip, str) and ip else None


def session_token() -> str | None:
    """The session token of this browser session: a test's ``st.session_state[TOKEN_KEY]``, else the cookie."""
    state, cookies, _ = _streamlit_context()
    if state is not None:
        fed = state.get(TOKEN_KEY)
        if isinstance(fed, str) and fed:
            return fed
    token = cookies.get(SESSION_COOKIE)
    return token if isinstance(token, str) and token else None


def device_id() -> str | None:
    """The browser's device cookie (as a digest), if it sent one."""
    _, cookies, _ = _streamlit_context()
    value = cookies.get(DEVICE_COOKIE)
    return "device:" + digest(value)[:32] if isinstance(value, str) and 8 <= len(value) <= 200 else None


def client_address() -> str | None:
    """The address of the browser's connection (None on localhost and outside a browser session)."""
    return _streamlit_context()[2]


def viewer(settings: Settings | None = None) -> Viewer:
    """Who is using this session, checked against the account store now."""
    settings = settings or load_settings()
    store = account_store(settings)
    if not store.has_users():
        return Viewer(accounts=False)
    session = store.validate_session(session_token())
    return Viewer(accounts=True, user=session.user if session else None)


def end_current_session(settings: Settings | None = None) -> None:
    """Log this browser out (the cookie stops working everywhere it is used)."""
    settings = settings or load_settings()
    account_store(settings).end_session(session_token())
    state, _, _ = _streamlit_context()
    if state is not None:
        state.pop(TOKEN_KEY, None)
