"""Command line: ``python -m assistant ask "问题" [--json] [--history FILE]``,
``python -m assistant plan --input FILE --format json|md [--ics FILE]``,
``python -m assistant review --data FILE [--products FILE] [--plan PLAN.json] [--format json|md]``,
the accounts (``users``, ``keys``) and the HTTP API (``serve``).

Only dispatching: answers come from :mod:`assistant.answer`, plans from :mod:`assistant.plan`, reviews
from :mod:`assistant.review`; exit codes
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
  python -m assistant review --data show.csv --products products.csv --plan plan.json --format md
  python -m assistant users add douya --role streamer           # asks for the password twice
  python -m assistant keys create douya --json                   # an API key for douya, shown once
  python -m assistant serve --port 8000                          # the OpenAI-compatible API on 127.0.0.1
  python -m assistant gaps --json --days 30               # questions the handbook served badly, grouped
"""


def _settings():
    from settings import load_settings

    return load_settings()


def _out(text: str) -> None:
    click.echo(text if text.endswith("\n") else text + "\n", nl=False)


@click.group(help="Answers from the operator handbook, pre-broadcast plans and show reviews.", epilog=EXAMPLES,
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


REVIEW_EXAMPLES = """\b
examples (synthetic example shows ship in assistant/review/examples/):
  python -m assistant review --data show.csv --format md
  python -m assistant review --data show.xlsx --products products.csv --plan plan.json --format json
  python -m assistant review --data show.csv --account 示例女装店 --save   # later shows compare with this one
\b
FILE: CSV (UTF-8, UTF-8-BOM, GB18030) or XLSX, one row per 1-15 minutes, headers in English or Chinese:
  time/时间, online/在线人数, entries/进入人数, orders/成交单数, gmv/成交金额 (required);
  exposures/曝光人数, avg_stay_seconds/平均停留时长, comments/评论数, new_followers/新增粉丝, ad_spend/投流消耗.
Invalid data: exit 2 naming the row and the column; nothing is stored.
"""


@cli.command(help="Review a show's data (复盘): findings with the handbook's cards, as JSON or Markdown.",
             epilog=REVIEW_EXAMPLES)
@click.option("--data", required=True, metavar="FILE", help="The show's per-interval data (CSV or XLSX).")
@click.option("--products", metavar="FILE", help="Per-product data: name/商品, clicks/点击人数, orders/成交单数, gmv/成交金额[, refunds/退款单数].")
@click.option("--plan", "plan_file", metavar="PLAN.json", help="The show's plan (`assistant plan --format json`): blocks and targets compared.")
@click.option("--format", "fmt", type=click.Choice(("json", "md")), default="json", show_default=True, help="Output format.")
@click.option("--account", metavar="NAME", help="The streamer account (default: the plan's streamer); compared with its own stored shows.")
@click.option("--break-even", "break_even", type=click.FloatRange(min=0, min_open=True), metavar="ROI",
              help="Break-even ROI of the paid traffic (default: from the plan's product costs).")
@click.option("--save", is_flag=True, help="Store the reviewed show under the data dir (later reviews of the account use its median).")
@click.option("--owner", default="", metavar="USER", help="App user the stored show belongs to (default '': single-user mode).")
@click.option("--title", default="", metavar="TEXT", help="Title of the stored show.")
@click.option("--output", metavar="FILE", help="Write the review to FILE instead of stdout.")
def review(data: str, products: str | None, plan_file: str | None, fmt: str, account: str | None, break_even: float | None,
           save: bool, owner: str, title: str, output: str | None) -> int:
    from assistant.review.command import review_command

    settings = _settings()
    out = review_command(settings, data, products, plan_file, fmt=fmt, account=account, break_even=break_even, save=save,
                         owner=owner, title=title, check_owner=lambda: _check_owner(settings, owner))
    if output:
        write_file_atomic(output, out.text if out.text.endswith("\n") else out.text + "\n")
    else:
        _out(out.text)
    for note in out.notes:
        click.echo(note, err=True)
    return 0


def _check_owner(settings, owner: str) -> None:
    """With accounts, a stored show must belong to an existing user (else nobody could open it)."""
    from assistant.accounts import open_store

    accounts = open_store(settings)
    if not accounts.has_users():
        if owner:
            raise click.UsageError(f"--owner {owner!r}: there are no accounts (single-user mode stores shows with no owner)")
        return
    if not owner:
        raise click.UsageError("accounts exist: pass --owner USER (the app user who will see the stored show)")
    if accounts.get_user(owner) is None:
        raise click.UsageError(f"--owner {owner!r}: no such user (python -m assistant users list)")


# --- accounts and the API (the command functions live in assistant.accounts.commands) --------------

USERS_EXAMPLES = """\b
examples:
  python -m assistant users add weihu --role maintainer               # type the password twice
  printf '%s\\n' "$PASSWORD" | python -m assistant users add douya --role streamer --password-stdin
  python -m assistant users list --json
  python -m assistant users passwd douya                              # ends douya's logins
  python -m assistant users remove douya                              # with douya's logins and API keys

With no account the app is single-user (as before); once any exists, every page needs a login.
"""

KEYS_EXAMPLES = """\b
examples:
  python -m assistant keys create douya --json       # {"key": "pb-..."}: shown once, stored hashed
  python -m assistant keys list --json
  python -m assistant keys revoke douya              # every key of douya stops working at once
"""

SERVE_EXAMPLES = """\b
examples:
  python -m assistant serve                          # http://127.0.0.1:8000 (GET /healthz, /v1/...)
  python -m assistant serve --host 127.0.0.1 --port 9000

Clients call it with Authorization: Bearer KEY (python -m assistant keys create NAME); base URL
http://127.0.0.1:8000/v1, model "playbook". To serve others, put it behind a reverse proxy with TLS
(README) rather than --host 0.0.0.0.
"""


def _account_command(command, *args, **kwargs) -> int:
    settings = _settings()
    code, out = command(settings, *args, **kwargs)
    _out(out)
    return code


@cli.group(help="Accounts of the app and the API: roles streamer, operator, maintainer.", epilog=USERS_EXAMPLES)
def users() -> None:
    pass


@users.command("add", help="Add a user; the password is typed twice (or read from stdin).")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(("streamer", "operator", "maintainer")), help="主播 | 操盘手 | 维护者")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin (scripts).")
def users_add(name: str, role: str, password_stdin: bool) -> int:
    from assistant.accounts import commands

    return _account_command(commands.users_add, name, role, password_stdin=password_stdin)


