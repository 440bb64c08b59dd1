"""Handbook v2 (issue 10) on the shipped cards: size, topic coverage, depth of the seven new areas,
rule-of-thumb repetition, the one booking date, no paid traffic "30 minutes before going live", the
v1 errors staying fixed, and the cards the metric benchmarks point at.

Each check is a plain function over loaded cards, so the second half of the file runs every one of
them on a deliberately broken copy of the handbook in tmp_path and shows that it fails there.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from playbook.loader import check_cards
from playbook.models import Card
from playbook.plan_material import benchmark_card_refs
from playbook.stats import chinese_chars, handbook_stats
from tests.conftest import SHIPPED_CARDS

MIN_CHINESE_CHARS = 90_000
NEW_TOPICS = (
    "short-video-commerce", "studio-setup", "talk-scripts", "team-management",
    "category-playbooks", "affiliate-distribution", "violations-appeals",
)
MIN_SUBSTANTIAL_CHARS = 1_000
# Rule-of-thumb strings the review found pasted into card after card; each may sit in at most 8.
RULE_OF_THUMB_STRINGS = (
    "45秒", "2分钟以上", "5%以上", "5分钟", "15到20分钟", "30%到40%", "10到15分钟", "15到30分钟",
    "一刻钟到半小时", "30分钟", "三成", "两成", "1.5", "3%", "800", "2到3分钟", "20到40分钟",
)
MAX_CARDS_PER_STRING = 8

_CLAUSE = re.compile(r"[。；;！!？?\n，,、｜|]")
_EARLY_DAY = re.compile(r"T-[35](?!\d)")
_OPENS_BOOKING = re.compile(r"(开|开启|开放|收)预约|(开|发布|挂)(直播)?预告")
_NOT_A_BIG_SHOW = ("日常", "起号", "天天播", "日播")
_PRE_SHOW_30 = re.compile(r"开播前\s*约?\s*(30|三十)\s*分钟")
_PAID = re.compile(r"投流|投放|推广|计划|加热")
_NAIVE_BREAK_EVEN = re.compile(r"保本\s*ROI\s*[=＝为是]\s*1\s*[÷/]\s*毛利率(?!\s*[×x*(（])")


# ---------------------------------------------------------------------------------------------
# The checks.

def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def reader_text(card: Card) -> str:
    """What a reader sees of a card: title, summary, questions and body."""
    return "\n".join([card.title, card.summary, *card.questions, card.body])


def all_text(card: Card) -> str:
    """Reader text plus every string of the card's plan material."""
    return reader_text(card) + "\n" + "\n".join(_strings(dict(card.plan)))


def size_problems(cards) -> list[str]:
    size = handbook_stats(cards)["chinese_chars"]
    return [] if size >= MIN_CHINESE_CHARS else [f"{size} Chinese characters, fewer than {MIN_CHINESE_CHARS}"]


def thin_topics(cards) -> list[str]:
    return handbook_stats(cards)["thin_topics"]


def shallow_new_topics(cards) -> dict[str, list[str]]:
    """New topics with fewer than two cards of at least MIN_SUBSTANTIAL_CHARS Chinese characters."""
    shallow = {}
    for topic in NEW_TOPICS:
        deep = [c.id for c in cards if topic in c.topics and chinese_chars(c.body) >= MIN_SUBSTANTIAL_CHARS]
        if len(deep) < 2:
            shallow[topic] = deep
    return shallow


def repeated_strings(cards) -> dict[str, list[str]]:
    """Rule-of-thumb strings found in more than MAX_CARDS_PER_STRING cards, with those cards."""
    found = {}
    for s in RULE_OF_THUMB_STRINGS:
        ids = [c.id for c in cards if s in reader_text(c)]
        if len(ids) > MAX_CARDS_PER_STRING:
            found[s] = ids
    return found


