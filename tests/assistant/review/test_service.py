"""The entry points (paths, CSV text, uploaded bytes) agree; benchmarks come from cards, not code."""

from __future__ import annotations

import json

import pytest

from assistant.review import BenchmarkError, load_benchmarks, review_bytes, review_text

from .helpers import BENCHMARKS, EXAMPLES, RECORDS, make_card, review

pytestmark = pytest.mark.pure


def test_text_bytes_and_path_give_the_same_review():
    by_path = review("viewer_drop.csv", "healthy_products.csv", "plan.json").to_json()
    text = (EXAMPLES / "viewer_drop.csv").read_text(encoding="utf-8")
    products = (EXAMPLES / "healthy_products.csv").read_text(encoding="utf-8")
    plan = json.loads((EXAMPLES / "plan.json").read_text(encoding="utf-8"))
    by_text = review_text(text, products, plan, benchmarks=BENCHMARKS, goal_sources=("gmv-decomposition",)).to_json()
    by_bytes = review_bytes((EXAMPLES / "viewer_drop.csv").read_bytes(), "viewer_drop.csv",
                            (EXAMPLES / "healthy_products.csv").read_bytes(), plan=(EXAMPLES / "plan.json").read_bytes(),
                            benchmarks=BENCHMARKS, goal_sources=("gmv-decomposition",)).to_json()
    assert by_path == by_text == by_bytes


def test_xlsx_upload_is_told_apart_by_content():
    result = review_bytes((EXAMPLES / "healthy_1min.xlsx").read_bytes(), "upload", benchmarks=BENCHMARKS)
    assert result.show.minutes == 240 and result.findings == ()


def test_benchmarks_are_read_from_whichever_card_has_them():
    ids = {c for r in RECORDS for c in r["cards"]}
    cards = [make_card(i) for i in sorted(ids)] + [make_card("glossary-metrics", {"metric_benchmarks": RECORDS})]
    loaded = load_benchmarks(cards)
    assert loaded.get("avg_stay").concern == 45 and loaded.get("avg_stay").card == "glossary-metrics"
    assert set(loaded.items) == {r["metric"] for r in RECORDS}
    assert not load_benchmarks([make_card("x")])
    with pytest.raises(BenchmarkError, match="不存在的卡片"):
        load_benchmarks([make_card("glossary-metrics", {"metric_benchmarks": RECORDS})])
    broken = [dict(RECORDS[0], concern="高"), dict(RECORDS[1], metric="nope")]
    with pytest.raises(BenchmarkError) as err:
        load_benchmarks([make_card("glossary-metrics", {"metric_benchmarks": broken})] + cards[:-1])
    assert [p for p, _ in err.value.problems] == ["metric_benchmarks[0].concern", "metric_benchmarks[1].metric"]


def test_review_with_cards_reads_their_lines_and_goal_card():
    ids = {c for r in RECORDS for c in r["cards"]}
    changed = [dict(r, concern=150) if r["metric"] == "avg_stay" else r for r in RECORDS]
    cards = [make_card(i) for i in sorted(ids)] + [make_card("glossary-metrics", {"metric_benchmarks": changed}),
                                                    make_card("gmv-decomposition", {"goal_assumptions": {}})]
    text = (EXAMPLES / "viewer_drop.csv").read_text(encoding="utf-8")
    plan = json.loads((EXAMPLES / "plan.json").read_text(encoding="utf-8"))
    plan["sections"] = []
    found = {f.metric: f for f in review_text(text, plan=plan, cards=cards).findings}
    assert set(found) == {"online_drop", "target_gap", "avg_stay"}          # the card's line, not a constant
    assert found["target_gap"].sources == ("gmv-decomposition",)


def test_shipped_handbook_lines_cover_every_metric(shipped_card_ids):
    from playbook.loader import check_cards

    from .helpers import REPO_ROOT

    cards = check_cards(REPO_ROOT / "playbook" / "cards").cards
    shipped = load_benchmarks(cards)
    if not shipped:
        pytest.skip("the shipped cards carry no metric_benchmarks yet (added by the handbook work)")
    assert set(shipped.items) == set(RECORDS_METRICS)
    assert shipped.card_ids <= shipped_card_ids


RECORDS_METRICS = [r["metric"] for r in RECORDS]


def test_shipped_examples_are_what_the_seeded_script_writes(tmp_path):
    from assistant.review.examples.make_examples import main

    written = main(tmp_path)
    assert len(written) == 11
    for path in written:
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes(), f"{path.name}: run python -m assistant.review.examples.make_examples"
    assert (EXAMPLES / "healthy.csv").read_text(encoding="utf-8").startswith("# 合成示例数据")
