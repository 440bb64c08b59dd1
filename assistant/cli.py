"""Command line: ``python -m assistant ask "问题" [--json] [--history FILE]`` and
``python -m assistant plan --input FILE --format json|md [--ics FILE]``.

Only dispatching: answers come from :mod:`assistant.answer`, plans from :mod:`assistant.plan`; exit codes
and error messages from :func:`common.cli.run` (0 success, 1 runtime failure, 2 bad usage or input).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Sequence

import click

from common.cli import progress_bar, run
from common.fsio import write_file_atomic

EXAMPLES = """\b
examples:
  python -m assistant ask "开播前几天发预热视频？" --json
  python -m assistant ask "那发几条？" --history chat.json     # chat.json: [{"role": "user", "content": "..."}, ...]
  python -m assistant eval eval/answers_heldout.yaml --json   # batch answer check (history, out_of_scope)
  python -m assistant plan --input plan.yaml --format md
  python -m assistant plan --input plan.yaml --format json --ics warmup.ics
"""


def _settings():
    from settings import load_settings

    return load_settings()


def _out(text: str) -> None:
    click.echo(text if text.endswith("\n") else text + "\n", nl=False)


@click.group(help="Answers from the operator handbook, and pre-broadcast plans.", epilog=EXAMPLES,
             context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    pass


@cli.command(help="Answer a question from the handbook, with cited sources.")
@click.argument("question", metavar="question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (the contract shape).")
@click.option("--history", metavar="FILE", help="Earlier messages (JSON/YAML list of {role, content[, sources]}) for a follow-up.")
def ask(question: str, as_json: bool, history: str | None) -> int:
    from assistant.answer import answer_question
    from assistant.answer.history import read_history_file
    from assistant.answer.retrieve import LazySearcher
    from index.api import ensure_index

    settings = _settings()
    turns = read_history_file(history) if history else []

    def open_index():
        from playbook.errors import PlaybookError

        from assistant.errors import AssistantError

        try:
            with contextlib.redirect_stdout(sys.stderr), progress_bar() as callback:  # only the answer on stdout
                return ensure_index(settings, progress=callback)
        except PlaybookError as exc:  # broken cards: for the one asking, the index is unavailable (exit 1)
            raise AssistantError(str(exc)) from None

    answer = answer_question(question, turns, settings=settings, searcher=LazySearcher(open_index))
    if as_json:
        _out(json.dumps(answer.to_json(), ensure_ascii=False))
        return 0
    lines = [answer.answer]
    if answer.notice:
        lines += ["", f"（{answer.notice}）"]
    if answer.sources:
        lines += ["", "来源："] + [f"[{s.n}] {s.title}（{s.card_id}）" for s in answer.sources]
    _out("\n".join(lines))
    return 0


def _open_index_quietly(settings):
    from index.api import ensure_index
    from playbook.errors import PlaybookError

    from assistant.errors import AssistantError

    try:
        with contextlib.redirect_stdout(sys.stderr), progress_bar() as callback:  # only the answer on stdout
            return ensure_index(settings, progress=callback)
    except PlaybookError as exc:  # broken cards: for the one asking, the index is unavailable (exit 1)
        raise AssistantError(str(exc)) from None


@cli.command(name="eval", help="Answer every question of a file and report (the batch answer check).",
             epilog="""\b
FILE: questions: [{q, topics, history?}] and optionally out_of_scope: [q | {q}].
example: python -m assistant eval eval/answers_heldout.yaml --json""")
@click.argument("file", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help='Print {"n", "answered", "declined", "latency_ms_p50", "results"}.')
def eval_answers(file: str, as_json: bool) -> int:
    from assistant.answer import answer_question
    from assistant.answer.evaluate import load_eval_file, run_eval, summarise

    settings = _settings()
    items = load_eval_file(file)
    searcher = _open_index_quietly(settings)
    with progress_bar("question") as callback:
        report = run_eval(items, lambda q, h: answer_question(q, h, settings=settings, searcher=searcher), callback)
    if as_json:
        _out(json.dumps(report, ensure_ascii=False))
        return 0
    figures = summarise(report)
    _out("\n".join(f"{k}: {v}" for k, v in figures.items()))
    return 0


@cli.command(help="Draft a pre-broadcast plan from a YAML/JSON input file.")
@click.option("--input", "input_file", required=True, metavar="FILE", help="Plan inputs (YAML or JSON).")
@click.option("--format", "fmt", type=click.Choice(("json", "md")), default="json", show_default=True, help="Output format.")
@click.option("--ics", metavar="FILE", help="Also write the warm-up schedule as an iCalendar file.")
@click.option("--output", metavar="FILE", help="Write the plan to FILE instead of stdout.")
@click.option("--pick", type=int, metavar="N", help="With a file of several plans (plans: [...]), use the N-th (from 1).")
def plan(input_file: str, fmt: str, ics: str | None, output: str | None, pick: int | None) -> int:
    from assistant.answer.llm import build_chat_model
    from assistant.plan import build_plan, load_plan_inputs, plan_ics, plan_markdown
    from assistant.plan.material import cards_from_disk

    settings = _settings()
    inputs = load_plan_inputs(input_file, pick)
    if inputs.ignored_fields:
        click.echo(f"warning: ignored unknown field(s): {', '.join(inputs.ignored_fields)}", err=True)
    cards, problems = cards_from_disk(settings.cards_dir)
    if problems:
        click.echo(f"warning: {problems} problem(s) in the cards (run `python -m playbook check`); "
                   f"the plan uses the {len(cards)} valid card(s)", err=True)
    model = build_chat_model(settings) if settings.llm_enabled else None
    drafted = build_plan(inputs, cards, chat_model=model, llm_timeout=settings.llm_timeout)
    if drafted.notice:
        click.echo(f"notice: {drafted.notice}", err=True)
    text = json.dumps(drafted.to_json(), ensure_ascii=False, indent=2) if fmt == "json" else plan_markdown(drafted, cards)
    if output:
        write_file_atomic(output, text if text.endswith("\n") else text + "\n")
    else:
        _out(text)
    if ics:
        write_file_atomic(ics, plan_ics(drafted))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run(cli, argv, prog_name="python -m assistant")


if __name__ == "__main__":
    sys.exit(main())