@users.command("list", help="List the users (never their passwords).")
@click.option("--json", "as_json", is_flag=True, help='Print [{"name", "role", "created_at"}].')
def users_list(as_json: bool) -> int:
    from assistant.accounts import commands

    return _account_command(commands.users_list, as_json=as_json)


@users.command("remove", help="Remove a user with their logins and API keys; their conversations are kept for the "
                              "maintenance aggregates but listed to nobody (not even a new user of the same name).")
@click.argument("name")
def users_remove(name: str) -> int:
    from datetime import datetime, timezone

    from assistant.accounts import commands, open_store
    from assistant.conversations import ConversationStore

    settings = _settings()
    user = open_store(settings).get_user(name)
    code, out = commands.users_remove(settings, name)
    if user is not None:  # owner names cannot contain ":", so no account can ever own these again
        gone = f"removed:{user.name}:{datetime.now(timezone.utc).isoformat(timespec='seconds')}"
        moved = ConversationStore(settings.data_dir).reassign(user.name, gone)
        out += f"{moved} 个对话不再对任何人列出（保留给维护统计）\n" if moved else ""
    _out(out)
    return code


@users.command("passwd", help="Set a new password; every login of the user ends.")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin (scripts).")
def users_passwd(name: str, password_stdin: bool) -> int:
    from assistant.accounts import commands

    return _account_command(commands.users_passwd, name, password_stdin=password_stdin)


@cli.group(help="API keys of the users (for the HTTP API: Authorization: Bearer KEY).", epilog=KEYS_EXAMPLES)
def keys() -> None:
    pass


@keys.command("create", help="Create an API key for a user; it is shown once and stored hashed.")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help='Print {"key": str}.')
def keys_create(name: str, as_json: bool) -> int:
    from assistant.accounts import commands

    return _account_command(commands.keys_create, name, as_json=as_json)


@keys.command("list", help="List the keys (their first characters only), of one user or all.")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def keys_list(name: str | None, as_json: bool) -> int:
    from assistant.accounts import commands

    return _account_command(commands.keys_list, name, as_json=as_json)


@keys.command("revoke", help="Revoke every API key of a user.")
@click.argument("name")
def keys_revoke(name: str) -> int:
    from assistant.accounts import commands

    return _account_command(commands.keys_revoke, name)


@cli.command(help="Serve the OpenAI-compatible HTTP API (answers, plans) until interrupted.", epilog=SERVE_EXAMPLES)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
def serve(host: str, port: int) -> int:
    from assistant.answer.llm import build_chat_model
    from assistant.api import serve as serve_api

    settings = _settings()
    model = build_chat_model(settings) if settings.llm_enabled else None
    serve_api(settings, host=host, port=port, chat_model=model)  # exchanges land in each caller's conversations
    return 0


@cli.command(help="What users asked that the handbook served badly (declined, 👎, weak evidence), the same "
                  "question in other words grouped, most frequent first.",
             epilog="\b\nexample: python -m assistant gaps --json --days 30")
@click.option("--json", "as_json", is_flag=True, help='Print JSON: [{"question", "count", "reason", "last_asked", ...}].')
@click.option("--days", type=click.IntRange(min=1), metavar="N", help="Only questions of the last N days.")
def gaps(as_json: bool, days: int | None) -> int:
    from common.timefmt import local_text, zone_label

    from assistant.conversations import ConversationStore
    from assistant.gaps import REASON_NAMES
    from assistant.gaps import gaps as gaps_report

    settings = _settings()
    report = gaps_report(ConversationStore(settings.data_dir), settings, days=days)
    if as_json:
        _out(json.dumps([g.to_json() for g in report], ensure_ascii=False))
        return 0
    if not report:
        _out("没有需要补写的问题。")
        return 0
    lines = [f"时间：{zone_label(settings.timezone)}"]
    for g in report:
        lines.append(f"{g.count:>3}×  {g.question}  [{REASON_NAMES[g.reason]}]  最近 {local_text(g.last_asked, settings.timezone)}")
        lines += [f"       也问作：{v}" for v in g.variants[:3]]
    _out("\n".join(lines))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run(cli, argv, prog_name="python -m assistant")


if __name__ == "__main__":
    sys.exit(main())
