"""Durable file writes: the one atomic-write helper (temporary file, fsync, rename, fsync the folder)."""

from __future__ import annotations

import os
from pathlib import Path


def write_file_atomic(path: Path | str, data: str | bytes) -> None:
    """Write ``path`` through a temporary file beside it, fsync it, rename it into place, fsync the folder.

    A reader sees the old content or the new one, never a part; a crash leaves at most a
    ``.NAME.tmp-PID`` file that the next writer's clean-up removes. OSError propagates (disk full,
    read-only, permission): translate it where the caller knows what was being written."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    fsync_dir(path.parent)


def _fsync(path: Path | str) -> None:
    """fsync one file or folder; best effort (a path that cannot be opened is skipped)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_dir(path: Path | str) -> None:
    """fsync a folder (its entries: a rename inside it is durable afterwards); best effort."""
    _fsync(path)


def fsync_tree(path: Path | str) -> None:
    """fsync every file and folder under ``path`` (before a generation of files is switched on)."""
    for root, _dirs, files in os.walk(path):
        for name in files:
            _fsync(os.path.join(root, name))
        _fsync(root)
