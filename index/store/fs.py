"""File-system facts of the index: the one translation of storage failures, private read-only copies.

Storage failures arrive as an ``OSError`` with an errno (our own writes) or as another library's
exception whose only trace is its text (SQLite under Chroma: "database or disk is full", "attempt to
write a readonly database"). :func:`storage_kind` reads both the same way; :func:`write_error` turns one
into the ``IndexWriteError`` the user sees, :func:`is_read_only_error` says whether to serve from a copy.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from index.errors import IndexWriteError

FULL, READ_ONLY, DENIED, NOT_A_FOLDER = "full", "read-only", "denied", "not-a-folder"

_ERRNO_KINDS = {
    errno.ENOSPC: FULL,
    errno.EDQUOT: FULL,
    errno.EROFS: READ_ONLY,
    errno.EACCES: DENIED,
    errno.EPERM: DENIED,
    errno.ENOTDIR: NOT_A_FOLDER,
}
_ERRNO_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "a path component is a file, not a folder",
}
_TEXT_KINDS = (
    (FULL, ("disk is full", "database or disk is full", "no space left", "disk full")),
    (READ_ONLY, ("readonly", "read-only", "read only")),
    (DENIED, ("permission denied",)),
)
_TEXT_REASONS = {FULL: "the disk is full", READ_ONLY: "the folder is read-only", DENIED: "permission denied"}


def storage_kind(exc: BaseException) -> str | None:
    """``full`` | ``read-only`` | ``denied`` | ``not-a-folder`` when ``exc`` is a storage failure, else None."""
    if isinstance(exc, OSError) and exc.errno in _ERRNO_KINDS:
        return _ERRNO_KINDS[exc.errno]
    text = str(exc).lower()
    for kind, needles in _TEXT_KINDS:
        if any(needle in text for needle in needles):
            return kind
    return None


def storage_reason(exc: BaseException) -> str | None:
    """A short human reason for a storage failure (``the disk is full``), or None if it is not one."""
    if isinstance(exc, OSError) and exc.errno in _ERRNO_REASONS:
        return _ERRNO_REASONS[exc.errno]
    kind = storage_kind(exc)
    return _TEXT_REASONS.get(kind) if kind else None


def write_error(where: Path | str, exc: BaseException) -> IndexWriteError:
    """The IndexWriteError describing a failed write (read-only, disk full, permission, ...)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        reason = storage_reason(exc) or exc.strerror or str(exc)
        detail = f"{reason} ({exc.filename or where})" if exc.filename else reason
    else:
        text = str(exc)
        reason = storage_reason(exc)
        detail = f"{reason} ({text})" if reason else f"{type(exc).__name__}: {text}"
    return IndexWriteError(str(where), detail)


def is_read_only_error(exc: BaseException) -> bool:
    """True when ``exc`` means "this folder cannot be written" (read-only mount, no permission)."""
    return storage_kind(exc) in (READ_ONLY, DENIED)


_ro_copies: dict[str, Path] = {}


def read_only_copy(path: Path) -> Path:
    """A private, writable copy of a folder (removed when the process exits), made once per process.

    Chroma writes to its database even to read; a read-only data dir is served from such a copy."""
    import atexit
    import tempfile

    key = str(path)
    if key not in _ro_copies:
        target = Path(tempfile.mkdtemp(prefix="playbook-index-ro-")) / path.name
        shutil.copytree(path, target)
        atexit.register(shutil.rmtree, target.parent, True)
        _ro_copies[key] = target
    return _ro_copies[key]
