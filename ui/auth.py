"""The maintainer login: constant-time password check and a limit on wrong guesses.

Wrong passwords are limited twice, per browser session and per server process (all sessions
together), so that opening new sessions does not reset the count:

* after each failure the next attempt is refused for a growing delay (1, 2, 4, 8 s, ...);
* after ``MAX_FAILURES`` failures the scope is locked for ``LOCKOUT_SECONDS``.

Nothing sleeps: a refused attempt is answered at once with the time to wait. The password itself is
read late from the environment (``Settings.admin_password``) and never stored, shown or logged.
"""

from __future__ import annotations

import hmac
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, MutableMapping

MAX_FAILURES = 5
LOCKOUT_SECONDS = 300.0
MAX_DELAY_SECONDS = 30.0
WINDOW_SECONDS = 900.0  # failures older than this are forgotten


def password_matches(given: str, expected: str) -> bool:
    """Constant-time comparison; an empty expected password never matches."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def delay_after(failures: int) -> float:
    """Seconds to wait before the next attempt after ``failures`` consecutive failures."""
    if failures <= 0:
        return 0.0
    if failures >= MAX_FAILURES:
        return LOCKOUT_SECONDS
    return min(MAX_DELAY_SECONDS, 2.0 ** (failures - 1))


@dataclass
class Limit:
    """The failure count of one scope (a session or the process)."""

    failures: int = 0
    last_failure: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def wait(self, now: float) -> float:
        if self.failures and now - self.last_failure > WINDOW_SECONDS:
            self.failures = 0
        if not self.failures:
            return 0.0
        return max(0.0, self.last_failure + delay_after(self.failures) - now)

    def fail(self, now: float) -> None:
        if self.failures and now - self.last_failure > WINDOW_SECONDS:
            self.failures = 0
        self.failures += 1
        self.last_failure = now

    def reset(self) -> None:
        self.failures = 0
        self.last_failure = 0.0


PROCESS_LIMIT = Limit()
SESSION_KEY = "_admin_login_limit"


def reset_limits() -> None:
    """Forget the process-wide failures (tests, or a restart)."""
    with PROCESS_LIMIT.lock:
        PROCESS_LIMIT.reset()


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    wait_seconds: float = 0.0      # > 0: the attempt was refused without checking
    locked: bool = False           # the refusal is a lockout (MAX_FAILURES reached)
    failures_left: int = MAX_FAILURES


def try_login(
    given: str,
    expected: str,
    session: MutableMapping,
    clock: Callable[[], float] = time.monotonic,
) -> LoginResult:
    """Check ``given`` against ``expected`` within the limits; updates both scopes."""
    now = clock()
    session_limit = session.get(SESSION_KEY)
    if not isinstance(session_limit, Limit):
        session_limit = Limit()
        session[SESSION_KEY] = session_limit
    with PROCESS_LIMIT.lock:
        wait = max(session_limit.wait(now), PROCESS_LIMIT.wait(now))
        if wait > 0:
            locked = max(session_limit.failures, PROCESS_LIMIT.failures) >= MAX_FAILURES
            return LoginResult(ok=False, wait_seconds=wait, locked=locked, failures_left=0 if locked else 1)
        if password_matches(given, expected):
            session_limit.reset()
            PROCESS_LIMIT.reset()
            return LoginResult(ok=True)
        session_limit.fail(now)
        PROCESS_LIMIT.fail(now)
        failures = max(session_limit.failures, PROCESS_LIMIT.failures)
        return LoginResult(ok=False, locked=failures >= MAX_FAILURES, failures_left=max(0, MAX_FAILURES - failures))
