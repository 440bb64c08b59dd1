"""Maintenance: validate the cards, re-index (the UI's one way to the index rebuild), the last summary,
the index history and rollback, editing a card, and what the handbook served badly (gaps, 👎)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from common.fsio import write_file_atomic
from common.timefmt import utc_iso
from index.api import ProgressCallback, RebuildSummary, StageLog
from index.api import rebuild as _rebuild
from settings import Settings

LAST_REBUILD_FILE = "last_rebuild.json"  # beside the index, in PLAYBOOK_DATA_DIR


def check_cards(settings: Settings):
    """Validate the cards folder: a result with ``cards``, ``problems`` (``path``, ``line``, ``message``,
    ``consequences``) and ``ok``. Raises PlaybookError (e.g. the folder does not exist)."""
    from playbook.loader import check_cards as _check

    return _check(settings.cards_dir)


def check_summary(result) -> str:
    """``全部 107 张卡片有效`` or ``1 处问题（…）；106 张卡片有效，1 张有错误``."""
    from playbook.messages import summary

    return summary(result)


def problem_text(problems, cards_dir: Path) -> str:
    """Every problem as ``path:line: message`` (paths inside the cards' parent folder), the links a
    broken card breaks indented under it."""
    from playbook.errors import problem_lines

    base = Path(cards_dir).resolve().parent

    def show(problem) -> str:
        try:
            path = Path(problem.path).resolve().relative_to(base)
        except ValueError:
            path = problem.path
        return f"{path}:{problem.line}: {problem.message}"

    return "\n".join(problem_lines(problems, show))


def reindex(settings: Settings, progress: ProgressCallback | None = None) -> tuple[RebuildSummary, str]:
    """Re-index (incremental, atomic); the summary (with how far each stage got) is kept beside the index
    so it survives a restart.

    Returns (summary, "" or why the summary could not be saved). Raises CardsInvalidError (``problems``;
    the serving index is unchanged) or the index's errors."""
    stages = StageLog()

    def both(done: int, total: int, stage: str) -> None:
        stages(done, total, stage)
        if progress:
            progress(done, total, stage)

    summary = _rebuild(settings, progress=both)
    record = {"at": utc_iso(), "stages": stages.to_json()}
    record.update({k: v for k, v in dataclasses.asdict(summary).items() if isinstance(v, (int, float, str, bool))})
    try:
        write_file_atomic(Path(settings.data_dir) / LAST_REBUILD_FILE, json.dumps(record, ensure_ascii=False))
    except OSError as exc:
        return summary, str(exc)
    return summary, ""


def last_rebuild(settings: Settings) -> dict | None:
    """The summary of the last rebuild started from the app, or None."""
    try:
        return json.loads((Path(settings.data_dir) / LAST_REBUILD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stage_lines(record: dict) -> list[str]:
    """``嵌入向量 5/5 个片段`` for each stage a recorded rebuild went through."""
    from index.api import describe_stage

    return [describe_stage(s.get("stage", ""), int(s.get("done", 0)), int(s.get("total", 0)))
            for s in record.get("stages") or () if isinstance(s, dict)]


def index_history(settings: Settings) -> list:
    """The kept generations, newest first (``generation``, ``built_at``, ``cards``, ``chunks``, ``serving``,
    ``changes``); [] when there is no index yet."""
    from index.api import IndexMissingError
    from index.api import index_history as _history

    try:
        return _history(settings)
    except IndexMissingError:
        return []


def serving_state(settings: Settings) -> dict:
    """Which generation serves and whether the cards on disk differ from it ({} without an index)."""
    from index.api import IndexMissingError
    from index.api import serving_state as _state

    try:
        return _state(settings)
    except IndexMissingError:
        return {}


def rollback(settings: Settings, generation: str, *, restore_cards: bool = False):
    """Serve kept ``generation`` again (atomic); with ``restore_cards`` also put the card files back as
    they were (the replaced files are backed up). Raises the index's errors (in Chinese)."""
    from index.api import rollback as _rollback

    return _rollback(settings, generation, restore_cards=restore_cards)


def error_text(exc: BaseException) -> str:
    """A maintainer's message for an index error (the rebuild lock and the server in Chinese)."""
    from index.api import RebuildLockedError, StoreUnavailableError

    if isinstance(exc, RebuildLockedError):
        return "另一个重建或回滚正在进行，请稍等片刻再试。"
    if isinstance(exc, StoreUnavailableError):
        return f"连不上 Chroma 服务（{exc.address}）；服务恢复后再试。原来的索引没有改动。"
    return str(exc)