def booking_contradictions(cards) -> list[tuple[str, str]]:
    """Clauses that open the booking at T-3/T-5 without saying it is a regular or cold-start show
    (the handbook's decision: a big show opens the 直播预告/booking at T-7), and warm-up steps of a big
    show before T-7 that open the booking."""
    found = []
    for card in cards:
        for clause in _CLAUSE.split(all_text(card)):
            if not _EARLY_DAY.search(clause) or any(w in clause for w in _NOT_A_BIG_SHOW):
                continue
            if _OPENS_BOOKING.search(clause) or (re.search("大场|大促", clause) and "预约" in clause):
                found.append((card.id, clause.strip()))
        for step in card.plan.get("warmup_schedule") or []:
            if step.get("days_before") == 7 or "big-event" not in step.get("stages", ["big-event"]):
                continue
            for task in step.get("tasks") or []:
                for clause in _CLAUSE.split(task):
                    if _OPENS_BOOKING.search(clause) and not any(w in clause for w in _NOT_A_BIG_SHOW):
                        found.append((card.id, f"T-{step.get('days_before')}: {clause.strip()}"))
    return found


def pre_show_paid_traffic(cards) -> list[tuple[str, str]]:
    """Clauses that start paid traffic "约30分钟" before going live (live-room promotion only runs live)."""
    return [
        (card.id, clause.strip())
        for card in cards
        for clause in re.split(r"[。；;\n]", all_text(card))
        if _PRE_SHOW_30.search(clause) and _PAID.search(clause)
    ]


def v1_errors(cards) -> list[tuple[str, str]]:
    """Claims the 2026-12 review corrected: the naive break-even ROI and the loose 原价 rule."""
    found = []
    for card in cards:
        text = all_text(card)
        if _NAIVE_BREAK_EVEN.search(text):
            found.append((card.id, "保本ROI = 1 ÷ 毛利率"))
        if "近期真实成交" in text:
            found.append((card.id, "近期真实成交"))
    return found


def missing_benchmark_cards(cards) -> list[tuple[str, str]]:
    ids = {c.id for c in cards}
    return [
        (card.id, card_id)
        for card in cards
        for _, card_id in benchmark_card_refs(dict(card.plan))
        if card_id not in ids
    ]


# ---------------------------------------------------------------------------------------------
# The shipped handbook.

@pytest.fixture(scope="module")
def cards():
    result = check_cards(SHIPPED_CARDS)
    assert result.ok, [str(p) for p in result.problems]
    return result.cards


def test_handbook_has_at_least_90000_chinese_characters(cards):
    assert size_problems(cards) == []


def test_every_topic_is_on_at_least_two_cards(cards):
    assert thin_topics(cards) == []


def test_each_new_topic_has_two_substantial_cards(cards):
    assert shallow_new_topics(cards) == {}


def test_no_rule_of_thumb_string_is_in_more_than_eight_cards(cards):
    assert repeated_strings(cards) == {}


def test_big_shows_open_the_booking_at_t7_only(cards):
    assert booking_contradictions(cards) == []
    homes = {c.id: reader_text(c) for c in cards if c.id in ("warmup-schedule", "live-preview-booking", "big-event-planning")}
    assert len(homes) == 3 and all("T-7" in text for text in homes.values())


def test_no_paid_traffic_starts_30_minutes_before_going_live(cards):
    assert pre_show_paid_traffic(cards) == []


def test_v1_errors_stay_fixed(cards):
    assert v1_errors(cards) == []


def test_every_card_named_by_the_metric_benchmarks_exists(cards):
    holders = [c for c in cards if "metric_benchmarks" in c.plan]
    assert [c.id for c in holders] == ["glossary-metrics"]
    assert benchmark_card_refs(dict(holders[0].plan))
    assert missing_benchmark_cards(cards) == []


# ---------------------------------------------------------------------------------------------
# Every check fails on a broken copy.

@pytest.fixture()
def copy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "cards"
    shutil.copytree(SHIPPED_CARDS, target)
    return target


def _file(cards_dir: Path, card_id: str) -> Path:
    return next(p for p in cards_dir.rglob(f"{card_id}.md"))


