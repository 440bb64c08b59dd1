"""Measure the out-of-scope decision (assistant/scope.py) on question sets with the real index.

    python scripts/calibrate_scope.py [--heldout eval/heldout_questions.yaml]

Prints, per set, the range of the evidence and how many questions are judged in scope:
development questions (all in scope), the out-of-scope ``calibration`` and ``test`` sets of
tests/assistant/data/out_of_scope.yaml and, for reporting only, an optional held-out in-scope set.
The thresholds in assistant/scope.py are set from the development and calibration sets only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from assistant.answer.retrieve import retrieve
from index.api import ensure_index
from settings import load_settings

ROOT = Path(__file__).resolve().parent.parent

DEV = ROOT / "eval" / "dev_questions.yaml"
OOD = ROOT / "tests" / "assistant" / "data" / "out_of_scope.yaml"


def _questions(path: Path, key: str = "questions") -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [q["q"] if isinstance(q, dict) else q for q in data[key]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--heldout", help="an extra in-scope question file (reported, never used to set thresholds)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every question")
    args = parser.parse_args()
    searcher = ensure_index(load_settings())
    sets = [("dev (in scope)", _questions(DEV), True), ("ood calibration", _questions(OOD, "calibration"), False),
            ("ood test", _questions(OOD, "test"), False)]
    if args.heldout:
        sets.append(("held-out (in scope)", _questions(Path(args.heldout)), True))
    print(f"embedder: {searcher.status().embedder}")
    for name, questions, expected in sets:
        rows = []
        for q in questions:
            r = retrieve(q, [], searcher)
            rows.append((r.in_scope, r.evidence, q))
        ok = sum(1 for s, _, _ in rows if s == expected)
        vec = [e.vector for _, e, _ in rows]
        with_terms = sum(1 for _, e, _ in rows if e.domain_terms)
        print(f"{name:22s} n={len(rows):3d} correct={ok:3d} ({ok / len(rows):.0%})  vector {min(vec):.3f}..{max(vec):.3f}  "
              f"with domain terms {with_terms}")
        for s, e, q in rows:
            if args.verbose or s != expected:
                print(f"    {'IN ' if s else 'OUT'} v={e.vector:.3f} k={e.keyword:5.2f} terms={list(e.domain_terms)} {q}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
