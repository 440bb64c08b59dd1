"""Several real browser sessions against one ``streamlit run``, all asking at once (offline mode)."""

from __future__ import annotations

import time
from pathlib import Path

from reliability.browser import CHAT_BOX, BrowserSession, chromium
from reliability.data import QUESTIONS, cited_numbers
from reliability.procs import cli_env
from reliability.servers import StreamlitServer


def browser_experiment(settings, sessions: int = 3, workdir: Path | None = None) -> dict:
    """``sessions`` Chromium pages against one ``streamlit run``, all asking at once (offline mode)."""
    workdir = Path(workdir or settings.data_dir.parent)
    env = cli_env(settings.data_dir, settings.cards_dir)
    server = StreamlitServer(env, workdir / "streamlit-load.log")
    started = server.start()
    results = []
    outside: list[str] = []
    try:
        with chromium() as browser:
            visits = [BrowserSession(browser, server.base).open() for _ in range(sessions)]
            try:
                for visit in visits:
                    visit.page.get_by_placeholder(CHAT_BOX).wait_for()
                t0 = time.monotonic()
                for i, visit in enumerate(visits):
                    visit.send(QUESTIONS[i % len(QUESTIONS)])
                for visit in visits:
                    visit.page.get_by_text("来源（").first.wait_for()
                    text = visit.messages().nth(1).inner_text()
                    results.append({"seconds": round(time.monotonic() - t0, 2), "cited": bool(cited_numbers(text))})
            finally:
                for visit in visits:
                    outside += visit.outside
                    visit.close()
    finally:
        server.stop()
    return {"sessions": sessions, "server_start_s": round(started, 1), "answers": results,
            "all_cited": all(r["cited"] for r in results) and len(results) == sessions,
            "requests_outside_app": outside}
