"""Typed records of the assistant's answers and plans."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """A cited source: ``n`` is the number used as ``[n]`` in the answer."""

    n: int
    card_id: str
    title: str
    topics: tuple[str, ...]
    excerpt: str
    stage: str = ""
    section: str = ""


@dataclass(frozen=True)
class Turn:
    """One earlier message of a conversation (role is "user" or "assistant")."""

    role: str
    content: str


@dataclass(frozen=True)
class Answer:
    answer: str
    mode: str                     # "offline" | "llm"
    in_scope: bool
    sources: tuple[Source, ...]
    notice: str = ""              # e.g. "大模型超时，已改用离线回答"
    rewritten_question: str = ""  # the standalone question used for retrieval

    def to_json(self) -> dict:
        """The contract's JSON shape for ``python -m assistant ask --json``."""
        return {
            "answer": self.answer,
            "mode": self.mode,
            "in_scope": self.in_scope,
            "sources": [
                {"n": s.n, "card_id": s.card_id, "title": s.title, "topics": list(s.topics), "excerpt": s.excerpt}
                for s in self.sources
            ],
            "notice": self.notice,
        }


@dataclass(frozen=True)
class PlanSection:
    key: str
    title: str
    markdown: str
    sources: tuple[str, ...] = field(default_factory=tuple)
