"""Grey zone, partial coverage, two-part questions, suggested follow-ups, follow-up pronouns and the
``assistant eval`` command, with the real index; the LLM path (faked) gets the same grade and lines."""

from __future__ import annotations

import json
import re

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.answer import answer_question
from assistant.cli import main
from tests.support.cli import cited

GREY = "直播时候下雨了怎么办"  # no card on rain; scores in the grey zone
PARTIAL = "直播间租房子签合同要注意啥"  # no card on leases; the closest speaks of contracts (快递停运 has one now)
TWO_PART = "福袋多久发一次？另外主播提成怎么算"


def _all_questions(shipped_cards) -> set[str]:
    return {q for c in shipped_cards.values() for q in c.questions}


def test_grey_zone_answers_with_the_closest_card_and_offers_choices(index_settings, searcher, shipped_cards):
    answer = answer_question(GREY, settings=index_settings, searcher=searcher)
    assert answer.scope["grade"] == "grey" and answer.in_scope
    first = answer.answer.splitlines()[0]
    assert first.startswith("手册里没有") and "最接近" in first and "相关度" in first
    assert answer.sources and cited(answer.answer) <= {s.n for s in answer.sources}
    assert "你是不是想问：" in answer.answer
    assert 2 <= len(answer.suggestions) <= 3 and set(answer.suggestions) <= _all_questions(shipped_cards)
    assert all(f"- {q}" in answer.answer for q in answer.suggestions)
    assert "不在操盘手册的范围" not in answer.answer
    assert 0 < answer.scope["best_similarity"] < 1


def test_partial_coverage_says_so_in_one_line_then_gives_the_closest_material(index_settings, searcher):
    answer = answer_question(PARTIAL, settings=index_settings, searcher=searcher)
    assert answer.in_scope and answer.sources
    first, rest = answer.answer.split("\n", 1)  # the line, then the closest material
    assert first.startswith("手册里没有专门讲") and "最接近的是「" in first
    assert answer.sources[0].title in first
    assert cited(rest)


def test_two_part_question_is_answered_from_two_cards(index_settings, searcher, shipped_cards):
    answer = answer_question(TWO_PART, settings=index_settings, searcher=searcher)
    assert answer.scope["grade"] == "in" and len(answer.scope["parts"]) == 2
    topics = [set(s.topics) for s in answer.sources[:2]]  # a third source is the 另见 line
    assert len(answer.sources) in (2, 3) and cited(answer.answer) == set(range(1, len(answer.sources) + 1))
    assert any("interaction" in t for t in topics) and any("team-management" in t for t in topics)
    assert len(answer.answer) <= 900, "still phone-length"


def test_one_source_is_cited_once_per_paragraph_and_the_section_quoted_is_named(index_settings, searcher, shipped_cards):
    answer = answer_question("憋单话术怎么说", settings=index_settings, searcher=searcher)
    for paragraph in answer.answer.split("\n\n"):
        assert len(re.findall(r"\[\d+\]", paragraph)) <= 1, paragraph
    for source in answer.sources:
        card = shipped_cards[source.card_id]
        for name in source.section.split("、"):
            assert name == "概要" or f"## {name}" in card.body, (name, source.card_id)
        headings = re.findall(r"\*\*(.+?)\*\*", answer.answer)
        assert any(h in source.section for h in headings) or source.section == "概要"


def test_suggested_follow_ups_come_from_the_cited_cards(index_settings, searcher, shipped_cards):
    answer = answer_question("直播间人气掉了怎么办？", settings=index_settings, searcher=searcher)
    assert answer.scope["grade"] == "in"
    cited_questions = {q for s in answer.sources for q in shipped_cards[s.card_id].questions}
    assert 2 <= len(answer.suggestions) <= 3 and set(answer.suggestions) <= cited_questions
    assert "直播间人气掉了怎么办？" not in answer.suggestions
    data = answer.to_json()
    assert data["suggestions"] == list(answer.suggestions) and data["scope"]["grade"] == "in"


