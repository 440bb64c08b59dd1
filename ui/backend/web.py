"""The app's own HTTP routes around Streamlit (mounted by ``ui/server.py`` through ``st.App``).

    GET  /account/login    the login form (Chinese HTML; no script); signed in already -> back to ``next``
    POST /account/login    name + password -> an HttpOnly, SameSite=Lax session cookie, then 303 to ``next``
    GET  /account/logout   a confirmation; POST /account/logout ends the session and clears the cookie

Why a form of its own: the password goes once over plain HTTP(S) to this route, never through the
app's websocket or its session state; the cookie is set by the server (HttpOnly: no page script can
read it) and holds only a random token whose hash the account store keeps with an expiry (14 days
idle, 30 days at most). The app reads it on every run (``st.context.cookies``) and checks it against
the store, so a logout, a password change or a removed user ends the session at the next click.
POSTs must come from the app's own origin (``Origin`` checked: no login or logout forged from another
site). Wrong passwords are limited per (name, browser) and per browser, and slowed per network
address for browsers that never logged in (:class:`~assistant.accounts.LoginLimiter`).

:class:`AccountGate` (middleware) sends page loads of a browser that is not signed in to the login
form (once any account exists) and gives every browser its device cookie (``pb_device``: the
"client" the login limits count). The app itself checks the session again on every run.
"""

from __future__ import annotations

import math
import secrets
import time
from urllib.parse import parse_qs, quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.accounts import LoginLimiter, login
from assistant.accounts.crypto import digest
from settings import load_settings
from ui.backend.accounts import DEVICE_COOKIE, SESSION_COOKIE, account_store
from ui.backend.login_page import login_html, logout_html

LOGIN_PATH = "/account/login"
LOGOUT_PATH = "/account/logout"
MAX_FORM_BYTES = 4096
DEVICE_MAX_AGE = 400 * 86400      # the longest lifetime browsers keep
_NOT_PAGES = ("/_stcore", "/static", "/media", "/component", "/app/", "/account/", "/auth/", "/oauth2callback")
_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
}

_state = {"limiter": LoginLimiter(), "mounted": False}


def reset_login_limits() -> None:
    """Forget the failures counted by the login form (tests)."""
    _state["limiter"] = LoginLimiter()


def routes_mounted() -> bool:
    """Whether this process serves the login routes (the app was started through ``ui/server.py``)."""
    return bool(_state["mounted"])


def safe_next(value: str | None) -> str:
    """Where to go after the login: a path of this app only (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or any(ord(c) < 32 for c in value):
        return "/"
    if value.startswith(("/account/", "/_stcore")):
        return "/"
    return value[:2000]


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return True  # not a browser: nothing can be forged through it
    host = request.headers.get("host", "").lower()
    return origin != "null" and urlsplit(origin).netloc.lower() == host and bool(host)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=_HEADERS)


def _device(request: Request, response: Response) -> str | None:
    """The browser's device cookie (a new one is set on the response when it sent none)."""
    value = request.cookies.get(DEVICE_COOKIE)
    if value and 8 <= len(value) <= 200:
        return value
    response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(18), max_age=DEVICE_MAX_AGE, path="/", httponly=True,
                        samesite="lax", secure=_secure(request))
    return None


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _read_form(request: Request) -> dict[str, str] | None:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=10)
    return {k: v[0] for k, v in fields.items()}


async def login_form(request: Request) -> Response:
    store = account_store(load_settings())
    target = safe_next(request.query_params.get("next"))
    token = request.cookies.get(SESSION_COOKIE)
    if not await run_in_threadpool(store.has_users):
        return RedirectResponse(target, status_code=303)  # single-user mode: nothing to sign in to
    if token and await run_in_threadpool(store.validate_session, token):
        return RedirectResponse(target, status_code=303)
    bye = bool(request.query_params.get("bye"))
    message = "登录已过期或已在别处退出，请重新登录。" if token and not bye else ""
    response = _html(login_html(next_path=target, message=message, ok_message="已退出登录。" if bye else ""))
    _device(request, response)
    if token:
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def login_submit(request: Request) -> Response:
    if not _same_origin(request):
        return _html(login_html(message="登录请求不是从本站发出的，已拒绝。请直接打开登录页再试。"), 403)
    form = await _read_form(request)
    if form is None:
        return _html(login_html(message="登录请求太大。"), 413)
    target = safe_next(form.get("next"))
    name = form.get("name", "").strip()[:64]
    password = form.get("password", "")
    store = account_store(load_settings())
    probe = Response()
    device = _device(request, probe)
    address = _address(request)
    client = "device:" + digest(device)[:32] if device else "ip:" + address
    if not name or not password:
        result_message, status, result = "请输入用户名和密码。", 400, None
    else:
        result = await run_in_threadpool(login, store, _state["limiter"], name, password, client=client, network=address)
        result_message, status = result.message, (429 if result.wait_seconds > 0 and not result.ok else 401)
    if result is not None and result.ok:
        session = result.session
        response: Response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
        response.set_cookie(SESSION_COOKIE, session.token, max_age=max(60, math.floor(session.expires_at - time.time())),
                            path="/", httponly=True, samesite="lax", secure=_secure(request))
    else:
        response = _html(login_html(next_path=target, name=name, message=result_message), status)
    for header in probe.headers.getlist("set-cookie"):
        response.headers.append("set-cookie", header)
    return response


async def logout_confirm(request: Request) -> Response:
    return _html(logout_html())


async def logout_submit(request: Request) -> Response:
    if not _same_origin(request):
        return _html(logout_html(), 403)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await run_in_threadpool(account_store(load_settings()).end_session, token)
    response = RedirectResponse(f"{LOGIN_PATH}?bye=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def account_routes() -> list[Route]:
    _state["mounted"] = True
    return [
        Route(LOGIN_PATH, login_form, methods=["GET", "HEAD"]),
        Route(LOGIN_PATH, login_submit, methods=["POST"]),
        Route(LOGOUT_PATH, logout_confirm, methods=["GET", "HEAD"]),
        Route(LOGOUT_PATH, logout_submit, methods=["POST"]),
    ]


def _is_page(path: str) -> bool:
    if path.startswith(_NOT_PAGES) or path in ("/account", "/auth"):
        return False
    return "." not in path.rsplit("/", 1)[-1]


def _needs_login(token: str | None) -> bool:
    store = account_store(load_settings())
    return store.has_users() and store.validate_session(token) is None


class AccountGate:
    """ASGI middleware: a page load from a browser that is not signed in (once accounts exist) is sent
    to the login form (``next`` = the page asked for, ``?c=`` links included); every page load gets
    the device cookie if the browser has none. Everything else passes untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or not _is_page(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            needs_login = await run_in_threadpool(_needs_login, request.cookies.get(SESSION_COOKIE))
        except Exception:  # noqa: BLE001 - a settings or store problem: the app itself reports it
            needs_login = False
        if needs_login:
            here = scope.get("path", "/") + (("?" + scope["query_string"].decode("latin-1")) if scope.get("query_string") else "")
            response = RedirectResponse(f"{LOGIN_PATH}?next={quote(safe_next(here), safe='')}", status_code=303,
                                        headers={"Cache-Control": "no-store"})
            await response(scope, receive, send)
            return
        cookie = None
        if not request.cookies.get(DEVICE_COOKIE):
            probe = Response()
            _device(request, probe)
            cookie = probe.headers["set-cookie"].encode("latin-1")

        async def send_with_cookie(message: Message) -> None:
            if cookie and message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)
