"""Chinese keyword search: jieba with a domain dictionary, scored with BM25 (bm25s).

The domain dictionary is built from the cards (keywords, short title fragments, glossary bold terms
``**术语**``) plus the topic names, so that 磁力金牛, 引流款 or UV价值 stay whole words. Text and
queries are tokenised the same way (``cut_for_search``, so long words also yield their parts),
lower-cased, NFKC-normalised, without punctuation and function words.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from pathlib import Path
from typing import Iterable, Sequence

from playbook.models import Card

KEYWORD_VERSION = "1"
BM25_K1 = 1.2
BM25_B = 0.75

_BOLD = re.compile(r"\*\*([^*\n]{2,16})\*\*")
_TITLE_SPLIT = re.compile(r"[\s：:，,、。！？!?；;（）()【】\[\]「」“”\"'《》/|·—\-~]+")
_HAS_WORD_CHAR = re.compile(r"[0-9a-z\u3400-\u9fff]")

STOPWORDS = frozenset(
    """
    的 了 是 吗 呢 吧 啊 呀 哦 嘛 么 在 和 与 或 及 跟 同 并 而 且 但 但是 就 都 也 还 又 很 太 再 才 只
    我 你 他 她 它 我们 你们 他们 咱 咱们 自己 这 那 这个 那个 这些 那些 这样 那样 这么 那么
    哪 哪个 哪些 哪里 什么 怎么 怎么样 怎样 如何 为什么 为啥 啥 多少 几 几个 是否 是不是 有没有 能不能 要不要
    要 会 能 可以 可 应该 应当 该 需要 得 想 还是 有 没有 没 一 一个 个 把 被 让 给 对 从 到 为 以 之 其 于 等
    上 下 中 里 时 时候 一下 一些 些 所以 因为 如果 然后 比如 之后 之前 这种 那种 每 各 些许
    the a an of to and or is are in on for with what how why
    """.split()
)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def domain_words(cards: Iterable[Card]) -> list[str]:
    """Words the tokenizer must keep whole, from the cards and the topic taxonomy."""
    words: set[str] = set()
    for card in cards:
        for kw in card.keywords:
            words.add(kw)
        for fragment in _TITLE_SPLIT.split(card.title):
            if 2 <= len(fragment) <= 8:
                words.add(fragment)
        for match in _BOLD.finditer(card.body):
            words.add(match.group(1))
    try:
        from playbook.taxonomy import load_topics

        for topic in load_topics().values():
            words.add(topic.name)
            for fragment in re.findall(r"[\u3400-\u9fff]{2,8}", topic.covers):
                words.add(fragment)
    except Exception:  # noqa: BLE001 - the taxonomy only adds words
        pass
    cleaned = {normalise(w).strip() for w in words}
    return sorted(w for w in cleaned if len(w) >= 2 and " " not in w and _HAS_WORD_CHAR.search(w))


_base_lock = threading.Lock()
_base_dict: tuple[dict, int] | None = None


def _base_frequencies() -> tuple[dict, int]:
    """jieba's main dictionary, loaded once per process (about half a second) and shared."""
    global _base_dict
    with _base_lock:
        if _base_dict is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            base = jieba.Tokenizer()
            base.initialize()
            _base_dict = (base.FREQ, base.total)
        return _base_dict


class Tokenizer:
    """jieba (a private instance, not the global one) with the domain dictionary added."""

    def __init__(self, words: Sequence[str] = ()):
        import jieba

        freq, total = _base_frequencies()
        self._jieba = jieba.Tokenizer()
        self._jieba.FREQ = dict(freq)  # private copy: add_word changes it
        self._jieba.total = total
        self._jieba.initialized = True
        self.words = list(words)
        for word in self.words:
            self._jieba.add_word(word, freq=_word_freq(word))

    def tokenize(self, text: str) -> list[str]:
        tokens = []
        for token in self._jieba.cut_for_search(normalise(text)):
            token = token.strip()
            if not token or token in STOPWORDS or not _HAS_WORD_CHAR.search(token):
                continue
            tokens.append(token)
        return tokens


def _word_freq(word: str) -> int:
    # frequent enough that jieba keeps the word whole in most contexts
    return 20000 if len(word) <= 4 else 5000


class KeywordIndex:
    """BM25 over chunk texts; documents are addressed by their position (see ``chunk_ids``)."""

    DIR_FILES = ("chunk_ids.json", "dictionary.txt")

    def __init__(self, bm25, chunk_ids: list[str], tokenizer: Tokenizer):
        self._bm25 = bm25
        self.chunk_ids = chunk_ids
        self.tokenizer = tokenizer
        vocab = getattr(bm25, "vocab_dict", None) or {}
        self._vocab = {t for t in vocab if t}

    @classmethod
    def build(cls, chunk_ids: list[str], texts: list[str], words: Sequence[str], tokenizer: Tokenizer | None = None,
              tokens: list[list[str]] | None = None):
        """BM25 over ``texts`` (or over ``tokens`` when the corpus is already tokenised)."""
        import bm25s

        tokenizer = tokenizer or Tokenizer(words)
        if tokens is None:
            tokens = [tokenizer.tokenize(t) for t in texts]
        corpus = [t or ["\u0000"] for t in tokens]
        bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B, method="lucene")
        if corpus:
            bm25.index(corpus, show_progress=False)
        return cls(bm25, list(chunk_ids), tokenizer)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self.chunk_ids:
            self._bm25.save(str(directory), show_progress=False)
        (directory / "chunk_ids.json").write_text(json.dumps(self.chunk_ids, ensure_ascii=False), encoding="utf-8")
        (directory / "dictionary.txt").write_text("\n".join(self.tokenizer.words), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> "KeywordIndex":
        import bm25s

        chunk_ids = json.loads((directory / "chunk_ids.json").read_text(encoding="utf-8"))
        words = [w for w in (directory / "dictionary.txt").read_text(encoding="utf-8").split("\n") if w]
        if chunk_ids:
            bm25 = bm25s.BM25.load(str(directory), mmap=False, show_progress=False, verbosity=0)
        else:
            bm25 = bm25s.BM25()
        return cls(bm25, chunk_ids, Tokenizer(words))

    def query_tokens(self, query: str) -> list[str]:
        return [t for t in self.tokenizer.tokenize(query) if t in self._vocab]

    def scores(self, query: str):
        """BM25 score of every document (numpy array; zeros when no query word is known)."""
        import numpy as np

        tokens = self.query_tokens(query)
        if not tokens or not self.chunk_ids:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def top(self, query: str, n: int, mask=None) -> list[tuple[int, float]]:
        """Best ``n`` (position, score) pairs with a positive score, restricted to ``mask`` if given."""
        import numpy as np

        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        positive = int((scores > 0).sum())
        n = min(n, positive)
        if n <= 0:
            return []
        idx = np.argpartition(-scores, n - 1)[:n]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(i), float(scores[i])) for i in idx]
