"""Errors of the playbook package.

A :class:`Problem` is one thing wrong in one card file, printed ``path:line: message`` (the message in
Chinese: maintainers read it). A problem that makes other problems happen carries them as
``consequences``: a card whose ``id`` is missing or invalid is left out of the handbook, so every link
to it breaks; those broken links are listed under it (indented), not as separate errors before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem found in a card file, reported as ``path:line: message``.

    ``consequences``: problems elsewhere that this one causes (they go away when it is fixed)."""

    path: Path
    line: int
    message: str
    consequences: tuple[Problem, ...] = ()

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def lines(self, show=str) -> list[str]:
        """This problem, then each consequence indented under it (``show`` formats one problem)."""
        return [show(self)] + [f"    ↳ {show(c)}" for c in self.consequences]


def problem_lines(problems, show=str) -> list[str]:
    """Every problem with its consequences under it, one line each."""
    return [line for p in problems for line in p.lines(show)]


class PlaybookError(Exception):
    """Base class of the playbook package's errors: invalid or missing cards (exit code 2)."""

    exit_code = 2


class CardsInvalidError(PlaybookError):
    """The cards directory holds invalid cards; ``problems`` lists every root problem (each with the
    problems it causes in ``consequences``)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(problem_lines(self.problems))
        super().__init__(
            f"手册卡片有 {len(self.problems)} 处问题；请修正后运行 `python -m playbook check` 检查：\n{lines}"
        )


class CardsDirMissingError(PlaybookError):
    """The cards directory does not exist."""
