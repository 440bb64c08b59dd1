"""Fixtures of the index tests: small fixture cards, built indexes shared per module / session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from settings import Settings

from .index_helpers import SHIPPED_CARDS, settings_for, write_fixture_cards


@pytest.fixture
def small_cards(tmp_path: Path) -> Path:
    """The four fixture cards in a folder a test may edit."""
    return write_fixture_cards(tmp_path / "cards")


@pytest.fixture
def small_settings(tmp_path: Path, small_cards: Path) -> Settings:
    return settings_for(tmp_path / "data", small_cards)


@pytest.fixture(scope="module")
def built_small(tmp_path_factory) -> Settings:
    """A built index of the fixture cards, shared by the tests of one module (read-only use)."""
    from index.api import rebuild

    root = tmp_path_factory.mktemp("small-index")
    settings = settings_for(root / "data", write_fixture_cards(root / "cards"))
    rebuild(settings)
    return settings


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory) -> Settings:
    """The shipped handbook, indexed once per test session (read-only use)."""
    from index.api import rebuild

    root = tmp_path_factory.mktemp("shipped-index")
    cards = root / "cards"
    shutil.copytree(SHIPPED_CARDS, cards)
    settings = settings_for(root / "data", cards)
    rebuild(settings)
    return settings
