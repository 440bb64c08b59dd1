"""Chunking follows the card structure."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from playbook.loader import check_cards
from playbook.models import Card

from index.chunking import MAX_CHARS, OVERVIEW_SECTION, chunk_card, split_long

from tests.support.paths import SHIPPED_CARDS

pytestmark = pytest.mark.pure


def make_card(body: str, **kw) -> Card:
    fields = {
        "id": "demo-card", "title": "演示卡片", "topics": ("live-rhythm",), "stage": "live", "body": body,
        "path": Path("demo.md"), "body_line": 8, "content_hash": "h", "summary": "", "keywords": (), "questions": (),
        "forces": ("live-ops",), "plan": MappingProxyType({}),
    }
    fields.update(kw)
    return Card(**fields)


def test_overview_chunk_carries_summary_questions_and_keywords():
    card = make_card(
        "## 怎么做\n\n1. 第一步。\n2. 第二步。\n\n## 常见误区\n\n- 误区一。",
        summary="一句话结论。", questions=("憋单是什么意思？", "憋多久？"), keywords=("憋单", "放单"),
    )
    chunks = chunk_card(card)
    first = chunks[0]
    assert first.chunk_id == "demo-card#0" and first.section == OVERVIEW_SECTION
    assert first.text == "一句话结论。"  # what a reader sees
    for part in ("一句话结论。", "憋单是什么意思？", "憋多久？", "憋单", "放单"):
        assert part in first.embedding_text()  # what is embedded and keyword-indexed
    assert "憋多久？" not in first.text and "憋多久？" in first.search_text
    assert [c.section for c in chunks[1:]] == ["怎么做", "常见误区"]
    assert [c.chunk_id for c in chunks] == [f"demo-card#{i}" for i in range(len(chunks))]
    assert all(c.topics == ("live-rhythm",) and c.stage == "live" and c.forces == ("live-ops",) for c in chunks)


def test_embedding_text_carries_title_and_heading():
    chunks = chunk_card(make_card("## 怎么做\n\n1. 第一步。", summary="结论。"))
    assert chunks[1].embedding_text().startswith("演示卡片 / 怎么做\n")
    assert "1. 第一步。" in chunks[1].embedding_text()


def test_text_before_first_heading_goes_to_overview_and_no_summary_still_gives_overview():
    chunks = chunk_card(make_card("开头的一段说明。\n\n## 做法\n\n正文。"))
    assert "开头的一段说明。" in chunks[0].text
    chunks = chunk_card(make_card("## 做法\n\n正文内容。"))
    assert chunks[0].section == OVERVIEW_SECTION and chunks[0].text
    assert chunks[1].text == "正文内容。"


def test_long_section_split_on_list_boundaries():
    items = "\n".join(f"{i}. 第{i}步：" + "这是一条比较长的操作说明，讲清楚要做什么、为什么做、做到什么程度。" * 2 for i in range(1, 16))
    chunks = chunk_card(make_card(f"## 怎么做\n\n{items}\n\n## 看哪些数\n\n- 停留时长。", summary="结论"))
    how = [c for c in chunks if c.section == "怎么做"]
    assert len(how) >= 3
    for c in how:
        assert len(c.text) <= MAX_CHARS
        assert c.text.split("\n")[0][:1].isdigit(), "every piece starts at a list item"
    # nothing lost, order kept
    joined = "\n".join(c.text for c in how)
    assert joined.replace("\n", "") == items.replace("\n", "")
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


def test_overlong_paragraph_split_on_sentences():
    para = "这是一个很长的句子，用来测试切分。" * 60
    pieces = split_long(para)
    assert len(pieces) > 1 and all(len(p) <= MAX_CHARS for p in pieces)
    assert "".join(pieces).replace("\n", "") == para
    assert all(p.endswith("。") for p in pieces)


def test_headings_inside_code_fences_are_not_sections():
    chunks = chunk_card(make_card("## 模板\n\n```\n## 不是标题\n```\n\n## 误区\n\n- 一条。", summary="s"))
    assert [c.section for c in chunks] == [OVERVIEW_SECTION, "模板", "误区"]


def test_every_shipped_card_chunks_cleanly():
    result = check_cards(SHIPPED_CARDS)
    assert result.cards
    seen = set()
    for card in result.cards:
        chunks = chunk_card(card)
        assert chunks[0].section == OVERVIEW_SECTION
        for ch in chunks:
            assert ch.chunk_id not in seen
            seen.add(ch.chunk_id)
            assert ch.text.strip()
            assert len(ch.text) <= MAX_CHARS + 200
        assert chunk_card(card) == chunks, "chunking is deterministic"
