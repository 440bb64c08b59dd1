"""Whole plans: the contract (with the 2026-12 additions) for every dev and acceptance case, Markdown an
operator reads (no internal names, rules stated once), what each section must say, the calendar export
and the optional LLM persona rewrite."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from assistant.plan import build_plan, plan_ics, plan_markdown
from assistant.plan.facts import PlanFacts
from assistant.plan.sections import SECTION_KEYS, WRITERS
from tests.assistant.conftest import DEV_PLANS, load_yaml
from tests.support.paths import EVAL_DIR
from tests.support.plans import check_plan_contract

pytestmark = pytest.mark.pure
CASES = {c["id"]: {k: v for k, v in c.items() if k not in ("id", "note")} for c in load_yaml(EVAL_DIR / "plan_cases.yaml")["plans"]}
ALL = [(f"dev{i}", p) for i, p in enumerate(DEV_PLANS)] + list(CASES.items())
# Setting, field and schema names that must never reach the text an operator reads.
INTERNAL = re.compile(r"\b[a-z]+_[a-z_]+\b|default_aov|peak_hour|ad_budget|target_gmv|cold-start|big-event")


def with_(raw, **changes):
    raw = copy.deepcopy(raw)
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


@pytest.mark.parametrize("name,raw", ALL, ids=[n for n, _ in ALL])
def test_every_case_follows_the_contract_and_reads_clean(name, raw, shipped_cards):
    plan = build_plan(raw, shipped_cards)
    data = plan.to_json()
    check_plan_contract(data, raw, shipped_cards)
    md = plan_markdown(plan, shipped_cards)
    assert md.startswith("# ")
    positions = [md.index(f"## {i}. {s.title}") for i, s in enumerate(plan.sections, 1)]
    assert positions == sorted(positions)
    text = "\n".join(line for line in md.splitlines() if not line.startswith("*参考手册："))  # card ids are cited there
    assert not INTERNAL.findall(text), INTERNAL.findall(text)
    assert "None" not in md and "nan" not in md.lower().replace("nanjing", "")
    assert all(b["script"] for b in data["run_of_show"]), "every block has cue lines"


def test_sections_only_write_from_frozen_facts():
    assert [w.__name__.rsplit(".", 1)[-1] for w in WRITERS] == list(SECTION_KEYS)
    assert PlanFacts.__dataclass_params__.frozen


def test_goal_section_weights_the_aov_and_labels_the_assumptions(shipped_cards):
    goal = build_plan(CASES["winter-down-jacket-growth"], shipped_cards).section("goal").markdown
    assert "按预计的单量结构加权" in goal and "不是几款价格的平均" in goal and "长款白鸭绒羽绒服" in goal
    assert "经验假设" in goal and "净GMV" in goal and "人从哪来（粗估）" in goal
    rows = re.findall(r"^\| (\d\d:\d\d–\d\d:\d\d)(?:（高峰）)? \| ([\d.,]+)万元", goal, re.M)
    assert len(rows) == 4 and sum(float(v.replace(",", "")) for _, v in rows) == pytest.approx(40, abs=0.05)
    assert "19:00–20:00（高峰）" in goal


def test_traffic_section_gives_break_even_roi_with_returns(shipped_cards):
    traffic = build_plan(CASES["winter-down-jacket-growth"], shipped_cards).section("traffic").markdown
    assert "保本ROI = 1 ÷（" in traffic and "退货率约三成" in traffic and "经验假设" in traffic
    assert "只按毛利算是" in traffic and "开播前 6,000元" in traffic and "直播中 2.4万元" in traffic
    assert "赛马" in traffic and "category-apparel" in build_plan(CASES["winter-down-jacket-growth"], shipped_cards).section("traffic").sources
    no_cost = build_plan(CASES["out-of-reach-target-growth"], shipped_cards).section("traffic").markdown
    assert "没有填成本" in no_cost


@pytest.mark.parametrize("budget", [0, None])
def test_zero_or_absent_budget_gives_organic_advice_and_no_paid_rules(budget, shipped_cards):
    plan = build_plan(with_(DEV_PLANS[0], ad_budget=budget), shipped_cards)
    traffic = plan.section("traffic").markdown
    assert "没有付费投流预算" in traffic and "预热" in traffic and "总预算" not in traffic
    contingency = plan.section("contingency").markdown
    assert "投流ROI" not in contingency and "投流消耗" not in contingency


def test_lineup_section_says_role_why_margin_and_airtime(shipped_cards):
    lineup = build_plan(CASES["winter-down-jacket-growth"], shipped_cards).section("lineup").markdown
    assert "| 羊毛围巾 | 59元 · 成本22元（62.7%） · 库存600 | 利润款（按毛利" in lineup
    assert "| 福利棉袜三双装 | 9.9元 · 成本11元（-11.1%） · 库存2,000 | 引流款（按你给的角色） |" in lineup
    assert "讲解时长" in lineup and "主推和承接款合计约" in lineup
    empty = build_plan(with_(DEV_PLANS[0], products=None), shipped_cards).section("lineup").markdown
    assert "引流款" in empty and "形象款" in empty and "价格带" in empty


def test_compliance_uses_the_seven_day_rule_and_checks_names(shipped_cards):
    raw = with_(DEV_PLANS[0], products=[{"name": "全网最低价羊绒大衣", "price": 399}, {"name": "第一代发热打底衫", "price": 9.9},
                                        {"name": "100%棉围巾", "price": 59}, {"name": "羽绒服", "price": 699}])
    compliance = build_plan(raw, shipped_cards).section("compliance").markdown
    assert "⚠️ 商品“全网最低价羊绒大衣”含有禁用的说法：“全网最低价”" in compliance
    assert "⚠️ 商品“第一代发热打底衫”" not in compliance and "请人工看一眼：商品“第一代发热打底衫”里有“第一”" in compliance
    assert "请人工看一眼：商品“100%棉围巾”里有“100%”" in compliance
    assert "促销开始前7日内的最低成交价" in compliance and "近期真实成交" not in compliance
    assert "商品“羽绒服”" not in compliance
    checklist = [line for line in compliance.splitlines() if line.startswith("- [ ]")]
    assert len(checklist) == len(set(checklist)), "no repeated rule"
    assert "服装要核对的" in compliance


@pytest.mark.parametrize("case,words", [
    ("snacks-plateau-6h", ("SC", "保质期", "七天无理由")), ("beauty-growth-3h-chinese-roles", ("备案", "注册", "美白祛斑")),
    ("jade-late-night-crossing-midnight", ("鉴定证书", "保值")), ("navel-orange-1h-cold-start", ("鲜活易腐", "最甜")),
    ("silver-jewellery-afternoon-no-budget", ("克重", "保值")), ("seafood-plateau-tiny-perk-stock", ("检验检疫", "鲜活易腐")),
])
def test_category_rules_reach_the_compliance_section(case, words, shipped_cards):
    compliance = build_plan(CASES[case], shipped_cards).section("compliance").markdown
    for word in words:
        assert word in compliance, (case, word)


def test_contingency_fills_in_this_shows_numbers(shipped_cards):
    md = build_plan(CASES["seafood-plateau-tiny-perk-stock"], shipped_cards).section("contingency").markdown
    assert "本场保本ROI约" in md and "福利扇贝（50件）" in md and "量很少" in md
    for trigger in ("低于本场保本ROI", "接近翻倍", "口播价、页面价、结算价对不上", "刷屏", "已经抢完", "退款申请"):
        assert trigger in md, trigger
    assert "坏果" in md or "冷链" in md


def test_team_section_rotates_hosts_on_long_and_late_shows(shipped_cards):
    long = build_plan(CASES["home-goods-12h-growth"], shipped_cards).section("team").markdown
    assert "两到三个班" in long and "轮换" in long
    night = build_plan(CASES["jade-late-night-crossing-midnight"], shipped_cards).section("team").markdown
    assert "夜场" in night
    short = build_plan(CASES["kitchenware-1h-tiny-account"], shipped_cards).section("team").markdown
    assert "轮换" not in short and "夜场" not in short


def test_team_follows_the_follower_count(shipped_cards):
    small = build_plan(with_(DEV_PLANS[0], followers=5000), shipped_cards).section("team").markdown
    large = build_plan(with_(DEV_PLANS[0], followers=50_000_000), shipped_cards).section("team").markdown
    assert small != large and large.count("\n|") > small.count("\n|")


def test_review_section_has_net_gmv_refunds_and_roi_per_plan(shipped_cards):
    review = build_plan(CASES["winter-down-jacket-growth"], shipped_cards).section("review").markdown
    assert "| 净GMV（扣退款） | 28万元 |" in review and "退款率" in review and "每条投放计划的ROI" in review


def test_show_crossing_midnight_is_marked_in_markdown(shipped_cards):
    plan = build_plan(with_(DEV_PLANS[0], broadcast_at="2026-12-31T23:00", duration_hours=2), shipped_cards)
    assert plan.run_of_show[-1].end == "01:00" and plan.run_of_show[-1].day == 1
    assert "次日" in plan.section("run_of_show").markdown
    assert [d.date for d in plan.warmup_schedule][-1] == "2026-12-31"


def test_ics_export_is_valid_rfc5545(shipped_cards):
    plan = build_plan(with_(DEV_PLANS[0], streamer="豆芽;测试,账号\\一号"), shipped_cards)
    ics = plan_ics(plan, now=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc))
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in ics.split("\r\n")[:-1])
    unfolded = ics.replace("\r\n ", "").split("\r\n")
    events = [i for i, line in enumerate(unfolded) if line == "BEGIN:VEVENT"]
    assert len(events) == len(plan.warmup_events) + 1 and unfolded.count("END:VEVENT") == len(events)
    assert all(re.fullmatch(r"DT(START|END):\d{8}T\d{6}", line) for line in unfolded if line.startswith(("DTSTART:", "DTEND:")))
    assert any(line.startswith("SUMMARY:【开播】豆芽\\;测试\\,账号\\\\一号") for line in unfolded)
    uids = [line for line in unfolded if line.startswith("UID:")]
    assert len(uids) == len(set(uids))


def test_llm_personalises_persona_but_keeps_everything_computed(shipped_cards, fake_llm):
    offline = build_plan(DEV_PLANS[0], shipped_cards)
    model = fake_llm("- 豆芽主打健身达人的真实穿搭，讲清面料和版型\n- 老铁熟悉的口头禅每场都用")
    plan = build_plan(DEV_PLANS[0], shipped_cards, chat_model=model, llm_timeout=2)
    assert plan.mode == "llm" and "健身达人" in plan.section("persona").markdown
    assert plan.section("persona").markdown.startswith(offline.section("persona").markdown)
    same = lambda p: {k: v for k, v in p.to_json().items() if k not in ("sections", "mode", "notice")}  # noqa: E731
    assert same(plan) == same(offline)


@pytest.mark.parametrize("kwargs", [{"replies": ["- 目标冲到2000万"]}, {"replies": [""]}, {"error": "boom"},
                                    {"replies": ["- 慢"], "delay": 3}])
def test_llm_personalisation_failures_keep_the_handbook_text(kwargs, shipped_cards, fake_llm):
    replies = kwargs.pop("replies", [])
    plan = build_plan(DEV_PLANS[0], shipped_cards, chat_model=fake_llm(*replies, **kwargs), llm_timeout=0.5)
    assert plan.mode == "offline" and plan.notice
    assert plan.to_json()["sections"] == build_plan(DEV_PLANS[0], shipped_cards).to_json()["sections"]
