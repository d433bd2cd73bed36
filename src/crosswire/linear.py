"""Logistic regression over string features: the one small learned scorer crosswire ships
(attribution's cue/content/source models, the disputes' confidence). Fitted by the scripts in
``eval/`` with scikit-learn; read at run time from JSON with nothing but the standard library."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

# Weights smaller than this are dropped from a fitted model (they move no decision by more
# than a rounding error and would triple attribution's file).
PRUNE = 0.02


class LinearModel:
    """``sigmoid(bias + sum(weights[f]))`` over a set of string features."""

    def __init__(self, bias: float, weights: dict[str, float]):
        self.bias = bias
        self.weights = weights

    def score(self, features: Iterable[str]) -> float:
        get = self.weights.get
        z = self.bias + sum(get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {"bias": self.bias, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        return cls(data["bias"], data["weights"])


def fit(x: Sequence[Iterable[str]], y: Sequence[int], c: float,
        weights: Sequence[float] | None = None) -> LinearModel:
    """An L2-regularised logistic regression (inverse strength ``c``) of labels ``y`` on the
    feature sets ``x``, each example counted ``weights`` times (default once). Needs
    scikit-learn (a training-time dependency only)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict.fromkeys(f, 1) for f in x]).tocsr()
    # liblinear takes 32-bit sparse indices only.
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    model = LogisticRegression(C=c, solver="liblinear", max_iter=200, random_state=0)
    model.fit(matrix, y, sample_weight=None if weights is None else list(weights))
    names = vectorizer.get_feature_names_out()
    weights = {str(n): round(float(w), 4) for n, w in zip(names, model.coef_[0])
               if abs(w) >= PRUNE}
    return LinearModel(round(float(model.intercept_[0]), 4), weights)


def best_threshold(model: LinearModel, x: Sequence[Iterable[str]],
                   y: Sequence[int]) -> tuple[float, float]:
    """(best F1, the score threshold reaching it) of ``model`` on ``x``/``y``."""
    scored = sorted(((model.score(f), label) for f, label in zip(x, y)), reverse=True)
    positives = sum(y)
    tp = 0
    best = (0.0, 0.5)
    for rank, (score, label) in enumerate(scored, 1):
        tp += label
        f1 = 2 * tp / (rank + positives)
        if f1 > best[0]:
            best = (f1, score)
    return best
