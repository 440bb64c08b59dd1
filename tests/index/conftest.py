"""Fixtures of the index tests: the four small fixture cards, an index of them shared per module.

The index of the whole shipped handbook is the session's ``shipped_index`` (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability.data import settings_for
from settings import Settings
from tests.support.cards import write_fixture_cards


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


def run_cli(args: list[str], env: dict, timeout: float = 300):
    """``python -m index ARGS`` as a real subprocess."""
    from reliability.procs import run_module

    return run_module("index", args, env, timeout=timeout)
