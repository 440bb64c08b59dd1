"""Typed records passed between the index stages and to the assistant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ProgressCallback = Callable[[int, int, str], None]  # (done, total, what) during long work
SEARCH_MODES = ("hybrid", "vector", "keyword")     # both lists fused, or one list only (for comparisons)


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage of a card: a section, with the card title and heading carried in."""

    chunk_id: str          # stable: f"{card_id}#{ordinal}"
    card_id: str
    title: str             # the card title
    section: str           # the section heading ("" for text before the first heading)
    text: str              # the passage itself, without the title/heading prefix
    topics: tuple[str, ...]
    stage: str
    forces: tuple[str, ...]
    ordinal: int
    search_text: str = ""  # indexed but not shown: the overview's questions and keywords

    def embedding_text(self) -> str:
        """What is embedded and keyword-indexed: title and heading carried into the passage."""
        heading = f"{self.title} / {self.section}" if self.section else self.title
        body = f"{self.text}\n{self.search_text}" if self.search_text else self.text
        return f"{heading}\n{body}"


@dataclass(frozen=True)
class SearchFilters:
    """Optional restrictions on a search; None means any."""

    stage: str | None = None   # pre | live | post | anytime
    force: str | None = None   # traffic | live-ops | incubation | supply | fulfillment | general
    topic: str | None = None   # a topic id

    def matches(self, item) -> bool:
        """True when a chunk or card (anything with stage, forces, topics) passes every filter."""
        if self.stage and item.stage != self.stage:
            return False
        if self.force and self.force not in item.forces:
            return False
        return not (self.topic and self.topic not in item.topics)


@dataclass(frozen=True)
class SearchResult:
    """One result, best first; results are de-duplicated per card (the best chunk of each card)."""

    chunk: Chunk
    score: float                              # the fused ranking score (higher is better)
    vector_similarity: float | None = None    # cosine similarity of the best chunk, if it was a vector hit
    keyword_score: float | None = None        # BM25 score of the best chunk, if it was a keyword hit

    @property
    def card_id(self) -> str:
        return self.chunk.card_id


@dataclass(frozen=True)
class IndexStatus:
    cards: int
    chunks: int
    embedder: str
    built_at: str          # ISO 8601, UTC
    generation: str
    mode: str              # "embedded" | "server"
    location: str = ""     # the index folder or the Chroma server address
    embedder_dim: int = 0

    @classmethod
    def from_manifest(cls, manifest: dict, generation: str, mode: str, location: str) -> IndexStatus:
        """The status of a generation as its manifest records it."""
        return cls(
            cards=int(manifest.get("card_count", 0)),
            chunks=int(manifest.get("chunk_count", 0)),
            embedder=str(manifest.get("embedder", "")),
            built_at=str(manifest.get("built_at", "")),
            generation=generation,
            mode=mode,
            location=location,
            embedder_dim=int(manifest.get("dim", 0)),
        )

    def to_json(self) -> dict:
        return {
            "cards": self.cards,
            "chunks": self.chunks,
            "embedder": self.embedder,
            "built_at": self.built_at,
            "generation": self.generation,
            "mode": self.mode,
            "location": self.location,
            "dim": self.embedder_dim,
        }


@dataclass(frozen=True)
class RebuildSummary:
    cards_added: int
    cards_changed: int
    cards_removed: int
    cards_unchanged: int
    chunks_embedded: int
    seconds: float
    generation: str = ""   # the generation serving after the rebuild
    noop: bool = False     # True when nothing had changed (no new generation written)

    def contract_json(self) -> dict:
        """Exactly the fields of the `rebuild --json` contract."""
        return {
            "cards_added": self.cards_added,
            "cards_changed": self.cards_changed,
            "cards_removed": self.cards_removed,
            "cards_unchanged": self.cards_unchanged,
            "chunks_embedded": self.chunks_embedded,
            "seconds": self.seconds,
        }
