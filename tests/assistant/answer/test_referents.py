"""What a follow-up's reference word points at in the previous answer: pure logic."""

from __future__ import annotations

import pytest

from assistant.answer.referents import head_noun_term, listed_item
from assistant.answer.retrieve import previous_step, refers_back
from assistant.types import Turn

pytestmark = pytest.mark.pure

LINEUP = "一般分层搭：引流款拉人、福利款留人和拉互动、主推款承接成交、利润款赚钱、形象款拉高价格锚点。比例看品类。"
GMV = "可以拆成流量 × 转化率 × 客单价，分别找短板：流量看场观，转化看停留和讲品，客单价看货盘和组合。"


@pytest.mark.parametrize("answer, number, item", [
    (LINEUP, 2, "福利款留人和拉互动"),
    (LINEUP, 1, "引流款拉人"),      # the lead-in before the colon is not part of the first item
    (LINEUP, 5, "形象款拉高价格锚点"),
    (LINEUP, 6, ""),                 # no sixth item
    (GMV, 3, "客单价"),
    (GMV, 1, "流量"),                # "可以拆成" trimmed by the domain term
    ("先把标签打准，数据跑稳就好", 3, ""),
    ("", 1, ""),
])
def test_listed_item_is_the_nth_item_of_a_prose_list(answer, number, item):
    assert listed_item(answer, number, ("流量", "客单价", "转化率")) == item


LIGHTS = "常见是主光、辅光加轮廓光：主光在主播前侧偏上，辅光补脸上的阴影，轮廓光从后面打把人和背景分开。"
REVIEW = "先过核心数据，再按时间段看录屏找问题，最后每个问题落到具体的人和下一场的动作上。"


@pytest.mark.parametrize("answer, number, item", [
    (LIGHTS, 3, "轮廓光"),           # "辅光加轮廓光": the last item of a 、 list names two
    (LIGHTS, 2, "辅光"),
    (LIGHTS, -1, "轮廓光"),          # "最后那个"
    (REVIEW, -1, "最后每个问题落到具体的人和下一场"),  # a ， list's last item is not split on 和
    ("引流款拉人、福利款留人、主推款承接和利润款赚钱", 4, "利润款赚钱"),
])
def test_the_last_item_may_be_joined_by_a_conjunction_and_counted_from_the_end(answer, number, item):
    assert listed_item(answer, number) == item


def test_the_last_numbered_step_is_the_last_one():
    answer = Turn("assistant", "1. 先过数据\n2. 再看录屏\n3. 问题落到人")
    assert previous_step(answer, -1) == ("问题落到人", None)


def test_head_noun_names_the_previous_answers_term():
    answer = "超过承诺时间可能被判延迟发货，还会拉低店铺体验分里的物流分，进而影响推流。"
    terms = ("店铺体验分", "体验分", "物流分", "推流")
    assert head_noun_term("这个分扣了多久能恢复", answer, terms) == ("这个分", "店铺体验分")
    assert head_noun_term("这个会不会违规", answer, terms) == ("", "")        # a verb, not a head noun
    assert head_noun_term("这个分扣了多久能恢复", "", terms) == ("", "")
    assert head_noun_term("那个款怎么定价", answer, terms) == ("", "")        # no term of the answer ends with 款


def test_inline_numbered_items_are_steps_too():
    answer = Turn("assistant", "几个要点：1. 背景简洁；2. 灯光用主灯加补光灯；3. 手机固定机位。")
    assert previous_step(answer, 2) == ("灯光用主灯加补光灯", None)
    assert previous_step(answer, 4) == ("", None)


@pytest.mark.parametrize("question, back", [
    ("找到问题以后呢？怎么落到下一场里去", True),
    ("这段时间每天要干嘛？", True),
    ("这样搞平台管不管", True),
    ("第二种一场放几个合适", True),
    ("复盘的时候先看哪几个数据比较好", False),
    ("要是只来得及拍一条，选哪种", True),      # the options came in the previous answer
    ("最后这一步谁来盯着落实", True),
    ("最后一个小时怎么把单子逼出来", False),    # the last hour of a show, not the last item
    ("新号起步投流选哪种方式划算些", False),
])
def test_mid_sentence_reference_words_mark_a_follow_up(question, back):
    assert refers_back(question) is back
