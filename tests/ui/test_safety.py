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


@pytest.fixture(autouse=True)
def _fresh_limits():
    auth.reset_limits()
    yield
    auth.reset_limits()


def test_password_compare():
    assert auth.password_matches("pw", "pw")
    assert not auth.password_matches("pw ", "pw")
    assert not auth.password_matches("", "")  # no configured password never matches
    assert auth.password_matches("密码", "密码")


def test_growing_delay_then_lockout_per_session():
    clock, session = Clock(), {}
    delays = []
    for _ in range(auth.MAX_FAILURES):
        result = auth.try_login("wrong", "right", session, clock)
        assert not result.ok and result.wait_seconds == 0
        refused = auth.try_login("right", "right", session, clock)  # too soon: refused unchecked
        assert not refused.ok and refused.wait_seconds > 0
        delays.append(refused.wait_seconds)
        clock.now += refused.wait_seconds + 0.01
        if result.locked:
            break
    assert delays == sorted(delays) and delays[0] == 1.0
    assert delays[-1] == auth.LOCKOUT_SECONDS  # the fifth failure locks
    assert result.locked and result.failures_left == 0


def test_lockout_is_process_wide_and_success_resets():
    clock = Clock()
    for _ in range(auth.MAX_FAILURES):
        auth.try_login("wrong", "right", {}, clock)  # a new session each time
        clock.now += auth.MAX_DELAY_SECONDS
    other_session = {}
    refused = auth.try_login("right", "right", other_session, clock)
    assert not refused.ok and refused.locked and refused.wait_seconds > 0
    clock.now += auth.LOCKOUT_SECONDS + 1
    assert auth.try_login("right", "right", other_session, clock).ok
    assert auth.try_login("wrong", "right", {}, clock).failures_left == auth.MAX_FAILURES - 1


def test_old_failures_are_forgotten():
    clock, session = Clock(), {}
    auth.try_login("wrong", "right", session, clock)
    clock.now += auth.WINDOW_SECONDS + 1
    result = auth.try_login("wrong", "right", session, clock)
    assert result.failures_left == auth.MAX_FAILURES - 1
