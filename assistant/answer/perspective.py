"""Who is asking: a shopper, viewer, fan or job-seeker, or the seller in their own voice?

The handbook is for the people selling. "我在直播间买的裙子不发货" uses the handbook's words but is a
shopper's question; "让大家愿意在公屏打字" is the seller's even without one handbook term. Both are
evidence for the scope model (:mod:`scope`, features ``shopper`` and ``seller``, fitted on the calibration
set), not decisions: a cue only moves the score.
"""

from __future__ import annotations

import re

# A shopper's or viewer's own perspective: "(I) bought ... and it has not come / I want it refunded", or
# the role named. A seller speaking of buyers ("买家说没收到货", "顾客买的东西要退款") does not match.
_BOUGHT = re.compile(
    r"(?:^|我|在|从|网上|刚)[^，,。？?！!]{0,10}(?:买|下单|下了单|拍|抢)(?:了|的|过|到)[^？?！!]{0,14}"
    r"(?:发货|物流|快递|退款|退钱|退货|换货|换码|售后|赠品|发票|到货|收到|不合身|码数|坏了|不一样|货不对板"
    r"|过期|变质|发霉)"
)
# one's own parcel, refund or payment, not a shop's: "我寄给我姐的快递", "驿站把我的快递弄丢了", "我要怎么申请退货",
# "想给我妈寄年货"
_OWN_PARCEL = re.compile(
    r"我(?:的|寄的|寄给[^，,。？?！!]{1,6}的)(?:快递|包裹)|(?:驿站|快递员)[^，,。？?！!]{0,6}我的"
    r"|我(?:要|想|该)(?:怎么|咋)?(?:申请)?(?:退货|退款)|(?:忍不住|控制不住)(?:买|下单|剁手)"
    r"|(?:给我|寄给我)(?:妈|爸|姐|哥|弟|妹|爷|奶|家里|朋友|对象)"
)
_BUYERS = r"买家|顾客|客户|粉丝|用户|消费者|客人|家人们|宝宝们|有人"
_SELLER_SIDE = re.compile(_BUYERS + r"|场控|中控|客服|公屏|评论区")
_SHOP_WORDS = re.compile(r"发货|发出|差评|被骂|店铺|小店|商品|直播间的单")  # "我的快递发货慢被骂了" is a shop's
_ROLE = re.compile(r"(?:作为|我是|我只是)(?:一[个名]|个)?(?:买家|消费者|观众|顾客)")
# a shopper going to the counter: "我怎么找客服退款", "怎么投诉这个商家" (unless buyers are the subject:
# "顾客找客服退款怎么处理" is a shop's question)
_TO_THE_COUNTER = re.compile(
    r"(?:找|联系|问)(?:客服|商家|卖家|店家)[^，,。？?！!]{0,4}(?:退款|退货|退钱|换货|赔)"
    r"|(?:怎么|咋|去|要|想)投诉(?:这个|这家|那个|那家|该)?(?:商家|卖家|店家|店铺)"
)
# A viewer's or fan's side of a live room: watching ("看直播想买东西", not "看直播的人少"), a streamer one
# likes or was muted by, prizes won, one's own refund, order, review or account, when to buy cheapest.
_VIEWER = re.compile(
    r"看直播(?!的人|数据|回放|后台|大屏)|我?(?:喜欢|追)的主播|关注的主播|被主播(?:禁言|拉黑|踢)|给主播(?:刷|送|打赏)"
    r"|主播说的[^，,。？?！!]{0,8}(?:真的|是真|靠谱|可信|能信)|中奖了?(?:怎么|咋|在哪)?领"
    r"|(?:抢到|抽中|抢中)的?(?:福袋|奖品|红包)[^，,。？?！!]{0,8}"
    r"(?:多久|什么时候|咋|怎么|没|找谁|到)|(?:怎么|咋|在哪)(?:领|抢)(?:福袋|红包|优惠券)|(?:优惠券|红包)在哪领"
    r"|一(?:个|次)都没中|我的(?:退款(?!率)|快手号|钱包|快币)|我给[^，,。？?！!]{0,8}的(?:差评|评价|好评)"
    r"|(?:什么时候|怎么|咋|哪天)买(?:最|更)?(?:便宜|划算)|怎么凑单|加(?:入)?粉丝团要(?:花钱|钱|多少)"
    r"|我在[^，,。？?！!]{0,6}粉丝团里|未成年(?:人)?打赏|打赏(?:的钱)?(?:怎么|能)?(?:退|要回)"
    r"|(?:天天|一直|老是|总是?)刷直播|刷直播刷|被忽悠着?买"
)
# Not a seller either: applying for or looking for a job ("想去直播公司应聘主播", "找个兼职做场控的活",
# "去直播基地当主播会不会被坑"), gossip about famous streamers' takings or names ("带货一哥一场进账上亿",
# "那个女主播叫啥"), a viewer in someone else's room ("我在别人直播间连麦被录屏") or asking for a song's
# name ("直播间里放的那首背景音乐叫啥");
# and, unless buyers are the subject, one's own skin after using a product ("那个面霜我用了脸过敏") or being told
# to pay privately ("主播让我私下转账"; "顾客让我私下转账" is a seller's question).
_NOT_SELLING = re.compile(
    r"应聘|求职|投简历|去面试|面试官"
    r"|(?:一哥|一姐|头部主播|大主播|顶流|网红|明星)[^，,。？?！!]{0,10}(?:进账|收入|赚了|挣了|赚多少|挣多少|身价|年薪|真名|叫啥|叫什么)"
    r"|主播(?:真名|本名)|(?:那个|这个)[男女]?主播叫(?:啥|什么)|主播[^？?]{0,20}[她他]叫(?:啥|什么)"
    r"|我在别人(?:的)?直播间|(?:那首|这首)[^，,。？?]{0,8}(?:歌|音乐|曲子)?叫(?:啥|什么)"
    r"|找[^，,。？?！!]{0,10}的活(?!动|跃)|去(?:直播基地|直播公司|传媒公司|公会|机构|基地)[^，,。？?！!]{0,4}(?:当|做)主播"
    r"|当主播[^，,。？?！!]{0,6}被坑"
)
_OWN_REACTION = re.compile(
    r"我(?:用了|吃了|抹了|涂了|擦了|戴了|穿了)[^，,。？?！!]{0,6}(?:过敏|长痘|烂脸|拉肚子|不舒服|发红|起疹|红肿|刺痛|发痒)"
    r"|让我[^，,。？?！!]{0,6}(?:私下|转账|打钱)"
)

