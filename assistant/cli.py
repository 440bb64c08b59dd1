"""Command line: ``python -m assistant ask "问题" [--json] [--history FILE]`` and
``python -m assistant plan --input FILE --format json|md [--ics FILE]``.

Exit codes: 0 success, 1 runtime failure (index, store, model, cards), 2 bad usage or invalid input.
Errors are one clear message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

EXAMPLES = """examples:
  python -m assistant ask "开播前几天发预热视频？" --json
  python -m assistant ask "那发几条？" --history chat.json     # chat.json: [{"role": "user", "content": "..."}, ...]
  python -m assistant plan --input plan.yaml --format md
  python -m assistant plan --input plan.yaml --format json --ics warmup.ics
"""


class UsageError(Exception):
    """Bad usage: exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage and exits 2; keep the message clear
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def _progress(done: int, total: int, what: str) -> None:
    print(f"\r[index] {what} {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _read_history(path: str) -> list[dict[str, Any]]:
    import yaml

    from assistant.errors import HistoryError

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise HistoryError(f"--history: 文件不存在：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HistoryError(f"--history: 读不了文件 {path}（{type(exc).__name__}）") from None
    try:
        data = json.loads(text) if text.lstrip().startswith(("[", "{")) else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        raise HistoryError("--history: 不是有效的 JSON/YAML；格式为 [{\"role\": \"user\", \"content\": \"...\"}, ...]") from None
    if isinstance(data, dict):
        data = data.get("history", data.get("messages"))
    if data is None:
        return []
    if not isinstance(data, list):
        raise HistoryError("--history: 必须是消息列表 [{\"role\": \"user\"|\"assistant\", \"content\": \"...\"}]")
    return data


def _ask(args, settings) -> int:
    from index.api import ensure_index

    from assistant.answer import answer_question

    history = _read_history(args.history) if args.history else []
    from assistant.text import clean_question

    clean_question(args.question, settings.max_question_chars)  # bad questions fail before the index is built
    with contextlib.redirect_stdout(sys.stderr):  # nothing but the answer on stdout
        searcher = ensure_index(settings, progress=_progress)
    answer = answer_question(args.question, history, settings=settings, searcher=searcher)
    if args.json:
        _print(json.dumps(answer.to_json(), ensure_ascii=False))
        return 0
    lines = [answer.answer]
    if answer.notice:
        lines += ["", f"（{answer.notice}）"]
    if answer.sources:
        lines += ["", "来源："] + [f"[{s.n}] {s.title}（{s.card_id}）" for s in answer.sources]
    _print("\n".join(lines))
    return 0


def _plan_cards(settings):
    from playbook.loader import check_cards

    result = check_cards(settings.cards_dir)
    if result.problems:
        print(f"warning: {len(result.problems)} problem(s) in the cards (run `python -m playbook check`); "
              f"the plan uses the {len(result.cards)} valid card(s)", file=sys.stderr)
    return {c.id: c for c in result.cards}


def _plan(args, settings) -> int:
    from assistant.plan import build_plan, load_plan_inputs, plan_ics, plan_markdown

    inputs = load_plan_inputs(args.input, args.pick)
    if inputs.ignored_fields:
        print(f"warning: ignored unknown field(s): {', '.join(inputs.ignored_fields)}", file=sys.stderr)
    cards = _plan_cards(settings)
    model = None
    if settings.llm_enabled:
        from assistant.llm import build_chat_model

        model = build_chat_model(settings)
    plan = build_plan(inputs, cards, chat_model=model, llm_timeout=settings.llm_timeout)
    if plan.notice:
        print(f"notice: {plan.notice}", file=sys.stderr)
    if args.format == "json":
        out = json.dumps(plan.to_json(), ensure_ascii=False, indent=2)
    else:
        out = plan_markdown(plan, cards)
    if args.output:
        Path(args.output).write_text(out if out.endswith("\n") else out + "\n", encoding="utf-8")
    else:
        _print(out)
    if args.ics:
        Path(args.ics).write_bytes(plan_ics(plan).encode("utf-8"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m assistant", description="Answers from the operator handbook, and pre-broadcast plans.",
                     epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ask = sub.add_parser("ask", help="answer a question from the handbook, with cited sources")
    ask.add_argument("question", help="the question, in Chinese")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON (the contract shape)")
    ask.add_argument("--history", metavar="FILE", help="earlier messages (JSON/YAML list of {role, content[, sources]}) for a follow-up")
    plan = sub.add_parser("plan", help="draft a pre-broadcast plan from a YAML/JSON input file")
    plan.add_argument("--input", required=True, metavar="FILE", help="plan inputs (YAML or JSON)")
    plan.add_argument("--format", choices=("json", "md"), default="json", help="output format (default json)")
    plan.add_argument("--ics", metavar="FILE", help="also write the warm-up schedule as an iCalendar file")
    plan.add_argument("--output", metavar="FILE", help="write the plan to FILE instead of stdout")
    plan.add_argument("--pick", type=int, metavar="N", help="with a file of several plans (plans: [...]), use the N-th (from 1)")
    args = parser.parse_args(argv)

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(encoding="utf-8")

    from settings import SettingsError, load_settings

    from assistant.errors import AssistantError, HistoryError, InvalidQuestionError, PlanInputError

    try:
        settings = load_settings()
        return _ask(args, settings) if args.command == "ask" else _plan(args, settings)
    except (SettingsError, InvalidQuestionError, HistoryError, PlanInputError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a clear message instead of a traceback
        code = getattr(exc, "exit_code", 1)
        message = str(exc).strip() or type(exc).__name__
        print(f"error: {message}", file=sys.stderr)
        return code if isinstance(code, int) and code in (1, 2) else 1
