"""How every command line of the project runs: click parses, one mapping turns errors into exit codes.

    python -m playbook | index | assistant ...   ->   sys.exit(run(cli, argv, prog_name=...))

Exit codes (contracts.md): 0 success, 1 a runtime failure, 2 bad usage or invalid input, 130 interrupted.
An error is one clear message on stderr, never a traceback (``PLAYBOOK_DEBUG=1`` adds it). The code comes
from :func:`exit_code_for`: click's usage errors are 2; a project error says its own code in an
``exit_code`` class attribute (``SettingsError``, ``CardsInvalidError``, ``InvalidQuestionError``,
``PlanInputError`` ... 2; ``PlaybookIndexError`` ... 1); anything else is 1.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence

import click

from common.env import apply_process_defaults

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Describe = Callable[[BaseException], "str | None"]


def exit_code_for(exc: BaseException) -> int:
    """The exit code of a command that failed with ``exc``."""
    if isinstance(exc, (KeyboardInterrupt, click.Abort)):
        return EXIT_INTERRUPTED
    if isinstance(exc, click.ClickException):
        return exc.exit_code
    code = getattr(exc, "exit_code", None)
    return code if code in (EXIT_FAILURE, EXIT_USAGE) else EXIT_FAILURE


def error_message(exc: BaseException, unexpected_note: str = "") -> str:
    """``error: <message>``; for an error the project does not know, what it was and how to see more."""
    text = str(exc).strip()
    if getattr(exc, "exit_code", None) in (EXIT_FAILURE, EXIT_USAGE):
        return f"error: {text or type(exc).__name__}"
    note = f"; {unexpected_note}" if unexpected_note else ""
    return f"error: unexpected failure ({type(exc).__name__}: {text}){note}. Set PLAYBOOK_DEBUG=1 for details."


def run(
    cli: click.Command,
    argv: Sequence[str] | None = None,
    *,
    prog_name: str,
    describe: Describe | None = None,
    unexpected_note: str = "",
    interrupted: str = "interrupted",
) -> int:
    """Run ``cli`` on ``argv`` (default ``sys.argv[1:]``) and return the exit code; never raises.

    ``describe(exc)`` may return the whole message for an error (e.g. every problem of the cards);
    otherwise it is :func:`error_message`."""
    apply_process_defaults()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(encoding="utf-8")
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name=prog_name, standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (KeyboardInterrupt, click.Abort):
        print(interrupted, file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message and an exit code
        message = (describe(exc) if describe else None) or error_message(exc, unexpected_note)
        print(message, file=sys.stderr)
        if os.environ.get("PLAYBOOK_DEBUG"):
            traceback.print_exc()
        return exit_code_for(exc)
    return result if isinstance(result, int) else EXIT_OK


@contextlib.contextmanager
def progress_bar(unit: str = "chunk") -> Iterator[Callable[[int, int, str], None] | None]:
    """A ``(done, total, what)`` callback drawing tqdm bars on stderr when it is a terminal; else None."""
    if not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def callback(done: int, total: int, what: str) -> None:
        bar = bars.get(what)
        if bar is None:
            if total <= 0:
                return
            bar = bars[what] = tqdm(total=total, desc=what, unit=unit, file=sys.stderr, leave=False)
        bar.n = done
        bar.refresh()

    try:
        yield callback
    finally:
        for bar in bars.values():
            bar.close()


def print_json(data: object) -> None:
    """One line of JSON on stdout (Chinese kept as is)."""
    import json

    click.echo(json.dumps(data, ensure_ascii=False))


def non_negative_seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """click callback: a number of seconds, 0 or more (NaN refused)."""
    if value is not None and (value != value or value < 0):
        raise click.BadParameter("must be 0 or more seconds")
    return value
