"""The `metric_benchmarks` plan material: a valid block, each rule's violation, and the shipped block."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from playbook.loader import check_cards, read_card
from playbook.plan_material import (
    BENCHMARK_METRICS,
    PLAN_KINDS,
    benchmark_card_refs,
    validate_plan_block,
)
from tests.conftest import SHIPPED_CARDS

SHAPES = {
    "online_drop": {"concern": 0.3, "window_minutes": 10},
    "avg_stay": {"concern": 45, "good": 120},
    "entry_rate": {"concern": 0.3, "good": 0.4},
    "conversion_rate": {"concern": 0.01, "good": 0.03},
    "uv_value": {"concern": 0.5, "good": 1.5},
    "follow_rate": {"concern": 0.01, "good": 0.05},
    "interaction_rate": {"concern": 0.02, "good": 0.05},
    "ad_roi": {"concern": 1.0, "good": 1.2},
    "product_conversion": {"concern": 0.05, "good": 0.1},
    "refund_rate": {"concern": 0.2, "good": 0.1},
    "gpm": {"concern": 300, "good": 800},
}


def valid_block() -> list[dict]:
    entries = []
    for metric, (unit, better) in BENCHMARK_METRICS.items():
        entries.append({
            "metric": metric, "name": f"{metric}的中文名", "unit": unit, "better": better,
            **SHAPES[metric],
            "depends": "品类、流量来源、账号阶段", "action": "先和自己的基线比，再按卡片处理",
            "cards": ["dwell-time"],
        })
    return entries


def problems(block) -> list[tuple[tuple, str]]:
    return validate_plan_block({"metric_benchmarks": block})


def with_change(index: int, **changes) -> list[dict]:
    block = valid_block()
    for key, value in changes.items():
        if value is ...:
            block[index].pop(key)
        else:
            block[index][key] = value
    return block


def test_kind_is_registered():
    assert "metric_benchmarks" in PLAN_KINDS


def test_valid_block_is_accepted():
    assert problems(valid_block()) == []


def index_of(metric: str) -> int:
    return list(BENCHMARK_METRICS).index(metric)


@pytest.mark.parametrize(
    "metric, changes, path, message_part",
    [
        ("avg_stay", {"metric": "stay_time"}, (1, "metric"), "must be one of online_drop"),
        ("avg_stay", {"name": ...}, (1, "name"), "`name` must be a non-empty text"),
        ("avg_stay", {"depends": "  "}, (1, "depends"), "`depends` must be a non-empty text"),
        ("avg_stay", {"action": ...}, (1, "action"), "`action` must be a non-empty text"),
        ("avg_stay", {"unit": "minutes"}, (1, "unit"), "must be one of ratio, seconds, yuan, multiple"),
        ("avg_stay", {"unit": "ratio", "concern": 0.5, "good": 0.9}, (1, "unit"), "`unit` of avg_stay must be seconds"),
        ("ad_roi", {"unit": "yuan"}, (index_of("ad_roi"), "unit"), "`unit` of ad_roi must be multiple"),
        ("avg_stay", {"better": "up"}, (1, "better"), "`better` must be higher or lower"),
        ("online_drop", {"better": "higher"}, (0, "better"), "`better` of online_drop must be lower"),
        ("avg_stay", {"concern": ...}, (1, "concern"), "`concern` must be a number"),
        ("avg_stay", {"concern": "45秒"}, (1, "concern"), "`concern` must be a number"),
        ("avg_stay", {"good": True}, (1, "good"), "`good` must be a number"),
        ("entry_rate", {"concern": 30}, (2, "concern"), "write a fraction from 0 to 1"),
        ("entry_rate", {"good": 1.5}, (2, "good"), "write a fraction from 0 to 1"),
        ("gpm", {"concern": -1}, (index_of("gpm"), "concern"), "must not be negative"),
        ("avg_stay", {"good": 30}, (1, "good"), "must be at or above `concern` (45)"),
        ("refund_rate", {"good": 0.4}, (index_of("refund_rate"), "good"), "must be at or below `concern` (0.2)"),
        ("online_drop", {"window_minutes": ...}, (0, "window_minutes"), "online_drop needs `window_minutes`"),
        ("online_drop", {"window_minutes": 0}, (0, "window_minutes"), "above 0"),
        ("avg_stay", {"window_minutes": 2.5}, (1, "window_minutes"), "whole number of minutes"),
        ("avg_stay", {"cards": []}, (1, "cards"), "at least one card id"),
        ("avg_stay", {"cards": ...}, (1, "cards"), "at least one card id"),
        ("avg_stay", {"cards": ["Dwell Time"]}, (1, "cards", 0), "is not a card id"),
    ],
)
def test_each_rule_is_enforced_with_path_and_message(metric, changes, path, message_part):
    found = problems(with_change(index_of(metric), **changes))
    expected = ("metric_benchmarks",) + path
    assert any(p == expected and message_part in m for p, m in found), found


def test_a_metric_given_twice_is_reported_on_the_second_entry():
    block = valid_block()
    block.append(copy.deepcopy(block[1]))
    found = problems(block)
    assert (("metric_benchmarks", len(block) - 1, "metric"), "avg_stay is already given in entry 1; give each metric once") in found


def test_a_missing_metric_is_named():
    block = [e for e in valid_block() if e["metric"] != "refund_rate"]
    found = problems(block)
    assert any(p == ("metric_benchmarks",) and "no benchmark for: refund_rate" in m for p, m in found), found


@pytest.mark.parametrize("block", [[], {"avg_stay": 45}, None])
def test_the_block_must_be_a_non_empty_list(block):
    assert problems(block) == [(("metric_benchmarks",), "must be a non-empty list")]


def test_a_non_mapping_entry_is_reported():
    block = valid_block() + ["avg_stay: 45"]
    assert (("metric_benchmarks", len(block) - 1), "each entry must be a mapping") in problems(block)


def test_card_refs_are_listed_with_their_paths():
    block = valid_block()
    block[3]["cards"] = ["low-conversion-diagnosis", "metric-gpm-uv"]
    refs = benchmark_card_refs({"metric_benchmarks": block})
    assert (("metric_benchmarks", 3, "cards", 1), "metric-gpm-uv") in refs
    assert len(refs) == len(block) + 1


def test_a_broken_block_in_a_card_points_at_the_file_line(tmp_path: Path):
    text = (
        "---\nid: bench-card\ntitle: 标题\ntopics: [metrics-glossary]\nstage: anytime\nplan:\n"
        "  metric_benchmarks:\n"
        "    - metric: avg_stay\n      name: 平均停留时长\n      unit: seconds\n      better: higher\n"
        "      concern: 45秒\n"
        "      depends: 品类\n      action: 留人\n      cards: [dwell-time]\n"
        "---\n## 适用场景\n正文。\n"
    )
    path = tmp_path / "bench.md"
    path.write_text(text, encoding="utf-8")
    card, found = read_card(path)
    assert card is None
    messages = [str(p) for p in found]
    assert f"{path}:12: plan.metric_benchmarks.0.concern: `concern` must be a number" in messages, messages


def test_shipped_glossary_block_is_complete_and_points_at_existing_cards():
    result = check_cards(SHIPPED_CARDS)
    ids = {c.id for c in result.cards} | {p.path.stem for p in result.problems}
    holders = [c for c in result.cards if "metric_benchmarks" in c.plan]
    assert [c.id for c in holders] == ["glossary-metrics"]
    block = holders[0].plan["metric_benchmarks"]
    assert sorted(e["metric"] for e in block) == sorted(BENCHMARK_METRICS)
    missing = [(path, card_id) for path, card_id in benchmark_card_refs(holders[0].plan) if card_id not in ids]
    assert missing == []
