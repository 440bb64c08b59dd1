"""Fixtures of the UI tests: the session's real index of the shipped cards, copied into each test's data dir.

Every test gets its own copy (a few MB) under ``tmp_path`` so that conversations, feedback and rebuilds
never leak between tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.paths import APP  # noqa: F401 - the app the UI tests run


@pytest.fixture(scope="session")
def built_index(shipped_index) -> Path:
    """A data dir holding an index of the shipped cards (the session's ``shipped_index``; read-only)."""
    return shipped_index.data_dir


@pytest.fixture
def app_data(tmp_path: Path, built_index: Path, make_settings):
    """Settings for an app run: a private copy of the built index, no admin password, limits reset
    (``make_settings``). Call it with keyword arguments to set more environment variables, e.g.
    ``app_data(PLAYBOOK_ADMIN_PASSWORD="...")``."""
    shutil.copytree(built_index, tmp_path / "data")
    return make_settings
