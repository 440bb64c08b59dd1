"""What the browser tests share: the app served on a free loopback port from a copy of the built index,
and a browser session at one width that takes screenshots, checks the phone layout and, on close,
that nothing was requested from any host but the app."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from reliability.browser import BrowserSession
from reliability.procs import cli_env
from reliability.servers import StreamlitServer
from tests.support.paths import REPO_ROOT, SHIPPED_CARDS

ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
DOC_SHOTS = REPO_ROOT / "docs" / "screenshots"
WAIT_MS = 90_000
# Streamlit's scrolling containers: none may be wider than the phone's viewport.
SCROLL_CONTAINERS = ("stAppViewContainer", "stAppScrollToBottomContainer", "stMain", "stMainBlockContainer")


def serve_copy(root: Path, built_index: Path, **env) -> tuple[Path, StreamlitServer]:
    """A data dir under ``root`` holding a copy of ``built_index``, and the app (not started) serving it."""
    data_dir = root / "data"
    shutil.copytree(built_index, data_dir)
    return data_dir, StreamlitServer(cli_env(data_dir, SHIPPED_CARDS, **env), root / "streamlit.log",
                                     extra_args=("--server.address", "127.0.0.1", "--server.headless", "true"))


@contextmanager
def running(app: StreamlitServer) -> Iterator[StreamlitServer]:
    """The app started (a failed start fails the test with the server's message), stopped afterwards."""
    try:
        app.start(timeout=90)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield app
    finally:
        app.stop()


class Visit(BrowserSession):
    """A browser session (its own context: own cookies) at one width."""

    def __init__(self, browser, base: str, viewport: dict):
        super().__init__(browser, base, viewport, timeout_ms=WAIT_MS)

    def goto(self, path: str = "/") -> None:
        self.open(path)

    def shot(self, name: str, doc_name: str | None = None, height: int | None = None) -> Path:
        """A screenshot in test-artifacts/browser/ (at ``height`` when given), copied to docs/screenshots/
        as ``doc_name`` for the README."""
        if height:
            self.page.set_viewport_size({"width": self.width, "height": height})
            self.settle(1200)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(path))
        if doc_name:
            DOC_SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOC_SHOTS / doc_name)
        return path

    def assert_no_horizontal_scroll(self) -> None:
        widths = self.page.evaluate(
            """(ids) => {
                const out = {doc: document.documentElement.scrollWidth, containers: {}};
                for (const id of ids) {
                    const el = document.querySelector(`[data-testid="${id}"]`);
                    if (el) out.containers[id] = el.scrollWidth - el.clientWidth;
                }
                return out;
            }""",
            list(SCROLL_CONTAINERS),
        )
        assert widths["doc"] <= self.width, widths
        assert widths["containers"] and all(extra <= 1 for extra in widths["containers"].values()), widths

    def charts(self, at_least: int = 1, timeout_ms: int = 20000) -> int:
        """Vega charts drawn (a canvas or an svg inside each chart element), once ``at_least`` are drawn
        or ``timeout_ms`` has passed (a loaded machine draws them late)."""
        drawn = self.page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
        try:
            drawn.nth(at_least - 1).wait_for(state="attached", timeout=timeout_ms)
        except PlaywrightTimeoutError:  # the count below says how many were drawn
            pass
        return drawn.count()

    def close(self) -> None:
        super().close()
        assert not self.outside, f"requests outside the app: {self.outside}"
