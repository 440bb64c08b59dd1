"""Safe Markdown (no images, no raw HTML) and the maintainer login limits."""

from __future__ import annotations

import pytest

from ui import auth
from ui.core import StreamSanitizer, safe_markdown

pytestmark = pytest.mark.pure

# --- Markdown -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "看图 ![封面](http://evil.example/x.png) 就懂",
        "![](https://evil.example/a.png)",
        "![alt][ref]\n\n[ref]: http://evil.example/b.png",
        '<img src="http://evil.example/c.png">',
        "<IMG SRC=http://evil.example/d.png>",
        "<script>alert(1)</script>",
        '<a href="http://evil.example">x</a>',
        "![nested [brackets]](http://evil.example/e.png)",
    ],
)
def test_safe_markdown_neutralises_images_and_html(text):
    out = safe_markdown(text)
    assert "![" not in out
    assert "<img" not in out.lower() and "<script" not in out.lower() and "<a " not in out.lower()


def test_safe_markdown_keeps_ordinary_text():
    text = "## 怎么做\n\n1. 福利款 9.9 元 [1]\n2. 转化率 < 1% 时换品 [2]\n\n| 商品 | 价格 |\n|---|---|\n| 围巾 | 59 |"
    assert safe_markdown(text) == text


def test_safe_markdown_escapes_dollars_and_labels_images():
    assert safe_markdown("客单价$100") == "客单价\\$100"
    assert safe_markdown("![主图](http://x/y.png)") == "〔图片未显示：主图〕"


def test_stream_sanitizer_handles_split_markup():
    pieces = ["看这张图 !", "[图](http://evil.example/a.png) 和 <", "img src=x> 价格 $", "5 !"]
    sanitizer = StreamSanitizer()
    out = "".join(sanitizer.feed(p) for p in pieces) + sanitizer.flush()
    assert "![" not in out and "<img" not in out
    assert out.endswith("!")
    assert "\\$5" in out


# --- login limits -------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    auth.reset_limits()
    fake = Clock()
    monkeypatch.setattr(auth, "now", fake)
    yield fake
    auth.reset_limits()


def attempt(given: str, client: str = "browser-a", network: str = "net") -> auth.LoginResult:
    return auth.try_login(given, "right", {}, client=client, network=network)


def test_password_compare():
    assert auth.password_matches("pw", "pw")
    assert not auth.password_matches("pw ", "pw")
    assert not auth.password_matches("", "")  # no configured password never matches
    assert auth.password_matches("密码", "密码")


def test_a_typo_then_the_right_password_works_at_once(clock):
    assert not attempt("rihgt").ok
    assert attempt("right").ok


def test_growing_delay_then_lockout_of_that_client_only(clock):
    delays = []
    for _ in range(auth.MAX_FAILURES):
        result = attempt("wrong")
        assert not result.ok and result.wait_seconds == 0
        wait = auth.PROCESS_LIMITER.check(auth.ADMIN, "browser-a", "net").wait_seconds
        if wait:
            refused = attempt("right")  # too soon: refused without being checked
            assert not refused.ok and refused.wait_seconds == wait
            delays.append(wait)
            if wait < auth.LOCKOUT_SECONDS:
                clock.now += wait + 0.01
    assert delays[:3] == [1.0, 2.0, 4.0] and delays == sorted(delays)
    assert delays[-1] == auth.LOCKOUT_SECONDS and result.locked and result.failures_left == 0
    assert len(delays) == auth.MAX_FAILURES - auth.FREE_FAILURES
    # the stranger's browser is locked; the maintainer's browser is not
    assert attempt("right").locked
    assert attempt("right", client="maintainer-browser").ok


def test_the_first_failures_are_free_then_the_wait_is_per_client(clock):
    for _ in range(auth.FREE_FAILURES):
        assert attempt("wrong").failures_left > 0
    assert attempt("right").ok  # still no delay after the free typos: the count resets
    for _ in range(auth.FREE_FAILURES + 1):
        attempt("wrong")
    assert attempt("right").wait_seconds == 1.0
    assert attempt("right", client="browser-b").ok


def test_throwing_the_cookie_away_is_slowed_per_network_but_never_locks_out_a_known_browser(clock):
    assert attempt("right", client="maintainer-browser").ok  # the maintainer has logged in here before
    for i in range(backend_policy().network_free_failures + 1):
        attempt("wrong", client=f"fresh-{i}")  # a new client id for every guess
    assert attempt("right", client="yet-another").wait_seconds > 0
    assert attempt("right", client="maintainer-browser").ok
    assert attempt("right", client="yet-another", network="elsewhere").ok


def test_without_a_device_cookie_the_client_is_the_session(clock):
    session_a, session_b = {}, {}
    for _ in range(auth.MAX_FAILURES):
        auth.try_login("wrong", "right", session_a, network="n")
        clock.now += auth.MAX_DELAY_SECONDS + 1
    assert auth.try_login("right", "right", session_a, network="n").locked
    assert auth.try_login("right", "right", session_b, network="n").ok


def test_old_failures_are_forgotten(clock):
    attempt("wrong")
    clock.now += auth.WINDOW_SECONDS + 1
    assert attempt("wrong").failures_left == auth.MAX_FAILURES - 1


def backend_policy():
    return auth.POLICY
