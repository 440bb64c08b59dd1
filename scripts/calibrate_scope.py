"""Fit and check the scope model (assistant/answer/scope.py) with the real index.

    python scripts/calibrate_scope.py [--check FILE ...] [-v]

1. Fits the logistic model on ``eval/scope_calibration.yaml`` only (in-scope ``questions`` against
   ``out_of_scope``; each question's calibration margin leaves the question itself out), with and
   without the margin feature, and prints both as ``Model(...)`` lines to paste into scope.py, with
   ``out_below`` at the equal error rate of the calibration set (as many of its in-scope questions
   declined as out-of-scope ones answered, in shares; searched in steps of 0.05 log-odds) and
   ``in_from`` the lowest score above it that at most ``PLAIN_OUT_SHARE`` (1%) of the out-of-scope
   questions reach (the grey zone between answers with the closest card).
   ``--write-reference`` also re-embeds the calibration questions and the cards' ``questions:`` into
   the shipped reference files.
2. Reports, for the model currently in scope.py, how each set is graded: the calibration set, and every
   ``--check`` file (default: the held-out and paraphrase sets and the out-of-scope sets), which are
   measured, never fitted. ``-v`` prints every declined in-scope and every answered out-of-scope question.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
import yaml

from assistant.answer import scope as scope_model
from assistant.answer.evaluate import MEASURED_SETS
from assistant.answer.history import normalise_history
from assistant.answer.reference import (
    REFERENCE_FILE,
    card_question_vectors,
    card_questions,
    embed_references,
    load_reference_questions,
    references_for,
    save_shipped,
    save_shipped_questions,
)
from assistant.answer.retrieve import EMBED_QUERY_CHARS, retrieve
from index.api import embed_questions, ensure_index
from settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
CHECKS = list(MEASURED_SETS.values())
FEATURES = scope_model.FEATURES


def _items(path: Path) -> list[tuple[str, bool | None, list]]:
    """(question, expected in scope, history) of a question file; out_of_scope.yaml's `questions` are out."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    all_out = path.name.startswith("out_of_scope")
    rows = [(i["q"], not all_out, i.get("history") or []) for i in data.get("questions") or ()]
    rows += [(i["q"] if isinstance(i, dict) else i, False, []) for i in data.get("out_of_scope") or ()]
    return rows


