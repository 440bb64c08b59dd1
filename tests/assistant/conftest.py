"""Fixtures of the assistant tests: the shipped handbook indexed for real (Chroma + the default
embedder) once per session, its cards, and fake chat models standing in for the LLM."""

from __future__ import annotations

import dataclasses
import shutil
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CARDS = REPO_ROOT / "playbook" / "cards"
SHARED = REPO_ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


DEV_QUESTIONS = load_yaml(SHARED / "eval" / "dev_questions.yaml")["questions"]
DEV_PLANS = load_yaml(SHARED / "eval" / "dev_plans.yaml")["plans"]
OUT_OF_SCOPE = load_yaml(DATA / "out_of_scope.yaml")


@pytest.fixture(scope="session")
def index_settings(tmp_path_factory) -> Settings:
    """Settings of a real index of the shipped cards (built once per session, read-only use)."""
    from index.api import rebuild

    root = tmp_path_factory.mktemp("assistant-index")
    cards = root / "cards"
    shutil.copytree(SHIPPED_CARDS, cards)
    settings = Settings(data_dir=root / "data", cards_dir=cards)
    rebuild(settings)
    return settings


@pytest.fixture(scope="session")
def searcher(index_settings):
    from index.api import open_searcher

    return open_searcher(index_settings)


@pytest.fixture(scope="session")
def shipped_cards() -> dict:
    from playbook.loader import load_cards

    return {c.id: c for c in load_cards(SHIPPED_CARDS)}


@pytest.fixture
def llm_settings(index_settings) -> Settings:
    """The index settings with a short LLM time budget (the fake models are passed explicitly)."""
    return dataclasses.replace(index_settings, llm_timeout=2.0)


class RecordingChatModel(BaseChatModel):
    """A fake chat model: replies from a list in turn, streams them in small pieces, records every
    prompt, and can sleep or raise to imitate a slow or failing provider."""

    replies: list[str] = []
    piece: int = 3
    delay: float = 0.0          # seconds before the first piece
    gap: float = 0.0            # seconds between pieces
    error: str = ""             # raise RuntimeError(error) instead of answering
    calls: list = []
    _i: int = 0

    @property
    def _llm_type(self) -> str:
        return "recording-fake"

    def _next(self, messages: list[BaseMessage]) -> str:
        self.calls.append(messages)
        if self.error:
            raise RuntimeError(self.error)
        reply = self.replies[min(self._i, len(self.replies) - 1)] if self.replies else ""
        self._i += 1
        return reply

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        time.sleep(self.delay)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next(messages)))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs) -> Iterator[ChatGenerationChunk]:
        reply = self._next(messages)
        time.sleep(self.delay)
        if not reply:
            yield ChatGenerationChunk(message=AIMessageChunk(content=""))
        for i in range(0, len(reply), self.piece):
            if i and self.gap:
                time.sleep(self.gap)
            yield ChatGenerationChunk(message=AIMessageChunk(content=reply[i : i + self.piece]))


@pytest.fixture
def fake_llm():
    def make(*replies: str, **kwargs) -> RecordingChatModel:
        return RecordingChatModel(replies=list(replies), calls=[], **kwargs)

    return make
