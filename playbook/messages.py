"""The card checker's messages, in Chinese (maintainers read them): what is wrong, then how to fix it.

Field names, ids and values stay as they are written in the card (`id`, `topics`, 'Bad_ID'), so a
maintainer can search the file for them. Messages about the structured plan data (``plan:``) come
from :mod:`playbook.plan_material`; they are shown after the field path they concern.
"""

from __future__ import annotations

from pathlib import Path

FIELD_NAMES = {"id": "卡片编号", "title": "标题", "topics": "话题", "stage": "阶段", "summary": "一句话结论",
               "links": "相关卡片", "keywords": "关键词", "questions": "常见问法"}

BINARY = "文件里有二进制数据（NUL 字节）；卡片必须是 UTF-8 文本文件"
NO_FRONT_MATTER = "没有字段区（front-matter）：卡片第一行必须是 `---`，接着写 YAML 字段，再用一行 `---` 结束"
UNCLOSED_FRONT_MATTER = "第 1 行用 `---` 开始的字段区没有结束：请在字段后面加一行 `---`"
NOT_A_MAPPING = "字段区必须是 `字段: 值` 形式的 YAML（一个映射），不能是列表或一段文字"
TOPICS_NOT_LIST = "`topics` 必须是话题 id 的列表，例如 `topics: [review, kpi-goals]`"
EMPTY_BODY = "正文是空的：请在字段区（第二个 `---`）后面写卡片正文"
NO_CARDS = "这个目录里没有卡片（*.md 文件）"
ID_PROBLEM_PREFIXES = ("缺少必填字段 `id`", "id ")


def _field(key: str) -> str:
    name = FIELD_NAMES.get(key)
    return f"`{key}`（{name}）" if name else f"`{key}`"


def not_utf8(byte: int) -> str:
    return f"不是 UTF-8 文本（字节 0x{byte:02x}）：请用 UTF-8 编码另存这个文件"


def unreadable(reason: str) -> str:
    return f"无法读取文件：{reason}"


def too_big(size: int, limit: int) -> str:
    return f"文件有 {size} 字节，太大了；一张卡片必须小于 {limit} 字节，请拆成几张卡片"


_YAML_HINTS = (
    ("'\\t'", "不能用 Tab 缩进，请改用空格"),
    ("\t", "不能用 Tab 缩进，请改用空格"),
    ("constructor for the tag", "不支持以 `!` 开头的 YAML 标签，请把这个值写成普通文字（必要时加引号）"),
    ("undefined tag handle", "不支持以 `!` 开头的 YAML 标签，请把这个值写成普通文字（必要时加引号）"),
    ("mapping values are not allowed", "这一行多了一个冒号：值里有 `: ` 时请给整个值加引号"),
    ("expected ',' or ']'", "方括号 `[...]` 没有闭合，或者列表项之间少了逗号"),
    ("expected ',' or '}'", "花括号 `{...}` 没有闭合，或者项之间少了逗号"),
    ("could not find expected ':'", "这一行缺少 `字段: 值` 里的冒号，或者上一行的引号没有闭合"),
    ("found unexpected end of stream", "引号或括号没有闭合"),
    ("while scanning a quoted scalar", "引号没有闭合"),
    ("found character", "这一行有 YAML 不允许出现在这里的字符；请给值加引号"),
)


def invalid_yaml(reason: str) -> str:
    hint = next((h for needle, h in _YAML_HINTS if needle in reason), "检查这一行的冒号、引号和括号是否成对")
    return f"字段区不是有效的 YAML：{hint}（YAML 解析器：{reason}）"


def duplicate_field(key: str) -> str:
    return f"字段 `{key}` 写了两次（只有后一个生效）；请只保留一个"


def missing_field(key: str, suggested_id: str = "") -> str:
    text = f"缺少必填字段 {_field(key)}"
    if key == "id":
        text += "：没有 id 的卡片不会被收进手册"
        if suggested_id:
            text += f"；按文件名可以写 `id: {suggested_id}`"
    return text


def malformed_id(value, suggested_id: str = "") -> str:
    text = f"id {value!r} 格式不对：只能用小写字母、数字和 '-'（例如 warmup-schedule）"
    if suggested_id:
        text += f"；按文件名可以写 `id: {suggested_id}`"
    return text + "。这张卡片因此不会被收进手册"


def field_not_text(key: str) -> str:
    return f"{_field(key)}必须是一段文字"


def field_not_list(key: str) -> str:
    return f"{_field(key)}必须是文字的列表，例如 `{key}: [第一项, 第二项]`"


def unknown_topic(topic: str, close: str = "") -> str:
    guess = f"是不是 `{close}`？" if close else ""
    return f"未知话题 `{topic}`；{guess}可用的话题 id 见 playbook/topics.yaml"


def bad_stage(stage, stages) -> str:
    return f"阶段 stage {stage!r} 不是 {'、'.join(stages)} 之一（pre 播前，live 播中，post 播后，anytime 通用）"


def link_not_an_id(link: str) -> str:
    return f"链接 {link!r} 不是卡片 id：`links` 里写其他卡片的 id（小写字母、数字和 '-'）"


def plan_material(where: str, message: str) -> str:
    """A plan-material problem (:mod:`playbook.plan_material` words it) after the field path it concerns."""
    return f"{where}: {message}"


def duplicate_id(card_id: str, other: Path) -> str:
    return f"id `{card_id}` 重复：{other} 已经用了它；每张卡片的 id 必须不同，请给这张卡片换一个 id"


def link_unknown(link: str, close: str = "") -> str:
    guess = f"是不是 `{close}`？" if close else "请改成已有卡片的 id，或删掉这个链接"
    return f"链接指向不存在的卡片 `{link}`：{guess}"


def link_broken_by(link: str, cause: Path) -> str:
    return f"链接 `{link}` 失效，是上面这张卡片（{cause.name}）的错误引起的；修好它，这个链接自动恢复"


def with_consequences(message: str, count: int, card_id: str) -> str:
    target = f"`{card_id}`" if card_id else "它"
    return f"{message}（因此另有 {count} 处指向 {target} 的链接失效，列在下面）"


def cards_dir_missing(path: Path) -> str:
    return f"卡片目录 {path} 不存在；请把 PLAYBOOK_CARDS_DIR 设为卡片所在的文件夹"


def summary(result) -> str:
    """The one-line verdict of a check: how many problems, how many cards are valid."""
    valid = len(result.cards)
    if result.ok:
        return f"全部 {valid} 张卡片有效"
    knock_on = sum(len(p.consequences) for p in result.problems)
    extra = f"，另有 {knock_on} 处因此失效的链接" if knock_on else ""
    return (f"{len(result.problems)} 处问题（{result.broken_files} 个文件{extra}）；"
            f"{valid} 张卡片有效，{result.files - valid} 张有错误")
