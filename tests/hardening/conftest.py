"""Fixtures of the hardening tests: one small real index per session, copied where a test writes.

The base index holds ten shipped cards (``FIXTURE_CARDS``) embedded with the real default
model; it is built once, in this process (about 20-30 s on a loaded two-core machine) and never
modified. A test that rebuilds, kills or edits gets its own copy of the cards and of the data dir.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reliability.data import copy_data, copy_fixture_cards, settings_for


@pytest.fixture(scope="session")
def hx_index(tmp_path_factory):
    """Settings of the pristine base index (read-only use)."""
    from index.api import rebuild

    root = tmp_path_factory.mktemp("hardening-base")
    cards = copy_fixture_cards(root / "cards")
    settings = settings_for(root / "data", cards)
    rebuild(settings)
    return settings


@pytest.fixture
def isolated(hx_index, tmp_path: Path):
    """A private copy of the base cards and data dir: Settings a test may rebuild, kill, break."""
    cards = tmp_path / "cards"
    shutil.copytree(hx_index.cards_dir, cards)
    copy_data(hx_index.data_dir, tmp_path / "data")
    return settings_for(tmp_path / "data", cards)


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch):
    """Point the Streamlit app (AppTest, same process) at ``settings``; extra env vars as keywords."""
    from ui import auth

    auth.reset_limits()

    def apply(settings, **env: str):
        for name in ("PLAYBOOK_ADMIN_PASSWORD", "PLAYBOOK_LLM_PROVIDER", "PLAYBOOK_LLM_API_KEY",
                     "PLAYBOOK_CHROMA_HOST", "PLAYBOOK_CHROMA_PORT"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("PLAYBOOK_DATA_DIR", str(settings.data_dir))
        monkeypatch.setenv("PLAYBOOK_CARDS_DIR", str(settings.cards_dir))
        for key, value in env.items():
            monkeypatch.setenv(key, str(value))

    yield apply
    auth.reset_limits()
