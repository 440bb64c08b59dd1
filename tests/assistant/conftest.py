"""Fixtures of the assistant tests: the session's real index of the shipped handbook (Chroma + the default
embedder, ``shipped_index``), its cards, the development sets, and fake chat models standing in for the LLM."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import Settings
from tests.support.fakes import make_fake_llm
from tests.support.paths import DEV_PLANS as DEV_PLANS_FILE
from tests.support.paths import DEV_QUESTIONS as DEV_QUESTIONS_FILE

DATA = Path(__file__).resolve().parent / "data"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


DEV_QUESTIONS = load_yaml(DEV_QUESTIONS_FILE)["questions"]
DEV_PLANS = load_yaml(DEV_PLANS_FILE)["plans"]
OUT_OF_SCOPE = load_yaml(DATA / "out_of_scope.yaml")


@pytest.fixture(scope="session")
def index_settings(shipped_index) -> Settings:
    """Settings of the real index of the shipped cards (read-only use)."""
    return shipped_index


@pytest.fixture(scope="session")
def searcher(shipped_searcher):
    return shipped_searcher


@pytest.fixture
def llm_settings(index_settings) -> Settings:
    """The index settings with a short LLM time budget (the fake models are passed explicitly)."""
    return index_settings.replace(llm_timeout=2.0)


@pytest.fixture
def fake_llm():
    """``fake_llm(*replies, delay=, gap=, piece=, error=)``: a RecordingChatModel (tests/support/fakes.py)."""
    return make_fake_llm
