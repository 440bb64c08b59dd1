"""The plan material the plans read: every shipped kind parses; broken material is refused with a Chinese
message naming the key path (and the loader's line); the contingency triggers the live console reads."""

from __future__ import annotations

import copy

import pytest

from assistant.plan.material import category_profile, find_material, first_material
from playbook.loader import check_cards
from playbook.plan_material import PLAN_KINDS, MaterialError, parse_material, validate_plan_block
from playbook.plan_material.live import SIGNALS
from tests.support.paths import SHIPPED_CARDS

pytestmark = pytest.mark.pure


def raw(cards, card_id: str, kind: str):
    return copy.deepcopy(dict(cards[card_id].plan)[kind])


def issues(kind, value) -> dict:
    return {".".join(map(str, path)): message for path, message in validate_plan_block({kind: value})}


def test_every_kind_is_shipped_and_parses(shipped_cards):
    present = {kind for c in shipped_cards.values() for kind in c.plan}
    assert present == set(PLAN_KINDS)
    for card in shipped_cards.values():
        for kind, value in card.plan.items():
            parse_material(kind, value)


def test_show_blocks_are_loops_with_a_round_and_hook_gap(shipped_cards):
    for template in parse_material("show_blocks", raw(shipped_cards, "run-of-show-template", "show_blocks")):
        lo, hi = template.loop_minutes
        assert 20 <= lo <= hi <= 40 and template.hook_gap_minutes <= 45
        rounds = [b for b in template.blocks if b.part == "round"]
        assert abs(sum(b.share for b in rounds) - 1) < 1e-6 and rounds[0].role == "hook"
        assert next(b for b in template.blocks if b.part == "open").role == "open"


@pytest.mark.parametrize("change,path,words", [
    (lambda t: t[0]["blocks"][1].update(role="finale"), "show_blocks.0.blocks.1.role", "必须是 open、hook"),
    (lambda t: t[0]["blocks"][1].update(share=0.9), "show_blocks.0.blocks", "加起来应为 1"),
    (lambda t: t[0].update(loop_minutes=[40, 20]), "show_blocks.0.loop_minutes", "下限不能大于上限"),
    (lambda t: t[0]["blocks"][0].pop("minutes"), "show_blocks.0.blocks.0.minutes", "缺少 `minutes`"),
    (lambda t: t[0].update(speed=3), "show_blocks.0.speed", "不认识的字段 `speed`"),
    (lambda t: t[0].update(max_hours="两小时"), "show_blocks.0.max_hours", "必须是数字"),
])
def test_broken_show_blocks_name_the_key_path_in_chinese(change, path, words, shipped_cards):
    value = raw(shipped_cards, "run-of-show-template", "show_blocks")
    change(value)
    found = issues("show_blocks", value)
    assert path in found and words in found[path], found


@pytest.mark.parametrize("kind,card,change,path,words", [
    ("lineup_roles", "lineup-structure", lambda v: v[0].update(order_share=0.9), "lineup_roles", "加起来应为 1"),
    ("lineup_roles", "lineup-structure", lambda v: v[2].update(key="hero"), "lineup_roles.2.key", "hook、perk"),
    ("warmup_schedule", "warmup-schedule", lambda v: v[0]["tasks"].append("上一场下播前：预告大场"), "warmup_schedule.0.tasks.4", "只能放在开播前一天"),
    ("warmup_schedule", "warmup-schedule", lambda v: v[0]["tasks"].append("开播后发提醒"), "warmup_schedule.0.tasks.4", "只能放在开播当天"),
    ("warmup_schedule", "warmup-schedule", lambda v: v[0].update(variants=["weekly"]), "warmup_schedule.0.variants.0", "big、regular、daily"),
    ("contingency_rules", "viewer-drop-response", lambda v: v[0]["trigger"].pop("window_minutes"), "contingency_rules.0.trigger.window_minutes", "多少分钟内"),
    ("contingency_rules", "viewer-drop-response", lambda v: v[0]["trigger"].update(unit="multiple"), "contingency_rules.0.trigger.unit", "ratio"),
    ("contingency_rules", "viewer-drop-response", lambda v: v[0]["trigger"].pop("label"), "contingency_rules.0.trigger.label", "多可靠"),
    ("contingency_rules", "viewer-drop-response", lambda v: v[8]["trigger"].update(value=3), "contingency_rules.8.trigger.value", "不写 `value`"),
    ("contingency_rules", "viewer-drop-response", lambda v: v[0]["trigger"].update(signal="vibes"), "contingency_rules.0.trigger.signal", "online_drop"),
    ("cue_lines", "script-opening", lambda v: v[0].update(line="「今天卖{product}」"), "cue_lines.0.line", "不认识的占位 {product}"),
    ("cue_lines", "script-opening", lambda v: v[0].update(line="「{main」"), "cue_lines.0.line", "花括号没有配对"),
    ("compliance_checklist", "compliance-ad-law", lambda v: v["review_terms"].append({"term": "顶级", "reason": "x"}), "compliance_checklist.review_terms.3.term", "已在 `banned_terms`"),
    ("team_roles", "team-structure", lambda v: v["sizes"][0].pop("max_followers"), "team_roles.sizes.0.max_followers", "只有最后一档"),
    ("goal_assumptions", "gmv-decomposition", lambda v: v["conversion_rate"].update(growth=2), "goal_assumptions.conversion_rate.growth", "0 到 1 之间"),
    ("category_profile", "category-apparel", lambda v: v.update(return_rate=30), "category_profile.return_rate", "小于等于 1"),
    ("traffic_rules", "paid-budget-pacing", lambda v: v.update(pre_share="两成"), "traffic_rules.pre_share", "必须是数字"),
])
def test_broken_material_names_the_key_path_in_chinese(kind, card, change, path, words, shipped_cards):
    value = raw(shipped_cards, card, kind)
    change(value)
    found = issues(kind, value)
    assert path in found and words in found[path], found
    with pytest.raises(MaterialError):
        parse_material(kind, value)


