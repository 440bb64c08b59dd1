"""A corpus of broken cards, each with the line its problem must be reported on.

Shared by the playbook validator tests and the re-index hardening tests.
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
    BadCard("no front-matter", _b("# 只有正文\n\n没有字段。\n"), 1, "no front-matter"),
    BadCard("unclosed front-matter", _b("---\nid: x-card\ntitle: 标题\n\n正文\n"), 1, "never closed"),
    BadCard("invalid yaml", _b(card_text("id: bad-yaml\ntitle: [未闭合\ntopics: [review]\nstage: post\n")), 4, "not valid YAML"),
    BadCard("missing id", _b(card_text("title: 无id\ntopics: [review]\nstage: post\n")), 2, "missing required field `id`"),
    BadCard("malformed id", _b(card_text("id: Bad_ID\ntitle: 标题\ntopics: [review]\nstage: post\n")), 2, "malformed"),
    BadCard("unknown topic", _b(card_text("id: unknown-topic\ntitle: 标题\ntopics: [review, no-such-topic]\nstage: post\n")), 4, "unknown topic `no-such-topic`"),
    BadCard("wrong stage", _b(card_text("id: wrong-stage\ntitle: 标题\ntopics: [review]\nstage: during\n")), 5, "stage 'during'"),
    BadCard("empty body", _b(card_text(VALID_FRONT.format(id="empty-body"), body="\n  \n")), 7, "empty body"),
    BadCard("not utf-8", "---\nid: gbk-card\ntitle: 标题\ntopics: [review]\nstage: post\n---\n正文\n".encode("gbk"), 3, "not UTF-8"),
    BadCard("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary"),
    BadCard("wrong field types", _b(card_text("id: wrong-types\ntitle: 标题\ntopics: review-topic-string-123\nstage: post\nkeywords: 7\n")), 4, "unknown topic"),
    BadCard("wrong list type", _b(card_text("id: wrong-list\ntitle: 标题\ntopics: [review]\nstage: post\nlinks: 5\n")), 6, "`links` must be a list"),
    BadCard("broken link", _b(card_text("id: broken-link\ntitle: 标题\ntopics: [review]\nstage: post\nlinks: [no-such-card]\n")), 6, "unknown card id `no-such-card`"),
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
    BadCard("front-matter not a mapping", _b(card_text("- just\n- a list\n")), 2, "mapping"),
)

DUPLICATE_ID = _b(card_text(VALID_FRONT.format(id="dup-card")))
