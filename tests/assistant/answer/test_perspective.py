"""Who asks: the viewer's, fan's or shopper's side against the seller's own voice (pure: no index)."""

from __future__ import annotations

import pytest

from assistant.answer.perspective import asked_as_seller, asked_as_shopper, perspective

pytestmark = pytest.mark.pure


@pytest.mark.parametrize("question", [
    "看直播的时候想买 小黄车怎么点开", "被主播禁言了还能解开吗", "我追的主播好久没开播了",
    "主播说的全网最低价是真的吗", "抢到的福袋一直没寄过来找谁", "中奖了怎么领", "我的退款怎么还没到",
    "我给那家店的差评能改吗", "双十一什么时候买最便宜", "加粉丝团要花钱吗", "孩子未成年打赏能退吗",
    "我爸天天刷直播到半夜", "我妈在直播间被忽悠买了一堆东西",
])
def test_a_viewers_or_fans_side_is_not_the_sellers(question):
    assert asked_as_shopper(question)
    assert not asked_as_seller(question)


@pytest.mark.parametrize("question", [
    "看直播的人越来越少", "我的退款率太高了", "怎么让粉丝加入粉丝团", "凑单满减怎么设置",
    "直播间的福袋怎么设置", "这个声卡值不值得买", "主播说的话术被判违规了",
])
def test_a_sellers_question_in_the_same_words_is_not_a_viewers(question):
    assert not asked_as_shopper(question)


@pytest.mark.parametrize("question", [
    "刷到我直播的人太少了", "我一发红包人就走", "新招的主播不敢看镜头", "没有镜头感怎么练",
    "正卖着货手机断网了", "媳妇播我在旁边喊 她嫌我抢话", "亲戚来帮忙播 钱咋给", "下班回家在客厅播 进来的都是大爷",
    "夫妻档想扩到五个人", "一直讲一个东西大家听烦了", "跟什么样的主播连麦PK好",
    "发票怎么开给买家", "给顾客补发要不要再收运费",
])
def test_the_sellers_own_moments_on_air_are_the_sellers_voice(question):
    assert perspective(question) == (False, True)


@pytest.mark.parametrize("question", ["我播放视频没声音", "喜欢的主播什么时候开播", "今天天气怎么样", "怎么跟主播连麦"])
def test_other_questions_are_not_the_sellers_voice(question):
    assert not asked_as_seller(question)