def _edit(cards_dir: Path, card_id: str, old: str, new: str) -> None:
    path = _file(cards_dir, card_id)
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {card_id}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(cards_dir: Path, card_id: str, extra: str) -> None:
    path = _file(cards_dir, card_id)
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + extra + "\n", encoding="utf-8")


def _load(cards_dir: Path):
    result = check_cards(cards_dir)
    assert result.ok, [str(p) for p in result.problems]
    return result.cards


def test_size_check_fails_on_a_small_handbook(copy_dir: Path):
    keep = {"glossary-metrics", "metric-system", "metric-gpm-uv", "glossary-jargon"}
    for path in list(copy_dir.rglob("*.md")):
        if path.stem not in keep:
            path.unlink()
        else:
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"(?m)^links: \[.*\]$", "links: []", text), encoding="utf-8")
    small = _load(copy_dir)
    assert len(small) == len(keep) and size_problems(small)


def test_topic_check_fails_when_a_topic_loses_a_card(copy_dir: Path):
    _edit(copy_dir, "clip-licensing", "topics: [clips, compliance]", "topics: [compliance]")
    assert "clips" in thin_topics(_load(copy_dir))


def test_new_topic_check_fails_on_shallow_cards(copy_dir: Path):
    shipped = _load(copy_dir)
    studio = [c for c in shipped if "studio-setup" in c.topics]
    for card in studio[1:]:
        path = card.path
        text = path.read_text(encoding="utf-8")
        front = text[: text.index("\n---\n", 4) + 5]
        path.write_text(front + "## 怎么做\n\n" + "先把灯光和声音检查一遍再开播。" * 20 + "\n", encoding="utf-8")
    assert "studio-setup" in shallow_new_topics(_load(copy_dir))


def test_repetition_check_fails_when_a_threshold_is_pasted_into_nine_cards(copy_dir: Path):
    for card in _load(copy_dir)[:9]:
        _append(copy_dir, card.id, "## 补充\n\n停留时长经验上45秒及格。")
    assert "45秒" in repeated_strings(_load(copy_dir))


@pytest.mark.parametrize("line", ["大场T-5开直播预告收预约。", "- T-3：发布直播预告并开启预约。", "大促场T-3就开始收预约，别等。"])
def test_booking_check_fails_on_an_early_booking_date(copy_dir: Path, line: str):
    _append(copy_dir, "big-event-planning", "## 补充\n\n" + line)
    assert booking_contradictions(_load(copy_dir))


def test_booking_check_fails_on_a_big_show_warmup_step_before_t7(copy_dir: Path):
    _edit(copy_dir, "warmup-schedule", "        - 按前两天的评论和预约增长调整福利话术",
          "        - 发布直播预告并开启预约")
    assert booking_contradictions(_load(copy_dir)) == [("warmup-schedule", "T-5: 发布直播预告并开启预约")]


def test_pre_show_check_fails_on_paid_traffic_30_minutes_before_live(copy_dir: Path):
    _append(copy_dir, "paid-traffic-basics", "## 补充\n\n开播前约30分钟开始投流暖场。")
    assert pre_show_paid_traffic(_load(copy_dir)) == [("paid-traffic-basics", "开播前约30分钟开始投流暖场")]


@pytest.mark.parametrize("line,found", [("保本ROI = 1 ÷ 毛利率，简单好记。", "保本ROI = 1 ÷ 毛利率"),
                                        ("原价写近期真实成交过的价格就行。", "近期真实成交")])
def test_v1_error_check_fails_when_an_error_comes_back(copy_dir: Path, line: str, found: str):
    _append(copy_dir, "price-bands", "## 补充\n\n" + line)
    assert v1_errors(_load(copy_dir)) == [("price-bands", found)]


def test_benchmark_check_fails_on_an_unknown_card(copy_dir: Path):
    _edit(copy_dir, "glossary-metrics", "cards: [dwell-time, hold-and-release]", "cards: [dwell-time, no-such-card]")
    assert missing_benchmark_cards(_load(copy_dir)) == [("glossary-metrics", "no-such-card")]
