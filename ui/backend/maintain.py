"""Maintenance: validate the cards, re-index (the UI's one way to the index rebuild), the last summary."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from common.fsio import write_file_atomic
from index.api import ProgressCallback, RebuildSummary
from index.api import rebuild as _rebuild
from settings import Settings

LAST_REBUILD_FILE = "last_rebuild.json"  # beside the index, in PLAYBOOK_DATA_DIR


def check_cards(settings: Settings):
    """Validate the cards folder: a result with ``cards``, ``problems`` (``path``, ``line``, ``message``)
    and ``ok``. Raises PlaybookError (e.g. the folder does not exist)."""
    from playbook.loader import check_cards as _check

    return _check(settings.cards_dir)


def reindex(settings: Settings, progress: ProgressCallback | None = None) -> tuple[RebuildSummary, str]:
    """Re-index (incremental, atomic); the summary is kept beside the index so it survives a restart.

    Returns (summary, "" or why the summary could not be saved). Raises CardsInvalidError (``problems``;
    the serving index is unchanged) or the index's errors."""
    summary = _rebuild(settings, progress=progress)
    record = {"at": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")}
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
