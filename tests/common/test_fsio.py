"""The one atomic-write helper."""

from __future__ import annotations

import errno
import os

import pytest

from common.fsio import write_file_atomic

pytestmark = pytest.mark.pure


def test_writes_text_and_bytes_and_replaces(tmp_path):
    target = tmp_path / "a.json"
    write_file_atomic(target, "第一版\n")
    assert target.read_text(encoding="utf-8") == "第一版\n"
    write_file_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.json"
    write_file_atomic(target, "old")

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError) as info:
        write_file_atomic(target, "new")
    assert info.value.errno == errno.ENOSPC
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]
