"""Errors of the playbook package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem found in a card file, reported as ``path:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class PlaybookError(Exception):
    """Base class of the playbook package's errors: invalid or missing cards (exit code 2)."""

    exit_code = 2


class CardsInvalidError(PlaybookError):
    """The cards directory holds invalid cards; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in the handbook cards; fix them and run "
            f"`python -m playbook check`:\n{lines}"
        )


class CardsDirMissingError(PlaybookError):
    """The cards directory does not exist."""
