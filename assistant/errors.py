"""Errors of the assistant package. Messages are shown to people as they are (Chinese, no secrets).

``exit_code`` is the command line's exit code for the error (see :mod:`common.cli`)."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: ``str(exc)`` is a message fit for a person."""

    exit_code = 1


class InvalidQuestionError(AssistantError, ValueError):
    """The question is empty, too long or otherwise unusable (CLI exit code 2)."""

    exit_code = 2


class HistoryError(AssistantError, ValueError):
    """A conversation history file or value is malformed (CLI exit code 2)."""

    exit_code = 2


class PlanInputError(AssistantError, ValueError):
    """Plan inputs are invalid; ``problems`` lists (field, message) pairs, every one of them (exit code 2)."""

    exit_code = 2

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        lines = "\n".join(f"- {field}: {message}" for field, message in self.problems)
        super().__init__(f"计划输入无效（{len(self.problems)} 处）：\n{lines}")
