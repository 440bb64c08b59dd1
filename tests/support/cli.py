"""Command lines run in-process, with the same result shape as a subprocess."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def invoke_main(main: Callable[[Sequence[str]], int], args: Sequence[str]) -> CliResult:
    """``main(args)`` with stdout and stderr captured (``main`` is e.g. ``index.cli.main``)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


def no_traceback(*texts: str) -> bool:
    return not any("Traceback" in (t or "") for t in texts)


def cited(text: str) -> set[int]:
    """The ``[n]`` numbers a text cites."""
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}
