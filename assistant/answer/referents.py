"""What a follow-up's reference word points at in the previous answer (no language model).

Two references the conversation's topic alone does not resolve:

- an ordinal over a list written as prose: "第二种一场放几个" after "引流款拉人、福利款留人、主推款承接……"
  is about the second listed item (:func:`listed_item`); numbered steps are resolved by
  ``retrieve.previous_step`` first;
- a demonstrative with a head noun: "这个分多久能恢复" after an answer about "店铺体验分" is about that
  score (:func:`head_noun_term`): the first handbook term in the previous answer ending with the head.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# one sentence per clause end; the list is the sentence with the most items
_SENTENCES = re.compile(r"[。！？!?；;\n]+")
_ITEM_SEPARATORS = (re.compile(r"\s*[、]\s*"), re.compile(r"\s*[×x＊*+＋/／]\s*"), re.compile(r"\s*[，,]\s*"))
_ITEM_END = re.compile(r"[，,：:（(]")
_LAST_JOIN = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:加上|以及|还有|加|和|及|跟|与)(?=[\u4e00-\u9fff]{2})")
MIN_LIST_ITEMS = 2
MAX_ITEM_CHARS = 16

_HEAD = re.compile(r"(?:这个|那个|这种|那种|这项|那项|这条|那条)([\u4e00-\u9fff]{1,2})")


def listed_item(answer: str, number: int, terms: Sequence[str] = ()) -> str:
    """The ``number``-th item (1-based; -1 for the last) of the longest prose list in ``answer``, trimmed
    to its opening words; "" when no sentence lists that many items. ``terms`` (the handbook's domain terms, longest
    first) trim the first item's lead-in ("可以拆成流量" -> "流量")."""
    best: list[str] = []
    for sentence in _SENTENCES.split(answer or ""):
        for separator in _ITEM_SEPARATORS:
            items = [i for i in separator.split(sentence.strip()) if i]
            if separator is _ITEM_SEPARATORS[0] and len(items) >= MIN_LIST_ITEMS:
                items = items[:-1] + _joined_last(items[-1])
            if len(items) >= MIN_LIST_ITEMS and len(items) > len(best):
                best = items
            if len(items) >= MIN_LIST_ITEMS:
                break  # the first separator that makes a list is the list's own
    if number < 0:  # "最后这一步": the last item
        number = len(best)
    if not 1 <= number <= len(best):
        return ""
    item = best[number - 1]
    if number == 1:
        item = re.split(r"[：:]", item)[-1]
        found = [t for t in terms if t in item]
        if found and not item.startswith(found[0]):
            item = item[item.index(found[0]):]
    return _ITEM_END.split(item, maxsplit=1)[0].strip()[:MAX_ITEM_CHARS]


def _joined_last(item: str) -> list[str]:
    """"辅光加轮廓光：……" -> ["辅光", "轮廓光：……"]: the last item of a 、 list may name two, joined by a
    conjunction within its opening words."""
    head = _ITEM_END.split(item, maxsplit=1)[0]
    if len(head) > MAX_ITEM_CHARS:
        return [item]
    parts = _LAST_JOIN.split(item, maxsplit=1)
    return parts if len(parts) == 2 and len(parts[0]) < len(head) else [item]


def head_noun_term(question: str, answer: str, terms: Sequence[str]) -> tuple[str, str]:
    """(the demonstrative phrase in ``question``, the handbook term of ``answer`` it names) or ("", "").

    "这个分扣了多久能恢复" with "…店铺体验分里的物流分…" -> ("这个分", "店铺体验分"): of the terms ending
    with the head noun the one that comes first in the answer (the longest where two start together)."""
    match = _HEAD.search(question or "")
    if not match or not answer:
        return "", ""
    for head in dict.fromkeys((match.group(1), match.group(1)[:1])):  # "这个分数" then "这个分"
        candidates = [(answer.find(t), -len(t), t) for t in terms
                      if len(t) > len(head) and t.endswith(head) and t in answer]
        if candidates:
            return question[match.start():match.start(1) + len(head)], min(candidates)[2]
    return "", ""
