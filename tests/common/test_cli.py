"""The command-line runner: one mapping from errors to exit codes, tested in-process on a toy command."""

from __future__ import annotations

import click
import pytest

from common.cli import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, exit_code_for, run
from tests.support.cli import invoke_main

pytestmark = pytest.mark.pure


class NeedsTwo(ValueError):
    exit_code = 2


class BrokenThing(RuntimeError):
    exit_code = 1


@click.group()
def toy() -> None:
    pass


@toy.command()
@click.argument("what", metavar="what")
@click.option("--n", type=click.IntRange(min=1), default=1)
def do(what: str, n: int) -> int:
    if what == "ok":
        click.echo("done " * n)
        return 0
    if what == "usage":
        raise click.UsageError("that is not how to use it")
    if what == "bad-input":
        raise NeedsTwo("the input names a field that does not exist")
    if what == "broken":
        raise BrokenThing("the store is down; start it")
    if what == "interrupt":
        raise KeyboardInterrupt
    if what == "checked":
        return 2  # a command may return its own code (e.g. `playbook check` on invalid cards)
    raise ZeroDivisionError("nobody expected this")


def toy_main(argv) -> int:
    return run(toy, argv, prog_name="toy", describe=lambda exc: "custom: " + str(exc) if str(exc) == "special" else None)


@pytest.mark.parametrize("args, code, stream, words", [
    (["do", "ok", "--n", "2"], EXIT_OK, "stdout", "done done"),
    (["do"], EXIT_USAGE, "stderr", "Missing argument 'what'"),
    (["do", "ok", "--n", "0"], EXIT_USAGE, "stderr", "--n"),
    (["nope"], EXIT_USAGE, "stderr", "No such command"),
    (["do", "usage"], EXIT_USAGE, "stderr", "not how to use it"),
    (["do", "bad-input"], EXIT_USAGE, "stderr", "error: the input names a field"),
    (["do", "broken"], EXIT_FAILURE, "stderr", "error: the store is down; start it"),
    (["do", "interrupt"], EXIT_INTERRUPTED, "stderr", "interrupted"),
    (["do", "checked"], 2, "stdout", ""),
    (["do", "surprise"], EXIT_FAILURE, "stderr", "error: unexpected failure (ZeroDivisionError: nobody expected this)"),
    (["--help"], EXIT_OK, "stdout", "Usage: toy"),
])
def test_every_outcome_has_its_exit_code_and_one_clear_message(args, code, stream, words):
    result = invoke_main(toy_main, args)
    assert result.returncode == code, result
    assert words in getattr(result, stream)
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(monkeypatch):
    monkeypatch.setenv("PLAYBOOK_DEBUG", "1")
    result = invoke_main(toy_main, ["do", "surprise"])
    assert result.returncode == EXIT_FAILURE and "Traceback" in result.stderr


def test_exit_code_for_reads_the_class_attribute():
    assert exit_code_for(NeedsTwo()) == 2 and exit_code_for(BrokenThing()) == 1
    assert exit_code_for(ValueError()) == 1 and exit_code_for(KeyboardInterrupt()) == 130
    assert exit_code_for(click.UsageError("x")) == 2


def test_project_errors_carry_their_exit_codes():
    from assistant.errors import AssistantError, HistoryError, InvalidQuestionError, PlanInputError
    from index.errors import EmbedderUnavailableError, IndexMissingError, StoreUnavailableError
    from playbook.errors import CardsDirMissingError, CardsInvalidError
    from settings import SettingsError

    usage = [SettingsError("x"), CardsInvalidError([]), CardsDirMissingError("x"), InvalidQuestionError("x"),
             HistoryError("x"), PlanInputError([]), EmbedderUnavailableError("x")]
    runtime = [AssistantError("x"), IndexMissingError("here"), StoreUnavailableError("127.0.0.1:1")]
    assert [exit_code_for(e) for e in usage] == [2] * len(usage)
    assert [exit_code_for(e) for e in runtime] == [1] * len(runtime)