def test_the_loader_points_at_the_line(tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    src = next(SHIPPED_CARDS.rglob("viewer-drop-response.md")).read_text(encoding="utf-8")
    broken = src.replace("compare: fall_by,", "compare: plunge,", 1)
    (folder / "viewer-drop-response.md").write_text(broken, encoding="utf-8")
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "compare: plunge" in text)
    problems = [str(p) for p in check_cards(folder).problems]
    assert any(f":{line}: plan.contingency_rules.0.trigger.compare: `compare` 必须是" in p for p in problems), problems


def test_the_old_messages_other_checks_rely_on_are_still_there():
    assert "must be a mapping" in validate_plan_block(5)[0][1]
    assert "unknown plan material `magic_numbers`" in validate_plan_block({"magic_numbers": [1]})[0][1]


def test_contingency_triggers_are_machine_readable_and_cover_the_review(shipped_cards):
    rules = parse_material("contingency_rules", raw(shipped_cards, "viewer-drop-response", "contingency_rules"))
    signals = {r.trigger.signal for r in rules}
    assert {"ad_roi", "online_surge", "price_link_error", "comment_attack", "perk_sold_out", "refund_spike"} <= signals
    assert signals <= set(SIGNALS)
    for r in rules:
        if r.trigger.compare != "event":
            assert r.trigger.value is not None and r.trigger.label and r.trigger.baseline != "none"
    drop = next(r.trigger for r in rules if r.trigger.signal == "online_drop")
    bench = next(b for b in raw(shipped_cards, "glossary-metrics", "metric_benchmarks") if b["metric"] == "online_drop")
    assert (drop.value, drop.window_minutes) == (bench["concern"], bench["window_minutes"]), "one line, stated once"
    roi = next(r.trigger for r in rules if r.trigger.signal == "ad_roi")
    assert (roi.baseline, roi.compare, roi.value) == ("break_even_roi", "below", 1.0)


def test_category_profiles_match_by_category_words(shipped_cards):
    for category, expected in [("女装", "服装"), ("美妆护肤", "美妆护肤"), ("生鲜海鲜", "生鲜农产品"), ("饰品", "珠宝玉石"),
                               ("家居厨具", "家居日用"), ("食品", "食品"), ("宠物用品", None)]:
        _, profile = category_profile(shipped_cards, category)
        assert (profile.name if profile else None) == expected, category
    _, apparel = category_profile(shipped_cards, "女装")
    _, beauty = category_profile(shipped_cards, "美妆")
    assert apparel.return_rate > beauty.return_rate and "经验假设" in apparel.return_label


def test_material_is_found_by_kind_home_topic_first(shipped_cards):
    card, _ = first_material(shipped_cards, "show_blocks")
    assert card.id == "run-of-show-template"
    assert len(find_material(shipped_cards, "cue_lines")) >= 5
