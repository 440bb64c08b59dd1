"""Sign-in for the app: who is using this session, the account gate, and the maintainer password.

Accounts (once any exists): the login form is an HTML page of its own (``/account/login``, served by
``ui/server.py``; the password never travels through the app's websocket) that sets an HttpOnly
session cookie; :func:`viewer` checks it against the account store on every run.

The maintainer password (``PLAYBOOK_ADMIN_PASSWORD``, the bootstrap of the 维护 page while no account
exists): constant-time comparison, and wrong guesses limited **per client** - per browser (its device
cookie), never one counter for everyone - by the accounts' :class:`LoginLimiter`:

* the first ``FREE_FAILURES`` wrong passwords cost nothing (a typo, then the right one, works at once);
* then each attempt from that browser waits 1, 2, 4 ... s (at most ``MAX_DELAY_SECONDS``);
* after ``MAX_FAILURES`` that browser is locked for ``LOCKOUT_SECONDS``; other browsers are not;
* a guesser who throws the cookie away is slowed per network address (never locked), while a
  browser that has logged in before keeps working.

Nothing sleeps: a refused attempt is answered at once with the time to wait. The password itself is
read late from the environment (``Settings.admin_password``) and never stored, shown or logged.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import MutableMapping

from ui import backend

FREE_FAILURES = 3
MAX_FAILURES = 10
LOCKOUT_SECONDS = 900.0
MAX_DELAY_SECONDS = 30.0
WINDOW_SECONDS = 900.0  # failures older than this are forgotten
ADMIN = "admin"         # the name the maintainer password's attempts are counted under
POLICY = backend.LoginPolicy(free_failures=FREE_FAILURES, max_delay=MAX_DELAY_SECONDS, lockout_failures=MAX_FAILURES,
                             lockout_seconds=LOCKOUT_SECONDS, window_seconds=WINDOW_SECONDS)


def now() -> float:
    """The limits' clock (tests replace it)."""
    return time.monotonic()


def _new_limiter():
    return backend.LoginLimiter(POLICY, clock=lambda: now())


PROCESS_LIMITER = _new_limiter()


def reset_limits() -> None:
    """Forget every failure counted in this process (tests, or a restart)."""
    global PROCESS_LIMITER
    PROCESS_LIMITER = _new_limiter()
    backend.reset_login_limits()


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison; an empty expected password never matches."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def client_id(session: MutableMapping) -> str:
    """Who is trying, as the limits count it: the browser's device cookie; without one, the connection's
    address; without that (localhost without cookies, AppTest), this browser session."""
    found = backend.device_id()
    if found:
        return found
    address = backend.client_address()
    if address:
        return "ip:" + address
    fallback = session.get(backend.CLIENT_KEY)
    if not isinstance(fallback, str):
        fallback = session[backend.CLIENT_KEY] = "session:" + secrets.token_hex(8)
    return fallback


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    wait_seconds: float = 0.0      # > 0: the attempt was refused without checking
    locked: bool = False           # the refusal is a lockout (MAX_FAILURES reached by this client)
    failures_left: int = MAX_FAILURES


def try_login(given: str, expected: str, session: MutableMapping, *, client: str | None = None,
              network: str | None = None) -> LoginResult:
    """Check ``given`` against ``expected`` within this client's limits (``client`` defaults to
    :func:`client_id`, ``network`` to the connection's address)."""
    limiter = PROCESS_LIMITER
    client = client or client_id(session)
    network = network or backend.client_address() or "local"
    check = limiter.check(ADMIN, client, network)
    if check.wait_seconds > 0:
        return LoginResult(ok=False, wait_seconds=check.wait_seconds, locked=check.locked,
                           failures_left=0 if check.locked else max(1, MAX_FAILURES - check.failures))
    if password_matches(given, expected):
        limiter.success(ADMIN, client)
        return LoginResult(ok=True)
    after = limiter.failure(ADMIN, client, network)
    return LoginResult(ok=False, locked=after.locked, failures_left=max(0, MAX_FAILURES - after.failures))


# --- accounts ------------------------------------------------------------------------------------

LOGGED_OUT_KEY = "_pb_logged_out"


def viewer(settings=None) -> backend.Viewer:
    """Who uses this session (single-user mode, a signed-in user, or nobody yet)."""
    return backend.viewer(settings)


def maintainer_signed_in(settings=None) -> bool:
    """True when accounts exist and a maintainer is signed in: the 维护 page then needs no admin password."""
    who = backend.viewer(settings)
    return who.accounts and who.user is not None and who.user.is_maintainer


def session_ended() -> bool:
    """This browser sent a session that is no longer valid (expired, logged out elsewhere, password changed)."""
    return backend.session_token() is not None


def login_form_available() -> bool:
    """Whether this process serves the login form (started through ``ui/server.py``)."""
    return backend.routes_mounted()


def logout(settings=None) -> None:
    """End this browser's session (every tab using it is signed out at its next click) and forget what
    this session held."""
    import streamlit as st

    backend.end_current_session(settings)
    st.session_state.clear()
    st.session_state[LOGGED_OUT_KEY] = True


def account_sidebar(who: backend.Viewer) -> None:
    """The signed-in user's name and role, and the logout button (sidebar of every page)."""
    import streamlit as st

    if who.user is None:
        return
    with st.sidebar:
        role = backend.ROLE_LABELS.get(who.user.role, who.user.role)
        st.caption(f"已登录：{who.user.name}（{role}）")
        st.button("退出登录", key="account_logout", icon=":material/logout:", on_click=logout, width="stretch")
