"""Shared fixtures: no network beyond loopback, data dirs under tmp_path, the shipped cards."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CARDS = REPO_ROOT / "playbook" / "cards"
SHARED_DIR = REPO_ROOT.parent / "shared"

# Offline everywhere: no hub downloads, no telemetry.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
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
def make_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Build Settings with data dir under tmp_path; extra env vars as keyword arguments."""
    from settings import load_settings

    def factory(cards: Path | None = None, **env: str):
        monkeypatch.setenv("PLAYBOOK_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("PLAYBOOK_CARDS_DIR", str(cards or SHIPPED_CARDS))
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return load_settings()

    return factory