def test_a_pronoun_follow_up_is_resolved_from_the_last_turn(index_settings, searcher):
    history = [{"role": "user", "content": "憋单是什么"}, {"role": "assistant", "content": "憋单是先把福利品讲透，再放单。"}]
    answer = answer_question("这个会不会违规啊", history, settings=index_settings, searcher=searcher)
    assert answer.in_scope and "憋单会不会违规" in answer.rewritten_question
    assert {"compliance", "violations-appeals"} & {t for s in answer.sources for t in s.topics}


FAN_CLUB = [{"role": "user", "content": "粉丝团有什么用"},
            {"role": "assistant", "content": "加团的是认可你的老粉，复购和互动都高。"}]


def test_a_pronoun_inside_the_question_carries_the_conversation(index_settings, searcher):
    answer = answer_question("怎么让他们升到更高等级", FAN_CLUB, settings=index_settings, searcher=searcher)
    assert answer.in_scope, answer.scope
    assert "粉丝团" in answer.rewritten_question
    assert "traffic-private" in {t for s in answer.sources[:3] for t in s.topics}


@pytest.mark.parametrize("question", ["那今天天气怎么样", "那股票呢，能买吗", "他们家的火锅好吃吗"])
def test_a_follow_up_about_something_else_is_still_declined(question, index_settings, searcher):
    answer = answer_question(question, FAN_CLUB, settings=index_settings, searcher=searcher)
    assert not answer.in_scope and answer.scope["grade"] == "out", answer.scope
    assert answer.rewritten_question == question  # its own words spoke against the handbook: not carried


def test_a_follow_up_read_in_its_conversation_is_answered_at_least_grey(index_settings, searcher):
    history = [{"role": "user", "content": "场观一直上不去"},
               {"role": "assistant", "content": "先分清是进人的问题还是承接的问题。"}]
    answer = answer_question("如果是承接的问题呢", history, settings=index_settings, searcher=searcher)
    assert answer.in_scope and answer.scope["grade"] in {"in", "grey"}, answer.scope
    assert "场观" in answer.rewritten_question and answer.sources


def test_an_elliptical_follow_up_with_a_new_product_is_read_in_the_conversation(index_settings, searcher):
    history = [{"role": "user", "content": "卖翡翠要注意啥"},
               {"role": "assistant", "content": "要有正规鉴定证书，别说保值升值。"}]
    answer = answer_question("那卖蜜蜡呢，一样吗", history, settings=index_settings, searcher=searcher)
    assert answer.in_scope and "category-playbooks" in {t for s in answer.sources[:3] for t in s.topics}


def test_see_also_line_names_the_next_card_of_the_search_by_title(index_settings, searcher, shipped_cards):
    answer = answer_question("第一次做大场，不知道该备多少货", settings=index_settings, searcher=searcher)
    lines = [line for line in answer.answer.splitlines() if line.startswith("另见「")]
    assert len(lines) == 1 and len(answer.answer) <= 700
    n = int(re.search(r"\[(\d+)\]$", lines[0]).group(1))
    source = next(s for s in answer.sources if s.n == n)
    assert f"另见「{source.title}」" in lines[0] and n == len(answer.sources) <= 3
    assert source.excerpt and source.excerpt in shipped_cards[source.card_id].summary


def test_see_also_skips_a_card_near_by_the_questions_shape_only(index_settings, searcher):
    # "直播间人气掉了怎么办" is nearest, by meaning, to the departure card's "主播要离职了，直播间怎么办？";
    # that card never speaks of 人气掉了, so the 另见 line names a card the search found for it instead
    answer = answer_question("直播间人气掉了怎么办？", settings=index_settings, searcher=searcher)
    lines = [line for line in answer.answer.splitlines() if line.startswith("另见「")]
    assert lines and "host-departure" not in {s.card_id for s in answer.sources}


# --- the LLM path (faked): same grade, same honest first line ----------------------------------


