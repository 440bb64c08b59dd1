"""Errors of the index package. Every message says what is wrong and how to fix it."""

from __future__ import annotations


class PlaybookIndexError(Exception):
    """Base class of the index package's errors."""

    exit_code = 1


class IndexMissingError(PlaybookIndexError):
    """No usable index has been built yet."""

    def __init__(self, where: str, detail: str = ""):
        self.where = where
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"no search index at {where}{extra}; build it with `python -m index rebuild` "
            f"(or `python -m index ensure`)"
        )


class EmbedderMismatchError(PlaybookIndexError):
    """The index was built with another embedding model than the one configured."""

    def __init__(self, built_with: str, configured: str):
        self.built_with = built_with
        self.configured = configured
        super().__init__(
            f"the index was built with embedder {built_with!r} but PLAYBOOK_EMBEDDER is {configured!r}; "
            f"vectors of different models cannot be compared. Run `python -m index rebuild` to re-embed "
            f"the handbook with {configured!r}, or set PLAYBOOK_EMBEDDER={built_with} again"
        )


class EmbedderUnavailableError(PlaybookIndexError):
    """The configured embedding model cannot be loaded (PLAYBOOK_EMBEDDER names no usable model)."""

    exit_code = 2


class StoreUnavailableError(PlaybookIndexError):
    """The Chroma server (server mode) cannot be reached."""

    def __init__(self, address: str, detail: str = ""):
        self.address = address
        extra = f": {detail}" if detail else ""
        super().__init__(
            f"the Chroma server at {address} is not reachable{extra}. Start it (e.g. "
            f"`chroma run --path ./chroma-data --host 0.0.0.0 --port <port>`), check "
            f"PLAYBOOK_CHROMA_HOST / PLAYBOOK_CHROMA_PORT, or unset PLAYBOOK_CHROMA_HOST to use the "
            f"embedded store; the app recovers by itself once the server is back"
        )


class RebuildLockedError(PlaybookIndexError):
    """Another rebuild holds the lock."""

    def __init__(self, lock_path: str, waited: float):
        self.lock_path = lock_path
        self.waited = waited
        super().__init__(
            f"another rebuild is running (lock {lock_path} held; waited {waited:g}s). Wait for it to "
            f"finish, or retry with `python -m index rebuild --wait 120`"
        )


class IndexWriteError(PlaybookIndexError):
    """The index cannot be written (read-only data dir, disk full, ...). The serving index is untouched."""

    def __init__(self, where: str, detail: str):
        self.where = where
        super().__init__(
            f"cannot write the index under {where}: {detail}. The index that was serving is unchanged. "
            f"Free disk space or make the folder writable, or set PLAYBOOK_DATA_DIR to a writable folder, "
            f"then run `python -m index rebuild` again"
        )


class IndexCorruptError(PlaybookIndexError):
    """The active index generation is damaged."""

    def __init__(self, where: str, detail: str):
        super().__init__(
            f"the search index at {where} is damaged ({detail}); run `python -m index rebuild` to build "
            f"a fresh one"
        )


class GenerationUnknownError(PlaybookIndexError):
    """A rollback named a generation that is not kept (bad usage: exit code 2)."""

    exit_code = 2

    def __init__(self, name: str, kept: list[str]):
        self.name = name
        self.kept = list(kept)
        listing = "、".join(kept) if kept else "（没有）"
        super().__init__(
            f"没有可回滚的版本 {name!r}：保留的版本是 {listing}。用 `python -m index history` 查看版本列表"
        )


class RollbackRefusedError(PlaybookIndexError):
    """The generation exists but cannot serve with the current settings (e.g. another embedder)."""

    exit_code = 2

    def __init__(self, name: str, reason: str):
        self.name = name
        super().__init__(f"不能回滚到 {name}：{reason}；正在使用的索引没有改动")


class CardsRestoreError(PlaybookIndexError):
    """The index was rolled back but the card files could not all be put back."""

    def __init__(self, generation: str, detail: str):
        self.generation = generation
        super().__init__(
            f"索引已回滚到 {generation}，但卡片文件没能全部恢复：{detail}。请检查卡片目录是否可写，"
            f"然后再执行一次回滚（加 --restore-cards）"
        )
