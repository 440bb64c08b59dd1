"""The app's login: the per-(account, client) limit, the password check and a new session, in one call.

    result = login(store, limiter, name, password, client=client_id)
    if result.ok:  set the cookie to result.session.token (HttpOnly, Max-Age from result.session.expires_at)
    else:          show result.message (Chinese; never says whether the name exists)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from assistant.accounts.limits import LoginLimiter
from assistant.accounts.records import NewSession
from assistant.accounts.store import AccountStore

WRONG = "用户名或密码不对。"


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    session: NewSession | None = None   # its token is hidden from repr
    message: str = ""
    wait_seconds: float = 0.0           # > 0: refused without checking the password
    locked: bool = False


def _wait_message(seconds: float, locked: bool) -> str:
    if locked:
        minutes = max(1, math.ceil(seconds / 60))
        return f"这台设备连续输错密码次数太多，登录已暂停，请 {minutes} 分钟后再试（其他设备不受影响）。"
    return f"尝试太频繁，请 {max(1, math.ceil(seconds))} 秒后再试。"


def login(store: AccountStore, limiter: LoginLimiter, name: str, password: str, *, client: str,
          network: str | None = None) -> LoginResult:
    """Check a login from ``client`` (an id of the browser the attempt comes from) on ``network`` (its
    address, when known: see :class:`LoginLimiter`)."""
    check = limiter.check(name, client, network)
    if check.wait_seconds > 0:
        return LoginResult(False, message=_wait_message(check.wait_seconds, check.locked),
                           wait_seconds=check.wait_seconds, locked=check.locked)
    user = store.verify(name, password)
    if user is None:
        after = limiter.failure(name, client, network)
        message = WRONG
        if after.wait_seconds > 0:
            message += _wait_message(after.wait_seconds, after.locked)
        return LoginResult(False, message=message, wait_seconds=after.wait_seconds, locked=after.locked)
    limiter.success(name, client)
    return LoginResult(True, session=store.create_session(user.name))
