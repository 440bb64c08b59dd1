"""Fixtures of the hardening tests: one small real index per session, copied where a test writes.

The base index holds ten shipped cards (``FIXTURE_CARDS``) embedded with the real default
model; it is built once, in this process (about 20-30 s on a loaded two-core machine) and never
modified. A test that rebuilds, kills or edits gets its own copy of the cards and of the data dir.
The app's environment (``app_env``) and the browser (``browser``) are the shared fixtures of tests/conftest.py.
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

