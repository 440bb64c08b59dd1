"""What the handbook served badly, for maintainers: the gaps report and the 👎 feedback with the answer
that was given. Aggregates only: no conversation ids, no users."""

from __future__ import annotations

from settings import Settings


def handbook_gaps(settings: Settings, store, days: int | None = None, searcher=None) -> list:
    """``assistant.gaps.gaps``: [Gap(question, count, reason, last_asked, variants, answers, cards)];
    ``searcher``: the app's open index (its embedder and query cache), else one is opened."""
    from assistant.gaps import gaps

    return gaps(store, settings, days=days, searcher=searcher)


def gap_reason_names() -> dict[str, str]:
    from assistant.gaps import REASON_NAMES

    return dict(REASON_NAMES)


def thumbs_down(store, limit: int = 20) -> list[dict]:
    """The latest 👎: ``question``, ``answer``, ``reason``, ``updated_at`` (no conversation id)."""
    rows = [r for r in store.feedback_rows(limit=200) if r["rating"] == "down"][:limit]
    return [{"question": r.get("question") or "", "answer": r.get("answer") or "", "reason": r.get("reason") or "",
             "updated_at": r.get("updated_at") or ""} for r in rows]
