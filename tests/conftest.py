"""Shared fixtures: no network beyond loopback, data dirs under tmp_path, the shipped cards, one real
index of the shipped handbook per session, in-process command lines.

Helpers used by several packages live in ``tests/support`` (test-only) and ``reliability`` (shared with
the reliability report): ``reliability.data.settings_for`` (Settings of a data and a cards dir),
``reliability.procs.cli_env`` / ``run_module`` (subprocess environment and runs),
``reliability.browser.BrowserSession``, ``reliability.servers.ChromaServer`` / ``StreamlitServer``.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from pathlib import Path

import pytest

from common.env import apply_process_defaults
from tests.support.cli import CliResult, invoke_main
from tests.support.index_cache import shipped_index_into  # reads PLAYBOOK_TEST_CACHE_DIR first
from tests.support.paths import SHIPPED_CARDS

# Offline everywhere: no hub downloads, no telemetry; no setting leaks in from the shell.
apply_process_defaults()
for _name in list(os.environ):
    if _name.startswith("PLAYBOOK_"):
        del os.environ[_name]


def _is_loopback(address) -> bool:
    if isinstance(address, (str, bytes)) and not isinstance(address, tuple):
        return True  # unix socket path
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class NetworkBlockedError(RuntimeError):
    """A test tried to reach a host that is not on this machine."""


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise NetworkBlockedError(f"network access blocked in tests: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise NetworkBlockedError(f"network access blocked in tests: {address!r}")
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex


@pytest.fixture
def cards_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped cards that a test may edit."""
    target = tmp_path / "cards"
    shutil.copytree(SHIPPED_CARDS, target)
    return target


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch):
    """Point the process environment (what the app under AppTest and ``load_settings()`` read) at a data
    dir and a cards dir - ``app_env(settings, **env)`` or ``app_env(data_dir, cards_dir, **env)`` - with
    extra variables as keywords; every other PLAYBOOK_* variable is unset. Returns ``load_settings()``.
    The maintainer-login limits are reset before and after the test."""
    from settings import Settings, load_settings
    from ui import auth

    auth.reset_limits()

    def apply(where, cards_dir: Path | None = None, **env: object):
        data_dir, cards = (where.data_dir, where.cards_dir) if isinstance(where, Settings) else (where, cards_dir)
        for name in list(os.environ):
            if name.startswith("PLAYBOOK_"):
                monkeypatch.delenv(name)
        monkeypatch.setenv("PLAYBOOK_DATA_DIR", str(data_dir))
        monkeypatch.setenv("PLAYBOOK_CARDS_DIR", str(cards or SHIPPED_CARDS))
        for key, value in env.items():
            monkeypatch.setenv(key, str(value))
        return load_settings()

    yield apply
    auth.reset_limits()


@pytest.fixture
def make_settings(tmp_path: Path, app_env):
    """``make_settings(cards=None, **env)``: the environment pointed at a data dir under tmp_path and
    ``cards`` (default the shipped cards), extra variables as keywords; returns ``load_settings()``."""
    return lambda cards=None, **env: app_env(tmp_path / "data", cards, **env)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium (Playwright), one per test module; skips when /usr/bin/chromium is missing."""
    from reliability.browser import CHROMIUM, chromium

    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (run `make browser`)")
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory):
    """Settings of a real index (Chroma + the default embedder) of the shipped handbook, built once per
    test session and shared by every package's tests: read-only use (copy its data dir to write).
    Built once per content (tests/support/index_cache.py) and copied into this session's tmp dir."""
    from index.api import rebuild
    from reliability.data import settings_for

    root = tmp_path_factory.mktemp("shipped-index")
    data, cards = shipped_index_into(root, lambda d, c: rebuild(settings_for(d, c)))
    return settings_for(data, cards)


@pytest.fixture(scope="session")
def shipped_searcher(shipped_index):
    """A searcher of ``shipped_index``, shared by the session."""
    from index.api import open_searcher

    searcher = open_searcher(shipped_index)
    yield searcher
    searcher.close()


@pytest.fixture(scope="session")
def shipped_cards() -> dict:
    """The shipped cards by id, as the loader reads them."""
    from playbook.loader import load_cards

    return {c.id: c for c in load_cards(SHIPPED_CARDS)}


@pytest.fixture
def invoke_cli(monkeypatch: pytest.MonkeyPatch):
    """Run a command line in-process: ``invoke_cli(main, *args, env={...})`` -> CliResult(returncode,
    stdout, stderr). The environment holds no PLAYBOOK_* variable but those given."""

    def invoke(main, *args: str, env: dict | None = None) -> CliResult:
        for name in list(os.environ):
            if name.startswith("PLAYBOOK_"):
                monkeypatch.delenv(name)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, str(value))
        return invoke_main(main, list(args))

    return invoke
