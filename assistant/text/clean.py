"""Cleaning text people type: questions, conversation turns, plan fields."""

from __future__ import annotations

import re
import unicodedata

from assistant.errors import InvalidQuestionError

# Characters removed from user text: controls, format characters (zero-width, bidi overrides and
# isolates, BOM, soft hyphen), private-use and unpaired surrogates. Line/paragraph separators and
# ordinary whitespace become a space.
_SPACE_LIKE = {"\t", "\n", "\r", "\u2028", "\u2029", "\u0085", "\u000b", "\u000c"}
EMPTY_QUESTION = "问题是空的：请输入一个关于快手直播带货的问题。"


def clean_text(text: str, keep_newlines: bool = False) -> str:
    """Strip control, bidi and zero-width characters; collapse whitespace to single spaces
    (line breaks kept as ``\\n`` when ``keep_newlines``)."""
    out = []
    for ch in text:
        if ch in _SPACE_LIKE:
            out.append("\n" if keep_newlines and ch in "\n\u2028\u2029\u0085" else " ")
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Co", "Cs", "Cn"):
            continue
        if category == "Zs":
            out.append(" ")
            continue
        out.append(ch)
    text = re.sub(r" {2,}", " ", "".join(out))
    if keep_newlines:
        text = re.sub(r" *\n *", "\n", text)
    return text.strip()


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ones (the cards are simplified): 預熱視頻 -> 预热视频."""
    import zhconv

    return zhconv.convert(text, "zh-cn")


def clean_question(question: object, max_chars: int) -> str:
    """The question ready for retrieval; raises InvalidQuestionError with a clear Chinese message.

    The one place the question limit (``PLAYBOOK_MAX_QUESTION_CHARS``) is applied: answers call it first."""
    if question is None:
        raise InvalidQuestionError(EMPTY_QUESTION)
    if not isinstance(question, str):
        raise InvalidQuestionError("问题必须是文字。")
    cleaned = clean_text(question)
    if not cleaned:
        raise InvalidQuestionError(EMPTY_QUESTION)
    if len(cleaned) > max_chars:
        raise InvalidQuestionError(
            f"问题太长：最多 {max_chars} 个字，现在是 {len(cleaned)} 个字。请把问题精简后再问。"
        )
    return cleaned