def _fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 20000) -> tuple[np.ndarray, float]:
    """Logistic regression on standardised features; weights returned on the original scale."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * w)
        b -= 0.5 * float((p - y).mean())
    return w / sd, b - float((mu / sd) @ w)


# A plain answer (grade ``in``, no "closest card" caveat) goes to at most this share of the calibration
# set's out-of-scope questions: ``in_from`` is the lowest score (steps of 0.05) that keeps to it.
PLAIN_OUT_SHARE = 0.01


def _thresholds(low: float, high: float) -> np.ndarray:
    """Candidate lines from ``low`` to ``high`` in steps of 0.05 log-odds."""
    return np.round(np.arange(low, high + 0.0001, 0.05), 2)


def equal_error_threshold(scores_in: np.ndarray, scores_out: np.ndarray) -> float:
    """The score (steps of 0.05) where the share of in-scope questions below it comes closest to the
    share of out-of-scope questions at or above it."""
    grid = _thresholds(-3.0, 3.0)
    gaps = [abs(np.mean(scores_in < t) - np.mean(scores_out >= t)) for t in grid]
    return float(grid[int(np.argmin(gaps))])


def plain_answer_threshold(scores_out: np.ndarray, above: float, share: float = PLAIN_OUT_SHARE) -> float:
    """The lowest score from ``above`` up (steps of 0.05) with at most ``share`` of the out-of-scope
    questions at or above it."""
    for t in _thresholds(above, 6.0):
        if np.mean(scores_out >= t) <= share:
            return float(t)
    return 6.0


def _model_line(name: str, w: np.ndarray, b: float, scores_in: np.ndarray,
                scores_out: np.ndarray) -> tuple[scope_model.Model, str]:
    out_below = equal_error_threshold(scores_in, scores_out)
    model = scope_model.Model(round(b, 3), *[round(float(v), 3) for v in w], out_below=out_below,
                              in_from=plain_answer_threshold(scores_out, out_below))
    rates = (f"  # calibration (in sample): in-scope declined {np.mean(scores_in < out_below):.1%}, "
             f"out-of-scope answered {np.mean(scores_out >= out_below):.1%}, "
             f"plainly {np.mean(scores_out >= model.in_from):.1%}; in-scope grey "
             f"{np.mean((scores_in >= out_below) & (scores_in < model.in_from)):.1%}")
    return model, f"{name}: {model}\n{rates}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", nargs="*", type=Path, help="question files to grade (measured, never fitted)")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--write-reference", action="store_true",
                        help="embed the calibration questions afresh and write assistant/answer/data/scope-reference-<embedder>.npz")
    args = parser.parse_args()
    settings = load_settings()
    searcher = ensure_index(settings)
    embedder = searcher.status().embedder
    print(f"embedder: {embedder}; calibration: {REFERENCE_FILE.relative_to(ROOT)}")

    inside, outside = load_reference_questions()
    cards = searcher.cards()
    if args.write_reference:
        fresh = embed_references(searcher, (inside, outside))
        print(f"wrote {save_shipped(embedder, fresh, (inside, outside)).relative_to(ROOT)}")
        questions = card_questions(cards)
        vectors = embed_questions(settings, questions)
        print(f"wrote {save_shipped_questions(embedder, questions, vectors).relative_to(ROOT)}")
    refs = references_for(searcher, embedder)
    found = card_question_vectors(searcher, embedder, cards)
    handbook = found.vectors if found is not None else None
    rows = []
    for q, expected in [(q, 1) for q in inside] + [(q, 0) for q in outside]:
        ev = retrieve(q, [], searcher).evidence
        loo = refs.margin(searcher.embed_query(q[:EMBED_QUERY_CHARS]), ev.vector, exclude=q, questions=(inside, outside),
                          handbook=handbook)
        rows.append((q, expected, dataclasses.replace(ev, margin=loo)))
    y = np.array([r[1] for r in rows], dtype=float)
    for name, feats in (("with margin", FEATURES), ("without margin", FEATURES[1:])):
        x = np.array([[r[2].features()[f] for f in feats] for r in rows])
        w, b = _fit(x, y)
        if len(feats) < len(FEATURES):
            w = np.concatenate([[0.0], w])
        scores = np.array([scope_model.score_with(scope_model.Model(b, *w, 0, 0), r[2].features()) for r in rows])
        _, line = _model_line(name, w, b, scores[y == 1], scores[y == 0])
        print(line)

    def report(label: str, graded: list[tuple[str, bool, str, float]]) -> None:
        inn = [g for g in graded if g[1]]
        out = [g for g in graded if not g[1]]
        parts = [f"{label:32s}"]
        if inn:
            declined = sum(g[2] == "out" for g in inn)
            grey = sum(g[2] == "grey" for g in inn)
            parts.append(f"in-scope {len(inn):3d}: declined {declined} ({declined / len(inn):.1%}), grey {grey}")
        if out:
            answered = sum(g[2] != "out" for g in out)
            parts.append(f"out-of-scope {len(out):3d}: declined {len(out) - answered} ({1 - answered / len(out):.1%})")
        print("  ".join(parts))
        for q, expected, grade, score in graded:
            if args.verbose and ((expected and grade == "out") or (not expected and grade != "out")):
                print(f"      {grade:4s} {score:+.2f}  {q}")

    print("current model (scope.py):")
    report("calibration (fitted on)", [(q, bool(e), ev.grade, ev.score) for q, e, ev in rows])
    for path in args.check if args.check is not None else CHECKS:
        graded = []
        for q, expected, history in _items(path):
            r = retrieve(q, normalise_history(history), searcher)
            graded.append((q, expected, r.evidence.grade, r.evidence.score))
        report(str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path), graded)
    return 0


if __name__ == "__main__":
    sys.exit(main())