# The seller's own voice: their room, shop, account or hires ("我的直播间", "咱家的货", "新招的主播"), their
# audience as a third party acted on or described ("让大家愿意在公屏打字", "公屏有人一直问东问西", "进来的人
# 都不说话", "刷到我直播的人太少"), their own operations and moments on air ("我们开播", "我一发红包",
# "正卖着货手机断了", "一上镜就紧张"), choosing streamers to work with ("跟什么样的主播连麦"), what they give
# buyers ("发票怎么开给买家"), family helping on air ("媳妇播我在旁边喊"), a place they broadcast from ("在客厅播").
_SELLER_VOICE = re.compile(
    r"我(?:的|们的?|家的?)?(?:直播间|小店|店铺|店|账号|号|团队|主播|场子|货盘|货|粉丝|老粉|场观|在线)"
    r"|咱(?:们)?(?:家|的)?(?:直播间|店|号|货)|自家"
    r"|(?:让|叫|带|逼|留住|引导)(?:大家|家人们|老铁|观众|粉丝|顾客|买家|新人|新粉|进来的人|看的人)"
    r"|(?:大家|家人们|老铁们|观众|顾客|买家|有人|进来的人|新进来的人?|看的人)(?:都|老是|一直|总是|就)?"
    r"(?:不|没|走|划走|问|说|嫌|要|在|刷|骂|催|听烦|听腻|看腻)"
    r"|(?:我|我们)(?:刚|想|准备|打算|每天|天天|一直|一|正)?(?:开播|下播|带货|上架|挂车|投流|起号|直播|播|卖|发红包|发福袋|放单)(?!放)"
    r"|(?:新招|招来|新来|请来|签约|签下)的主播|刷到我|刷进来的|进来的都"
    r"|(?:找|跟|和)(?:什么样|哪种|哪类|啥样|哪些)的?主播(?:连|合作|互推|PK|pk)"
    r"|(?:开|发|退|寄|补|赔)给(?:买家|顾客|客户|消费者)|给(?:买家|顾客|客户|消费者)(?:开|发|退|寄|补|赔|回)"
    r"|(?:一|第一次|头一回)上镜|镜头感|对着镜头|面对镜头|打开摄像头|卖着货|播着播着|讲着讲着|(?<!看)(?:直播|开播)的时候"
    r"|(?:媳妇|老婆|老公|亲戚|家里人|爸妈|我妈|我爸|两口子|合伙人)(?:来|帮我|帮忙|在)?(?:播|直播|当主播|帮忙)(?!间)"
    r"|夫妻档|夫妻店"
    r"|在(?:家|客厅|卧室|仓库|档口|地头|果园|工厂|车间|店里|门店)里?(?:开播|直播|播)"
)


def perspective(question: str) -> tuple[bool, bool]:
    """(asked as a shopper, asked in the seller's voice): a shopper's question is never the seller's."""
    shopper = asked_as_shopper(question)
    return shopper, not shopper and bool(_SELLER_VOICE.search(question))


def asked_as_seller(question: str) -> bool:
    """Whether a question speaks in the seller's voice (their room, audience or operations)."""
    return perspective(question)[1]


def asked_as_shopper(question: str) -> bool:
    """Whether a question is asked from the shopper's or viewer's side of the counter (or by someone else
    who is not selling: a job applicant, a fan curious about famous streamers)."""
    if _ROLE.search(question) or _NOT_SELLING.search(question) or _VIEWER.search(question):
        return True
    if _TO_THE_COUNTER.search(question) and not re.search(_BUYERS, question):
        return True
    if _SELLER_SIDE.search(question):
        return False
    own_parcel = _OWN_PARCEL.search(question) and not _SHOP_WORDS.search(question)
    return bool(_OWN_REACTION.search(question) or _BOUGHT.search(question) or own_parcel)
