"""The four small fixture cards of the index tests (one per force), written into a folder a test owns."""

from __future__ import annotations

import textwrap
from pathlib import Path

FIXTURE_CARDS = {
    "traffic/warm-a.md": """\
        ---
        id: warm-a
        title: 预热短视频排期
        topics: [warmup-video]
        stage: pre
        summary: 开播前三天开始发预热视频，最后一天密集提醒预约。
        keywords: [预热视频, 直播预告, 预约]
        questions:
          - 开播前几天发预热视频？
        ---
        ## 适用场景

        下周有一场重点直播，想让更多粉丝提前预约。

        ## 怎么做

        1. 开播前三天发第一条口播预告，挂上直播预告。
        2. 开播前一天发两条：福利剧透和产品实测。
        3. 开播当天发倒计时视频，在粉丝群提醒预约。

        ## 看哪些数

        - 预约人数和每条视频的完播率。
        """,
    "supply/lineup-b.md": """\
        ---
        id: lineup-b
        title: 货盘结构：引流款和利润款
        topics: [product-lineup, pricing]
        stage: anytime
        summary: 货盘分引流款、福利款、利润款和形象款，各司其职。
        keywords: [货盘, 引流款, 利润款, 福利款]
        questions:
          - 引流款和利润款的比例怎么定？
        ---
        ## 适用场景

        排品时不知道每类商品放多少。

        ## 怎么做

        1. **引流款**负责拉人气，价格低、限量。
        2. **利润款**负责赚钱，讲透价值再上链接。
        3. 形象款拉高整场的价格锚点。
        """,
    "live-ops/fudai-c.md": """\
        ---
        id: fudai-c
        title: 福袋什么时候发
        topics: [interaction]
        stage: live
        summary: 福袋每隔一段时间发一次，开奖压在主推款讲完之后。
        keywords: [福袋, 抽奖, 互动]
        questions:
          - 福袋抽奖什么时候发效果最好？
        ---
        ## 怎么做

        1. 开场发一个福袋留人。
        2. 掉人的时候补发福袋，口播引导评论。
        3. 开奖时间放在主推款讲完之后。

        ## 常见误区

        - 福袋一直挂着没人讲，等于白送。
        """,
    "fulfillment/refund-d.md": """\
        ---
        id: refund-d
        title: 发货慢被要求退款怎么办
        topics: [after-sales, logistics]
        stage: post
        summary: 先道歉说明原因，给出明确发货时间，愿意退款的马上退。
        keywords: [退款, 发货慢, 售后]
        questions:
          - 顾客说发货太慢要退款怎么处理？
        ---
        ## 怎么做

        1. 先道歉，说明延迟原因和新的发货时间。
        2. 顾客坚持退款就马上同意，不要拖。
        3. 把延迟情况同步给客服统一话术。
        """,
}


def write_fixture_cards(target: Path, cards: dict[str, str] | None = None) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for rel, text in (cards or FIXTURE_CARDS).items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return target
