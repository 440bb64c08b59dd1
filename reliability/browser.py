"""Debian's Chromium through Playwright (never a downloaded browser build): one session per context."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CHAT_BOX = "输入你的问题……"
WAIT_MS = 120_000


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (Playwright ``Browser``), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class BrowserSession:
    """One browser context (one Streamlit session) against the app at ``base``, recording every request
    that leaves the app (``outside``)."""

    def __init__(self, browser, base: str, viewport: dict | None = None, timeout_ms: int = WAIT_MS):
        self.base = base
        viewport = viewport or DESKTOP
        self.width = viewport["width"]
        self.context = browser.new_context(viewport=viewport, accept_downloads=True, locale="zh-CN")
        self.context.set_default_timeout(timeout_ms)
        self.outside: list[str] = []
        self.page = self.context.new_page()
        self.page.on("request", self._record)

    def _record(self, request) -> None:
        if not request.url.startswith((self.base, "data:", "blob:", "about:")):
            self.outside.append(request.url)

    def open(self, path: str = "/") -> BrowserSession:
        self.page.goto(self.base + path)
        return self

    def settle(self, pause_ms: int = 400) -> None:
        """Wait until the app has finished running its script."""
        self.page.wait_for_function("() => !document.querySelector('[data-testid^=\"stStatusWidgetRunning\"]')")
        self.page.wait_for_timeout(pause_ms)

    def send(self, question: str) -> None:
        """Type a question into the chat box and send it."""
        box = self.page.get_by_placeholder(CHAT_BOX)
        box.wait_for()
        box.fill(question)
        box.press("Enter")

    def messages(self):
        return self.page.locator('[data-testid="stChatMessage"]')

    def close(self) -> None:
        self.context.close()
