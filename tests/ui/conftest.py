"""Fixtures of the UI tests: one real index built per test session, copied into each test's data dir.

Building the index from the shipped cards takes about a minute on two cores; every test gets its
own copy (a few MB) under ``tmp_path`` so that conversations, feedback and rebuilds never leak
between tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SHIPPED_CARDS

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding an index of the shipped cards (built once per session)."""
    from index.api import ensure_index
    from settings import Settings

    data_dir = tmp_path_factory.mktemp("ui-index") / "data"
    ensure_index(Settings(data_dir=data_dir, cards_dir=SHIPPED_CARDS))
    return data_dir


@pytest.fixture
def app_data(tmp_path: Path, built_index: Path, make_settings, monkeypatch: pytest.MonkeyPatch):
    """Settings for an app run: a private copy of the built index, no admin password, limits reset.

    Call it with keyword arguments to set more environment variables, e.g.
    ``app_data(PLAYBOOK_ADMIN_PASSWORD="...")``.
    """
    from ui import auth

    auth.reset_limits()
    shutil.copytree(built_index, tmp_path / "data")
    monkeypatch.delenv("PLAYBOOK_ADMIN_PASSWORD", raising=False)

    def factory(cards: Path | None = None, **env: str):
        return make_settings(cards, **env)

    yield factory
    auth.reset_limits()
