"""The answer targets of issue 12, measured with ``assistant eval``'s code on the question sets.

    python scripts/eval_answers.py [--json] [FILE ...]

Default sets: the development questions (dev), the held-out retrieval set (255), the paraphrase set
(103), the held-out answer set (follow-ups with history, two-part, partial, and its out_of_scope list)
and the out-of-scope sets (83, and the tests' 55). Prints per set: wrongly declined, on-topic (a cited source among the first
three shares an expected topic), citations valid, out-of-scope declined, grey share, p50 (in process,
warm). Targets: wrongly declined <= 2%, on-topic >= 90%, citations valid 100%, out-of-scope declined
100%, p50 <= 100 ms. Exit code 1 when a target is missed on a held-out set. The scope model is fitted on
eval/scope_calibration.yaml only (scripts/calibrate_scope.py); these sets are measured, never fitted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from assistant.answer import answer_question
from assistant.answer.evaluate import MEASURED_SETS, load_eval_file, run_eval, summarise
from index.api import ensure_index
from settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
SETS = MEASURED_SETS
TARGETS = {"wrongly_declined": (0.02, "max"), "on_topic": (0.90, "min"), "citations_valid": (1.0, "min"),
           "out_of_scope_declined": (1.0, "min"), "latency_ms_p50": (100.0, "max")}


def _items(path: Path) -> list[dict]:
    if path.name.startswith("out_of_scope"):  # lists of questions ({q} or plain), all out of scope
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        lists = [v for v in data.values() if isinstance(v, list)] if isinstance(data, dict) else [data]
        return [{"q": i["q"] if isinstance(i, dict) else str(i), "out_of_scope": True, "history": []}
                for items in lists for i in items]
    return load_eval_file(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = load_settings()
    searcher = ensure_index(settings)
    sets = {p.stem: p for p in args.files} if args.files else SETS
    figures, missed = {}, []
    for name, path in sets.items():
        report = run_eval(_items(path), lambda q, h: answer_question(q, h, settings=settings, searcher=searcher))
        figures[name] = f = summarise(report)
        cells = [f"{name:18s}"]
        if "wrongly_declined" in f:
            cells.append(f"in-scope {f['n_in_scope']:3d}: wrongly declined {f['wrongly_declined']:.1%}, "
                         f"on-topic {f['on_topic']:.1%}, grey {f['grey']:.1%}")
        if "out_of_scope_declined" in f:
            cells.append(f"out-of-scope {f['n_out_of_scope']:3d}: declined {f['out_of_scope_declined']:.1%}")
        cells.append(f"citations valid {f['citations_valid']:.1%}, p50 {f['latency_ms_p50']:.1f} ms")
        print("  ".join(cells))
        if name != "dev":
            for key, (target, kind) in TARGETS.items():
                if key in f and (f[key] > target if kind == "max" else f[key] < target):
                    missed.append(f"{name}: {key} {f[key]} (target {'<=' if kind == 'max' else '>='} {target})")
    print("targets:", "met" if not missed else "MISSED — " + "; ".join(missed))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
