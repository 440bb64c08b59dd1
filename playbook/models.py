"""Typed records of the handbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

STAGES = ("pre", "live", "post", "anytime")
STAGE_NAMES = {"pre": "播前", "live": "播中", "post": "播后", "anytime": "通用"}


@dataclass(frozen=True)
class Topic:
    """One id of the topic taxonomy (topics.yaml)."""

    id: str
    force: str
    name: str
    covers: str


@dataclass(frozen=True)
class Card:
    """One handbook card: front-matter fields plus the Markdown body."""

    id: str
    title: str
    topics: tuple[str, ...]
    stage: str
    body: str
    path: Path
    body_line: int  # 1-based line of the first body line in the file
    content_hash: str
    summary: str = ""
    links: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    forces: tuple[str, ...] = ()
    plan: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES.get(self.stage, self.stage)
