"""Unit tests of assistant.text: cleaning questions, splitting cards into points (no index needed)."""

from __future__ import annotations

import pytest

from assistant.errors import InvalidQuestionError
from assistant.text import KeyedCache, card_points, clean_question, clean_text, split_points

pytestmark = pytest.mark.pure


def test_clean_text_strips_control_bidi_and_zero_width_characters():
    dirty = "开播\u200b前\u202e几天\u2066发\u2069预热\ufeff视频\x07？\u00ad"
    assert clean_text(dirty) == "开播前几天发预热视频？"
    assert clean_text("  多个\t空白\n\n换行  ") == "多个 空白 换行"
    assert clean_text("第一行\n第二行", keep_newlines=True) == "第一行\n第二行"


@pytest.mark.parametrize("question", ["", "   ", "\u200b\u200d\ufeff", "\n\t", None])
def test_empty_question_is_a_clear_error(question):
    with pytest.raises(InvalidQuestionError, match="空"):
        clean_question(question, 100)


def test_too_long_question_names_the_limit():
    with pytest.raises(InvalidQuestionError, match="最多 20 个字"):
        clean_question("预" * 21, 20)
    assert clean_question("预" * 20, 20) == "预" * 20


def test_split_points_reads_numbered_steps_with_continuations(shipped_cards):
    card = shipped_cards["lineup-structure"]
    points = split_points(card)
    steps = [p for p in points if p.kind == "step"]
    metrics = [p for p in points if p.kind == "metric"]
    assert [p.number for p in steps] == list(range(1, len(steps) + 1))
    assert steps and metrics
    assert all(p.text and not p.text.startswith(("1.", "-")) for p in points)
    assert all(p.text in card.body.replace("\n", " ") or p.text[:20] in card.body for p in steps)


def test_card_points_are_remembered_per_card_version(shipped_cards):
    card = shipped_cards["lineup-structure"]
    assert card_points(card) is card_points(card)
    assert card_points(card) == split_points(card)


def test_keyed_cache_computes_once_per_key_and_drops_the_oldest():
    cache, calls = KeyedCache(size=2), []

    def compute(value):
        calls.append(value)
        return value * 10

    assert [cache.get(k, lambda k=k: compute(k)) for k in (1, 1, 2, 3)] == [10, 10, 20, 30]
    assert calls == [1, 2, 3]
    cache.get(1, lambda: compute(1))  # 1 was dropped (size 2): computed again
    assert calls == [1, 2, 3, 1]
