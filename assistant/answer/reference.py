"""The margin between the scope calibration sets: is a question nearer to handbook questions or to others?

``eval/scope_calibration.yaml`` holds questions written without reading the cards: ``questions`` (in
scope) and ``out_of_scope``. Embedded once (and kept on disk under the data dir, per embedder and set),
they are references (shipped embedded for the default embedder in ``assistant/answer/data/``, so a
fresh data dir does not spend seconds on them): a question's *margin* is the mean similarity of its three nearest neighbours among
the in-scope references and the handbook's best passage, minus that of its three nearest out-of-scope
references. A question about the weather sits next to the weather questions; one about 憋单 next to
handbook questions. Without the file (an installed copy without ``eval/``) or an embedder to read it,
the margin is ``None`` and the scope decision uses its other evidence.

The handbook's own ``questions:`` (each card lists the colloquial questions it answers) join the
in-scope side: "两个人怎么分活" sits next to a card's "两个人的小团队怎么分工" even when no calibration
question is near. They are embedded as queries once per set of card versions; for the shipped cards
the vectors ship beside this module (``card-questions-<embedder>.npz``, keyed by the question's hash),
so only edited or new questions are embedded at run time.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.fsio import write_file_atomic
from playbook.models import Card

from assistant.text import KeyedCache, card_versions

log = logging.getLogger(__name__)

REFERENCE_FILE = Path(__file__).resolve().parents[2] / "eval" / "scope_calibration.yaml"
SHIPPED_DIR = Path(__file__).resolve().parent / "data"
NEIGHBOURS = 3
CACHE_DIR = "answer-cache"


def load_reference_questions(path: Path = REFERENCE_FILE) -> tuple[list[str], list[str]]:
    """(in-scope, out-of-scope) questions of the calibration file; empty lists when it is missing."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return [], []

    def texts(key: str) -> list[str]:
        items = data.get(key) if isinstance(data, dict) else None
        return [str(i["q"] if isinstance(i, dict) else i) for i in items or () if i]

    return texts("questions"), texts("out_of_scope")


class References:
    """The embedded reference questions (rows L2-normalised, as the embedder returns them)."""

    def __init__(self, inside, outside):
        self.inside = inside
        self.outside = outside

    def margin(self, query_vector, best_passage: float, exclude: str | None = None,
               questions: tuple[list[str], list[str]] | None = None, handbook=None) -> float:
        """``handbook``: the card questions' vectors, on the in-scope side with the calibration questions."""
        import numpy as np

        vec = np.asarray(query_vector, dtype=np.float32)
        inside = self.inside @ vec
        if handbook is not None and len(handbook):
            inside_handbook = np.asarray(handbook, dtype=np.float32) @ vec
        else:
            inside_handbook = np.zeros(0, dtype=np.float32)
        outside = self.outside @ vec
        if exclude is not None and questions is not None:  # leave-one-out, for calibration
            inside = np.where(np.array([q == exclude for q in questions[0]]), -1.0, inside)
            outside = np.where(np.array([q == exclude for q in questions[1]]), -1.0, outside)
        near_in = np.sort(np.concatenate([inside, inside_handbook, [best_passage]]))[::-1][:NEIGHBOURS].mean()
        near_out = np.sort(outside)[::-1][:NEIGHBOURS].mean()
        return float(near_in - near_out)


_lock = threading.Lock()
_loaded: dict[tuple, References | None] = {}


def _cache_path(searcher, key: str) -> Path | None:
    settings = getattr(searcher, "settings", None)
    data_dir = getattr(settings, "data_dir", None)
    return Path(data_dir) / CACHE_DIR / f"scope-reference-{key}.npz" if data_dir else None


def _safe(name: str) -> str:
    return (name or "unknown").replace("/", "_").replace(":", "_")


def shipped_path(embedder_name: str) -> Path:
    """The references embedded ahead of time for an embedder (written by scripts/calibrate_scope.py)."""
    return SHIPPED_DIR / f"scope-reference-{_safe(embedder_name)}.npz"


def questions_digest(questions: tuple[list[str], list[str]]) -> str:
    return hashlib.sha256("\n".join(questions[0] + ["\0"] + questions[1]).encode()).hexdigest()[:12]


def _load_shipped(embedder_name: str, digest: str | None) -> References | None:
    """The shipped references when they were embedded from the same questions (any, without the file)."""
    import numpy as np

    path = shipped_path(embedder_name)
    try:
        with np.load(path) as saved:
            if digest is not None and str(saved["digest"]) != digest:
                return None
            return References(saved["inside"].astype(np.float32), saved["outside"].astype(np.float32))
    except (OSError, ValueError, KeyError):
        return None