def test_llm_path_declines_out_of_scope_without_calling_the_model(llm_settings, searcher, fake_llm):
    model = fake_llm("天气晴 [1]")
    answer = answer_question("明天北京下雨吗", settings=llm_settings, searcher=searcher, chat_model=model)
    assert not answer.in_scope and answer.scope["grade"] == "out" and model.calls == []
    assert "可以这样问" in answer.answer


def test_llm_path_grey_zone_gets_the_same_first_line_and_choices(llm_settings, searcher):
    offline = answer_question(GREY, settings=llm_settings, searcher=searcher)
    model = FakeListChatModel(responses=["退货运费一般由责任方承担，运费险可以替买家出这笔钱 [1]。"])
    answer = answer_question(GREY, settings=llm_settings, searcher=searcher, chat_model=model)
    assert answer.mode == "llm" and answer.scope["grade"] == "grey"
    assert answer.answer.splitlines()[0] == offline.answer.splitlines()[0]
    assert answer.suggestions, "the 你是不是想问 choices are offered with an LLM too"


def test_llm_path_partial_coverage_line_comes_first_and_the_prompt_says_why(llm_settings, searcher, fake_llm):
    model = fake_llm("停运期间可以先做预售，说清发货时间 [1]。")
    answer = answer_question(PARTIAL, settings=llm_settings, searcher=searcher, chat_model=model)
    assert answer.mode == "llm" and answer.answer.startswith("手册里没有专门讲")
    prompt = model.calls[-1][-1].content
    assert "不要把它说成这个问题的确切答案" in prompt


def test_llm_path_two_part_prompt_names_both_asks(llm_settings, searcher, fake_llm):
    model = fake_llm("福袋15到20分钟一次 [1]；提成按净成交算 [2]。")
    answer = answer_question(TWO_PART, settings=llm_settings, searcher=searcher, chat_model=model)
    prompt = model.calls[-1][-1].content
    assert "这个问题有两问" in prompt and answer.mode == "llm" and cited(answer.answer) == {1, 2}


# --- python -m assistant eval -------------------------------------------------------------------


@pytest.fixture
def eval_env(index_settings) -> dict:
    return {"PLAYBOOK_DATA_DIR": str(index_settings.data_dir), "PLAYBOOK_CARDS_DIR": str(index_settings.cards_dir)}


def test_eval_command_prints_the_contract_shape(tmp_path, eval_env, invoke_cli):
    path = tmp_path / "answers.yaml"
    path.write_text(
        "questions:\n"
        "  - {q: 福袋多久发一次合适, topics: [interaction], two_part: false}\n"
        "  - q: 那奖品选什么\n    topics: [interaction]\n"
        "    history: [{role: user, content: 福袋多久发一次合适}, {role: assistant, content: 15到20分钟一次}]\n"
        "out_of_scope:\n  - 帮我写一首关于大海的诗\n  - {q: 明天上海天气怎么样}\n", encoding="utf-8")
    proc = invoke_cli(main, "eval", str(path), "--json", env=eval_env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"n", "answered", "declined", "latency_ms_p50", "results"}
    assert data["n"] == 4 and data["answered"] == 2 and data["declined"] == 2
    first, follow, poem, weather = data["results"]
    assert set(first) >= {"answer", "mode", "in_scope", "sources", "q", "expected_topics"}
    assert first["expected_topics"] == ["interaction"] and first["two_part"] is False
    assert follow["history"][0]["content"] == "福袋多久发一次合适" and follow["in_scope"]
    assert "expected_topics" not in poem and not poem["in_scope"] and weather["q"] == "明天上海天气怎么样"


def test_eval_command_bad_file_exits_2(tmp_path, eval_env, invoke_cli):
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - {q: 没有话题}\n", encoding="utf-8")
    proc = invoke_cli(main, "eval", str(bad), "--json", env=eval_env)
    assert proc.returncode == 2 and "topics" in proc.stderr and "Traceback" not in proc.stderr
