"""Broken and odd card files, each broken one with the line its problem must be reported on.

Used by the validator tests (tests/playbook), the re-index hardening tests and the reliability report.
"""

from __future__ import annotations

from dataclasses import dataclass

GOOD_BODY = (
    "## 适用场景\n\n一个用于测试的场景说明，足够长的正文。\n\n## 怎么做\n\n1. 第一步。\n2. 第二步。\n"
)


def card_text(front: str, body: str = GOOD_BODY) -> str:
    return f"---\n{front}---\n{body}"


VALID_FRONT = "id: {id}\ntitle: 测试卡片\ntopics: [review]\nstage: post\n"


@dataclass(frozen=True)
class BadCard:
    kind: str
    content: bytes
    line: int           # where the problem must be reported
    message_part: str   # a fragment the message must contain


def _b(text: str) -> bytes:
    return text.encode("utf-8")


BAD_CARDS: tuple[BadCard, ...] = (
    BadCard("no front-matter", _b("# 只有正文\n\n没有字段。\n"), 1, "没有字段区"),
    BadCard("unclosed front-matter", _b("---\nid: x-card\ntitle: 标题\n\n正文\n"), 1, "没有结束"),
    BadCard("invalid yaml", _b(card_text("id: bad-yaml\ntitle: [未闭合\ntopics: [review]\nstage: post\n")), 4, "不是有效的 YAML"),
    BadCard("missing id", _b(card_text("title: 无id\ntopics: [review]\nstage: post\n")), 2, "缺少必填字段 `id`"),
    BadCard("malformed id", _b(card_text("id: Bad_ID\ntitle: 标题\ntopics: [review]\nstage: post\n")), 2, "格式不对"),
    BadCard("unknown topic", _b(card_text("id: unknown-topic\ntitle: 标题\ntopics: [review, no-such-topic]\nstage: post\n")), 4, "未知话题 `no-such-topic`"),
    BadCard("wrong stage", _b(card_text("id: wrong-stage\ntitle: 标题\ntopics: [review]\nstage: during\n")), 5, "stage 'during'"),
    BadCard("empty body", _b(card_text(VALID_FRONT.format(id="empty-body"), body="\n  \n")), 7, "正文是空的"),
    BadCard("not utf-8", "---\nid: gbk-card\ntitle: 标题\ntopics: [review]\nstage: post\n---\n正文\n".encode("gbk"), 3, "不是 UTF-8"),
    BadCard("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "二进制数据"),
    BadCard("wrong field types", _b(card_text("id: wrong-types\ntitle: 标题\ntopics: review-topic-string-123\nstage: post\nkeywords: 7\n")), 4, "未知话题"),
    BadCard("wrong list type", _b(card_text("id: wrong-list\ntitle: 标题\ntopics: [review]\nstage: post\nlinks: 5\n")), 6, "`links`（相关卡片）必须是文字的列表"),
    BadCard("broken link", _b(card_text("id: broken-link\ntitle: 标题\ntopics: [review]\nstage: post\nlinks: [no-such-card]\n")), 6, "链接指向不存在的卡片 `no-such-card`"),
    BadCard(
        "broken plan block",
        _b(card_text(
            "id: broken-plan\ntitle: 标题\ntopics: [review]\nstage: post\nplan:\n  show_blocks:\n"
            "    - max_hours: 2\n      blocks:\n        - {segment: 开场, share: 0.5, role: open}\n"
            "        - {segment: 收尾, share: 0.2, role: finale}\n"
        )),
        11,
        "plan.show_blocks.0.blocks.1.role",
    ),
    BadCard(
        "unknown plan kind",
        _b(card_text("id: unknown-plan\ntitle: 标题\ntopics: [review]\nstage: post\nplan:\n  magic_numbers: [1, 2]\n")),
        7,
        "unknown plan material `magic_numbers`",
    ),
    BadCard("front-matter not a mapping", _b(card_text("- just\n- a list\n")), 2, "映射"),
)

DUPLICATE_ID = _b(card_text(VALID_FRONT.format(id="dup-card")))


# More kinds, the ones the re-index hardening added (same shape: content, line, message fragment).
EXTRA_BAD_CARDS: tuple[BadCard, ...] = (
    BadCard("empty file", b"", 1, "没有字段区"),
    BadCard("missing title", card_text("id: no-title\ntopics: [review]\nstage: post\n").encode(), 2, "缺少必填字段 `title`"),
    BadCard("missing stage", card_text("id: no-stage\ntitle: 标题\ntopics: [review]\n").encode(), 2, "缺少必填字段 `stage`"),
    BadCard("empty topics", card_text("id: empty-topics\ntitle: 标题\ntopics: []\nstage: post\n").encode(), 2, "缺少必填字段 `topics`"),
    BadCard("title is a list", card_text("id: title-list\ntitle: [一, 二]\ntopics: [review]\nstage: post\n").encode(), 3, "`title`（标题）必须是一段文字"),
    BadCard("id is a number", card_text("id: 12345\ntitle: 标题\ntopics: [review]\nstage: post\n").encode(), 2, "格式不对"),
    BadCard("stage is a number", card_text("id: stage-num\ntitle: 标题\ntopics: [review]\nstage: 3\n").encode(), 5, "不是 pre、live、post、anytime 之一"),
    BadCard("summary is a list", card_text("id: summary-list\ntitle: 标题\ntopics: [review]\nstage: post\nsummary: [a]\n").encode(), 6, "`summary`（一句话结论）必须是一段文字"),
    BadCard("tab-indented yaml", card_text("id: tab-yaml\n\ttitle: 标题\ntopics: [review]\nstage: post\n").encode(), 3, "不是有效的 YAML"),
    BadCard("python yaml tag", card_text("id: py-tag\ntitle: !!python/object/apply:os.system [echo hi]\ntopics: [review]\nstage: post\n").encode(), 3, "不是有效的 YAML"),
    BadCard("link is not an id", card_text("id: link-not-id\ntitle: 标题\ntopics: [review]\nstage: post\nlinks: [\"Bad Link!\"]\n").encode(), 6, "不是卡片 id"),
    BadCard("plan is not a mapping", card_text("id: plan-scalar\ntitle: 标题\ntopics: [review]\nstage: post\nplan: 5\n").encode(), 6, "must be a mapping"),
    BadCard("utf-16 (Notepad 'Unicode')", card_text(VALID_FRONT.format(id="utf16-card")).encode("utf-16"), 1, "二进制数据"),
    BadCard("latin-1 byte", card_text(VALID_FRONT.format(id="latin-card"), body="## 说明\n\nCAFE\n").encode().replace(b"CAFE", b"caf\xe9"), 9, "不是 UTF-8"),
    BadCard("over 1 MB", card_text(VALID_FRONT.format(id="huge-card"), body="## 大\n\n" + "很长的正文。" * 60000).encode(), 1, "一张卡片必须小于"),
)
DUPLICATE_KIND = "duplicate id (copy of a shipped card)"
KINDS = tuple(BAD_CARDS) + EXTRA_BAD_CARDS
# A broken card the validator lets through today: duplicate YAML keys (the last one wins).
DUPLICATE_KEY = BadCard("duplicate front-matter key", card_text("id: dup-key\ntitle: 标题一\ntitle: 标题二\ntopics: [review]\nstage: post\n").encode(), 4, "title")


# --- odd but valid ------------------------------------------------------------------------------

TRADITIONAL_BODY = "## 適用場景\n\n直播間人氣下降時，場控要怎麼做？先穩住留存，再補福袋。\n\n## 怎麼做\n\n1. 先看流量來源。\n2. 再調整話術。\n"
ODD_VALID = {
    "bom": "\ufeff".encode() + card_text(VALID_FRONT.format(id="odd-bom")).encode(),
    "crlf": card_text(VALID_FRONT.format(id="odd-crlf")).replace("\n", "\r\n").encode(),
    "cr-only (old Mac)": card_text(VALID_FRONT.format(id="odd-cr")).replace("\n", "\r").encode(),
    "traditional characters": card_text(VALID_FRONT.format(id="odd-traditional").replace("测试卡片", "繁體卡片"), body=TRADITIONAL_BODY).encode(),
    "bom + crlf + traditional": "\ufeff".encode() + card_text(VALID_FRONT.format(id="odd-all"), body=TRADITIONAL_BODY).replace("\n", "\r\n").encode(),
    "front-matter closed by ...": card_text(VALID_FRONT.format(id="odd-dots")).replace("\n---\n", "\n...\n", 1).encode(),
    "full-width spaces and emoji": card_text(VALID_FRONT.format(id="odd-emoji"), body="## 说明\n\n\u3000\u3000开场先发福袋🎁，留人👍。\n").encode(),
}
