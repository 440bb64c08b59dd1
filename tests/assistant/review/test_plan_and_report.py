"""Plan comparison per run-of-show block; the contract's JSON shape; the Markdown report."""

from __future__ import annotations

import json

import pytest

from assistant.review import load_plan
from assistant.review.plan_compare import target_weights
from assistant.review.plan_file import blocks_at

from .helpers import BENCHMARKS, EXAMPLES, review

pytestmark = pytest.mark.pure

CONTRACT_TOTALS = {"gmv", "orders", "entries", "peak_online", "avg_online", "conversion_rate", "aov", "uv_value", "gpm"}


@pytest.fixture(scope="module")
def plan():
    return load_plan((EXAMPLES / "plan.json").read_bytes())


def test_plan_blocks_and_targets(plan):
    assert [b.segment for b in plan.blocks][:2] == ["开场福利", "主推款"]
    assert plan.target_gmv == 180000 and plan.goal_sources == ("gmv-decomposition",)
    assert plan.role_of("羊绒大衣") == "image" and plan.blocks[0].script
    weights = target_weights(plan)
    assert weights[0] == pytest.approx(15 * 9.9)                   # minutes × mean price of the block's products
    assert weights[3] == pytest.approx(45 * (129 + 59) / 2)


def test_segments_name_the_block_that_lost_the_room():
    result = review("viewer_drop.csv", "healthy_products.csv", "plan.json")
    segments = result.to_json()["segments"]
    assert [s["segment"] for s in segments] == ["开场福利", "主推款", "利润款", "循环过款", "利润款返场", "收尾"]
    for s in segments:
        assert {"start", "end", "segment", "online_change", "gmv", "orders"} <= set(s)
    assert sum(s["gmv"] for s in segments) == pytest.approx(result.totals["gmv"], rel=1e-6)
    assert sum(s["target_gmv"] for s in segments) == pytest.approx(180000)
    assert result.comparison.lost_room.segment == "循环过款"
    gap = next(f for f in result.findings if f.metric == "target_gap")
    assert gap.when == "20:45-21:30" and "循环过款" in gap.advice and gap.sources == ("gmv-decomposition",)
    assert gap.value == pytest.approx(result.totals["gmv"] / 180000, abs=1e-3)


def test_healthy_show_meets_its_plan():
    result = review("healthy.csv", "healthy_products.csv", "plan.json")
    assert result.comparison.lost_room is None and result.comparison.target_gap is None


def test_plan_over_midnight_and_current_next_block(plan):
    midnight = load_plan({"run_of_show": [
        {"start": "23:00", "end": "23:45", "segment": "主推", "products": ["卫衣"], "script": ["讲卖点"]},
        {"start": "23:45", "end": "00:30", "segment": "收尾", "products": []}]})
    assert [b.minutes for b in midnight.blocks] == [45, 45] and midnight.blocks[1].offset == 23 * 60 + 45
    from datetime import datetime

    now, nxt = blocks_at(midnight, datetime(2026, 12, 10, 0, 10), show_start=datetime(2026, 12, 9, 23, 0))
    assert now.segment == "收尾" and nxt is None
    now, nxt = blocks_at(midnight, datetime(2026, 12, 9, 23, 5))
    assert now.segment == "主推" and now.script == ("讲卖点",) and nxt.segment == "收尾"
    assert blocks_at(midnight, datetime(2026, 12, 9, 22, 50))[0] is None


def test_review_json_has_the_contract_shape():
    result = review("viewer_drop.csv", "healthy_products.csv", "plan.json")
    data = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert {"show", "totals", "findings", "segments"} <= set(data)
    assert data["show"] == {"start": "19:00", "end": "23:00", "minutes": 240, "intervals": 48}
    assert CONTRACT_TOTALS <= set(data["totals"])
    for key in ("conversion_rate", "entry_rate", "follow_rate", "interaction_rate", "refund_rate"):
        assert 0 <= data["totals"][key] <= 1
    for f in data["findings"]:
        assert set(f) >= {"metric", "severity", "value", "benchmark", "when", "advice", "sources"}
        assert f["severity"] in ("high", "medium", "low") and isinstance(f["value"], (int, float))
    assert "segments" not in review("healthy.csv").to_json()


def test_markdown_report_for_the_team_chat():
    md = review("viewer_drop.csv", "healthy_products.csv", "plan.json").to_markdown()
    assert md.startswith("# 直播复盘：示例女装店")
    assert f"【高】{BENCHMARKS.get('online_drop').name} · 20:45-20:50" in md
    assert "怎么做：" in md and "手册：viewer-drop-response" in md
    assert "| 20:45-21:30 | 循环过款 |" in md and "掉人最多的时段：「循环过款」" in md
    assert len(md) < 4000
    clean = review("healthy.csv").to_markdown()
    assert "没有发现明显问题" in clean and "## 分段对比" not in clean


def test_kpi_tiles_carry_lines_history_and_status():
    result = review("low_stay_gb18030.csv", history=[{"avg_stay_seconds": 70.0, "gmv": 150000.0}] * 3)
    tiles = {t["key"]: t for t in result.kpi_tiles()}
    assert tiles["avg_stay_seconds"]["status"] == "weak" and tiles["avg_stay_seconds"]["baseline"] == 70.0
    assert tiles["conversion_rate"]["status"] == "ok" and "经验线" in tiles["conversion_rate"]["benchmark"]
    assert tiles["gmv"]["status"] == "none" and tiles["gmv"]["baseline"] == 150000.0
    assert len(result.series_json()) == 48 and "conversion_rate" in result.series_json()[5]


def test_blocks_for_shading_and_two_shows_side_by_side():
    from assistant.review.report import pk_rows

    with_plan = review("healthy.csv", plan="plan.json")
    blocks = with_plan.blocks_json()
    assert blocks[0] == {"start": "2026-12-09T19:00", "end": "2026-12-09T19:15", "segment": "开场福利", "products": ["福利打底袜"]}
    assert review("healthy.csv").blocks_json() == []
    rows = {r["key"]: r for r in pk_rows(review("healthy.csv"), review("low_stay_gb18030.csv"))}
    assert rows["avg_stay_seconds"]["better"] == "a" and rows["avg_stay_seconds"]["b_text"] == "28 秒"
    assert "refund_rate" not in rows


def test_a_plan_for_another_time_is_said_not_silently_compared():
    import json

    plan = json.loads((EXAMPLES / "plan.json").read_text(encoding="utf-8"))
    for block in plan["run_of_show"]:
        h, m = block["start"].split(":")
        block["start"] = f"{(int(h) - 12) % 24:02d}:{m}"
        h, m = block["end"].split(":")
        block["end"] = f"{(int(h) - 12) % 24:02d}:{m}"
    from assistant.review import review_text

    result = review_text((EXAMPLES / "healthy.csv").read_text(encoding="utf-8"), plan=plan, benchmarks=BENCHMARKS)
    assert any("对不上" in w for w in result.warnings) and result.comparison.target_gap is None
