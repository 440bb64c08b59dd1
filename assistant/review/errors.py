"""Errors of the review package. ``str(exc)`` is a Chinese message fit for the person who gave the file.

Every bad-input error carries *all* the problems found in one pass, each with the row (as a
spreadsheet counts: the header is row 1) and the column (the header as written in the file), so
the user can fix the file once. The CLI maps these errors to exit code 2; the API to HTTP 400/422.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LISTED = 30  # problems spelled out in the message; all of them stay on ``.problems``


class ReviewError(Exception):
    """Base class of the package's errors. ``exit_code`` is what a command line exits with
    (common.cli: 2 = the user's input is invalid, 1 = a runtime failure)."""

    exit_code = 1


@dataclass(frozen=True)
class DataProblem:
    """One problem of a data file: row None = the whole file; column None = the whole row."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.row is not None:
            where = f"第 {self.row} 行"
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}" if where else self.message


class ShowDataError(ReviewError, ValueError):
    """A show data or products file cannot be used; ``problems`` lists every problem found."""

    exit_code = 2

    def __init__(self, problems: list[DataProblem] | tuple[DataProblem, ...], source: str = "数据文件"):
        self.problems = tuple(problems)
        self.source = source
        lines = [f"- {p}" for p in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            lines.append(f"- ……还有 {len(self.problems) - MAX_LISTED} 处问题")
        sep = "" if source.endswith("文件") else " "
        super().__init__(f"{source}{sep}有 {len(self.problems)} 处问题，请改正后重新上传：\n" + "\n".join(lines))


class PlanFileError(ReviewError, ValueError):
    """The plan JSON cannot be used; ``problems`` lists (field path, message) pairs."""

    exit_code = 2

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = tuple(problems)
        lines = "\n".join(f"- {path}：{message}" for path, message in self.problems[:MAX_LISTED])
        super().__init__(f"方案文件有 {len(self.problems)} 处问题（需要 `assistant plan --format json` 的输出）：\n{lines}")


class BenchmarkError(ReviewError, ValueError):
    """The handbook's ``metric_benchmarks`` block is malformed; ``problems`` lists (path, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = tuple(problems)
        lines = "\n".join(f"- {path}：{message}" for path, message in self.problems[:MAX_LISTED])
        super().__init__(f"手册的指标经验线（metric_benchmarks）有 {len(self.problems)} 处问题，请运行 python -m playbook check：\n{lines}")


class LiveInputError(ReviewError, ValueError):
    """A number typed into the live console is unusable (the message names the field)."""

    exit_code = 2


class StoreError(ReviewError, LookupError):
    """A stored show or live session that does not exist for this owner, or an invalid value."""

    exit_code = 2
