"""Typed records shared by the assistant's capabilities (answers, plans) and their callers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CONTRACT_SOURCE_FIELDS = ("n", "card_id", "title", "topics", "excerpt", "section")  # `assistant ask --json` (+ section)


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

    def to_json(self, *, contract: bool = False) -> dict[str, Any]:
        """The source as JSON: every field (stored conversations), or only the contract's fields."""
        data = {"n": self.n, "card_id": self.card_id, "title": self.title, "topics": list(self.topics),
                "excerpt": self.excerpt, "stage": self.stage, "section": self.section}
        return {k: data[k] for k in CONTRACT_SOURCE_FIELDS} if contract else data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Source:
        """The inverse of ``to_json`` (missing optional fields are empty). ValueError/TypeError when
        ``n`` is not a number."""
        return cls(
            n=int(data.get("n", 0)),
            card_id=str(data.get("card_id", "")),
            title=str(data.get("title", "")),
            topics=tuple(data.get("topics") or ()),
            excerpt=str(data.get("excerpt", "")),
            stage=str(data.get("stage", "")),
            section=str(data.get("section", "")),
        )


@dataclass(frozen=True)
class Turn:
    """One earlier message of a conversation (role is "user" or "assistant").

    ``sources`` (optional) are the sources of an assistant message; with them a follow-up such as
    "第二步具体怎么做？" is resolved to the card the step came from.
    """

    role: str
    content: str
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Answer:
    answer: str
    mode: str                     # "offline" | "llm"
    in_scope: bool
    sources: tuple[Source, ...]
    notice: str = ""              # e.g. "大模型超时，已改用离线回答"
    rewritten_question: str = ""  # the standalone question used for retrieval
    scope: dict = field(default_factory=dict, compare=False)  # retrieval evidence behind in_scope
    removed_citations: tuple[int, ...] = ()  # [n] the model wrote that were not retrieved sources
    suggestions: tuple[str, ...] = ()  # questions to offer next (from the cited cards' `questions:`)

    def turns(self, question: str) -> list["Turn"]:
        """This exchange as two history turns (pass them back as ``history`` for a follow-up)."""
        return [Turn("user", question), Turn("assistant", self.answer, self.sources)]

    def to_json(self) -> dict:
        """The contract's JSON shape for ``python -m assistant ask --json``."""
        return {
            "answer": self.answer,
            "mode": self.mode,
            "in_scope": self.in_scope,
            "sources": [s.to_json(contract=True) for s in self.sources],
            "notice": self.notice,
            "suggestions": list(self.suggestions),
            "scope": dict(self.scope),
        }


@dataclass(frozen=True)
class PlanSection:
    key: str
    title: str
    markdown: str
    sources: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class WarmupDay:
    """One day of the warm-up schedule; items read "HH:MM what to do"."""

    date: str                      # YYYY-MM-DD
    items: tuple[str, ...]


@dataclass(frozen=True)
class WarmupEvent:
    """One timed warm-up action (what the calendar export is made of)."""

    start: str                     # YYYY-MM-DDTHH:MM, local time
    text: str
    kind: str = "task"             # video | task | booking
    minutes: int = 30


@dataclass(frozen=True)
class ShowBlock:
    """One time block of the run of show."""

    start: str                     # HH:MM
    end: str                       # HH:MM
    segment: str
    products: tuple[str, ...] = ()
    role: str = ""                 # open | hook | main | profit | image | loop | close
    minutes: int = 0
    day: int = 0                   # 1 when the block starts after midnight of the broadcast day
    script: tuple[str, ...] = ()   # cue lines for the host

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "segment": self.segment, "products": list(self.products),
                "role": self.role, "minutes": self.minutes, "script": list(self.script)}


@dataclass(frozen=True)
class Plan:
    """A pre-broadcast plan: the contract's JSON via ``to_json``; Markdown via assistant.plan.render."""

    inputs: dict
    sections: tuple[PlanSection, ...]
    warmup_schedule: tuple[WarmupDay, ...]
    run_of_show: tuple[ShowBlock, ...]
    warmup_events: tuple[WarmupEvent, ...] = ()
    warnings: tuple[str, ...] = ()
    mode: str = "offline"          # "llm" when prose was personalised by a language model
    notice: str = ""
    lineup: tuple[dict, ...] = ()  # {"name", "price", "role", "minutes_on_air"} for every input product

    def section(self, key: str) -> PlanSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def to_json(self) -> dict:
        return {
            "inputs": self.inputs,
            "sections": [
                {"key": s.key, "title": s.title, "markdown": s.markdown, "sources": list(s.sources)} for s in self.sections
            ],
            "warmup_schedule": [{"date": d.date, "items": list(d.items)} for d in self.warmup_schedule],
            "run_of_show": [b.to_json() for b in self.run_of_show],
            "lineup": [dict(entry) for entry in self.lineup],
            "warnings": list(self.warnings),
            "mode": self.mode,
            "notice": self.notice,
        }
