"""The cross-session cache of the shipped test index builds once per content and hands out copies."""

from __future__ import annotations

import pytest

from tests.support import index_cache

pytestmark = pytest.mark.pure


def _fake_build(calls: list):
    def build(data, cards):
        calls.append((data, cards))
        (data / "index").mkdir(parents=True)
        (data / "index" / "ACTIVE").write_text("gen-000001", encoding="utf-8")
    return build


def test_second_session_copies_instead_of_building(tmp_path, monkeypatch):
    monkeypatch.setattr(index_cache, "_SETTING", str(tmp_path / "cache"))
    calls: list = []
    first = index_cache.shipped_index_into(tmp_path / "s1", _fake_build(calls))
    second = index_cache.shipped_index_into(tmp_path / "s2", _fake_build(calls))
    assert len(calls) == 1
    assert (second[0] / "index" / "ACTIVE").read_text(encoding="utf-8") == "gen-000001"
    assert first[0] != second[0] and second[0].is_relative_to(tmp_path / "s2")
    assert sorted(p.name for p in second[1].rglob("*.md")) == sorted(p.name for p in first[1].rglob("*.md"))


def test_cache_off_builds_every_time(tmp_path, monkeypatch):
    monkeypatch.setattr(index_cache, "_SETTING", "off")
    calls: list = []
    index_cache.shipped_index_into(tmp_path / "s1", _fake_build(calls))
    index_cache.shipped_index_into(tmp_path / "s2", _fake_build(calls))
    assert len(calls) == 2


def test_key_changes_with_a_card(tmp_path):
    cards = tmp_path / "cards"
    (cards / "x").mkdir(parents=True)
    (cards / "x" / "a.md").write_text("one", encoding="utf-8")
    before = index_cache.cache_key(cards)
    (cards / "x" / "a.md").write_text("two", encoding="utf-8")
    assert index_cache.cache_key(cards) != before


def test_changed_cards_are_built_from_scratch(tmp_path, monkeypatch):
    """A seeded build would carry the older entry's generation in the index's history."""
    cards = tmp_path / "cards"
    (cards / "x").mkdir(parents=True)
    (cards / "x" / "a.md").write_text("one", encoding="utf-8")
    monkeypatch.setattr(index_cache, "_SETTING", str(tmp_path / "cache"))
    monkeypatch.setattr(index_cache, "SHIPPED_CARDS", cards)
    monkeypatch.setattr(index_cache, "cache_key", lambda: index_cache.code_key() + "-" + (cards / "x" / "a.md").read_text())
    seen = []

    def build(data, _cards):
        seen.append((data / "index" / "ACTIVE").exists())
        (data / "index").mkdir(parents=True, exist_ok=True)
        (data / "index" / "ACTIVE").write_text("gen", encoding="utf-8")

    index_cache.shipped_index_into(tmp_path / "s1", build)
    (cards / "x" / "a.md").write_text("two", encoding="utf-8")
    index_cache.shipped_index_into(tmp_path / "s2", build)
    assert seen == [False, False]
