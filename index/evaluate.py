"""Retrieval evaluation on a question file (format of shared/eval/dev_questions.yaml).

A question is a hit when one of the top-k results comes from a card whose ``topics`` include one of
the question's ``topics``; MRR uses the first such result in the top 10.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import yaml

MRR_DEPTH = 10


class EvalFileError(ValueError):
    """The question file is missing or malformed (CLI exit 2)."""


@dataclass(frozen=True)
class Question:
    q: str
    topics: tuple[str, ...]


def load_questions(path: Path) -> list[Question]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise EvalFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"{path}: cannot read it ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise EvalFileError(f"{path}:{line}: not valid YAML") from None
    items = data.get("questions") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise EvalFileError(f"{path}: expected `questions:` followed by a list of {{q, topics}} items")
    out = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or not item["q"].strip():
            raise EvalFileError(f"{path}: question {i} needs a text field `q`")
        topics = item.get("topics")
        if isinstance(topics, str):
            topics = [topics]
        if not isinstance(topics, list) or not topics or not all(isinstance(t, str) for t in topics):
            raise EvalFileError(f"{path}: question {i} needs `topics`, a list of topic ids")
        out.append(Question(item["q"].strip(), tuple(topics)))
    return out


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    pos = (len(ordered) - 1) * p / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return float(ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo))


def evaluate(
    questions: list[Question],
    search: Callable[[str, int], list],
    topics_of: Callable[[object], Sequence[str]],
    k: int = 5,
    card_of: Callable[[object], str] = lambda r: r.card_id,
    warmup: bool = True,
) -> dict:
    """The contract dict: n, k, hit_at_k, mrr, latency_ms_p50/p95, misses."""
    depth = max(k, MRR_DEPTH)
    if warmup and questions:
        search(questions[0].q, depth)  # load models and caches outside the timed loop
    hits = 0
    rr_total = 0.0
    latencies: list[float] = []
    misses = []
    for question in questions:
        t0 = time.perf_counter()
        results = search(question.q, depth)
        latencies.append((time.perf_counter() - t0) * 1000)
        wanted = set(question.topics)
        first = None
        for rank, result in enumerate(results[:MRR_DEPTH], start=1):
            if wanted & set(topics_of(result)):
                first = rank
                break
        if first is not None and first <= k:
            hits += 1
        else:
            misses.append({"q": question.q, "expected": list(question.topics), "got": [card_of(r) for r in results[:k]]})
        if first is not None:
            rr_total += 1.0 / first
    n = len(questions)
    return {
        "n": n,
        "k": k,
        "hit_at_k": round(hits / n, 4) if n else 0.0,
        "mrr": round(rr_total / n, 4) if n else 0.0,
        "latency_ms_p50": round(percentile(latencies, 50), 2),
        "latency_ms_p95": round(percentile(latencies, 95), 2),
        "misses": misses,
    }


def evaluate_searcher(searcher, questions: list[Question], k: int = 5, mode: str = "hybrid") -> dict:
    clear = getattr(searcher, "clear_query_cache", None)
    if clear:
        clear()  # time real query embeddings, not cache hits from an earlier run
    return evaluate(
        questions,
        lambda q, n: searcher.search(q, k=n, mode=mode),
        lambda r: r.chunk.topics,
        k=k,
    )