def save_shipped(embedder_name: str, refs: References, questions: tuple[list[str], list[str]]) -> Path:
    """Write the references for shipping beside this module (float16: cosines to about 1e-3)."""
    import numpy as np

    buffer = io.BytesIO()
    np.savez_compressed(buffer, inside=refs.inside.astype(np.float16), outside=refs.outside.astype(np.float16),
                        digest=np.array(questions_digest(questions)))
    path = shipped_path(embedder_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomic(path, buffer.getvalue())
    return path


def references_for(searcher, embedder_name: str, path: Path = REFERENCE_FILE) -> References | None:
    """The references for the searcher's embedder: shipped ones when they match the calibration file (or
    the file is absent), else embedded once and kept under the data dir."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    memo = (str(path), stamp, embedder_name)
    with _lock:
        if memo in _loaded:
            return _loaded[memo]
        refs = None
        if stamp is None:
            refs = _load_shipped(embedder_name, None)
        else:
            questions = load_reference_questions(path)
            if questions[0] and questions[1]:
                digest = questions_digest(questions)
                refs = _load_shipped(embedder_name, digest) or _build(searcher, f"{_safe(embedder_name)}-{digest}", questions)
        _loaded[memo] = refs
        return refs


def embed_references(searcher, questions: tuple[list[str], list[str]]) -> References | None:
    """The questions embedded now by the searcher's embedder (None without one)."""
    import numpy as np

    embedder = getattr(searcher, "embedder", None)
    embed = getattr(embedder, "embed_query_array", None)
    if embed is None:
        return None
    try:
        inside = np.array([embed(q) for q in questions[0]], dtype=np.float32)
        outside = np.array([embed(q) for q in questions[1]], dtype=np.float32)
    except Exception as exc:  # noqa: BLE001 - without references the scope uses its other evidence
        log.warning("scope references unavailable: %s", type(exc).__name__)
        return None
    return References(inside, outside)


def _build(searcher, key: str, questions: tuple[list[str], list[str]]) -> References | None:
    import numpy as np

    cache = _cache_path(searcher, key)
    if cache is not None and cache.exists():
        try:
            with np.load(cache) as saved:
                return References(saved["inside"], saved["outside"])
        except (OSError, ValueError, KeyError):
            pass
    refs = embed_references(searcher, questions)
    if refs is None:
        return None
    if cache is not None:
        buffer = io.BytesIO()
        np.savez(buffer, inside=refs.inside, outside=refs.outside)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            write_file_atomic(cache, buffer.getvalue())
        except OSError:
            pass  # a read-only data dir: recompute next time
    return refs


# --- the handbook's own questions -------------------------------------------------------------------

_CARD_QUESTIONS: KeyedCache = KeyedCache(size=2)


def question_key(question: str) -> str:
    return hashlib.sha256(question.strip().encode()).hexdigest()[:16]


def _card_question_items(cards: Mapping[str, Card]) -> list[tuple[str, str]]:
    """(card id, question) for every card's ``questions:``, each once per card, in card order."""
    return [(card.id, q) for card in cards.values()
            for q in dict.fromkeys(q.strip() for q in card.questions if q.strip())]


def card_questions(cards: Mapping[str, Card]) -> list[str]:
    """Every card's ``questions:`` once, in card order."""
    return list(dict.fromkeys(q for _, q in _card_question_items(cards)))


def shipped_questions_path(embedder_name: str) -> Path:
    return SHIPPED_DIR / f"card-questions-{_safe(embedder_name)}.npz"


def _shipped_question_vectors(embedder_name: str) -> dict[str, object]:
    import numpy as np

    try:
        with np.load(shipped_questions_path(embedder_name)) as saved:
            return dict(zip((str(k) for k in saved["keys"]), saved["vectors"].astype(np.float32)))
    except (OSError, ValueError, KeyError):
        return {}


def save_shipped_questions(embedder_name: str, questions: Sequence[str], vectors) -> Path:
    import numpy as np

    buffer = io.BytesIO()
    np.savez_compressed(buffer, keys=np.array([question_key(q) for q in questions]),
                        vectors=np.asarray(vectors, dtype=np.float16))
    path = shipped_questions_path(embedder_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomic(path, buffer.getvalue())
    return path


@dataclass(frozen=True)
class CardQuestions:
    """The cards' own questions as unit vectors (one row each) with the card each belongs to."""

    vectors: Any
    card_ids: tuple[str, ...]
    questions: tuple[str, ...]

    def nearest(self, query_vector, k: int = 5) -> tuple[tuple[str, str, float], ...]:
        """The ``k`` card questions nearest the query: (card id, question, cosine), nearest first."""
        import numpy as np

        sims = self.vectors @ np.asarray(query_vector, dtype=np.float32)
        order = np.argsort(-sims)[:k]
        return tuple((self.card_ids[i], self.questions[i], float(sims[i])) for i in order)


def card_question_vectors(searcher, embedder_name: str, cards: Mapping[str, Card]) -> CardQuestions | None:
    """The card questions' vectors (shipped ones reused, the rest embedded now), or None without any."""
    def compute() -> CardQuestions | None:
        import numpy as np

        embed = getattr(getattr(searcher, "embedder", None), "embed_query_array", None)
        shipped = _shipped_question_vectors(embedder_name)
        rows, ids, texts = [], [], []
        for card_id, q in _card_question_items(cards):
            vec = shipped.get(question_key(q))
            if vec is None:
                if embed is None:
                    continue
                try:
                    vec = np.asarray(embed(q), dtype=np.float32)
                except Exception as exc:  # noqa: BLE001 - the margin uses the calibration questions alone
                    log.warning("card question not embedded: %s", type(exc).__name__)
                    continue
            rows.append(vec)
            ids.append(card_id)
            texts.append(q)
        if not rows:
            return None
        return CardQuestions(np.array(rows, dtype=np.float32), tuple(ids), tuple(texts))

    return _CARD_QUESTIONS.get((embedder_name, card_versions(cards)), compute)
