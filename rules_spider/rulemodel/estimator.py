"""The rule model estimator: hashed unit tokens -> TF-IDF -> logistic regression.

The vectorizer is stateless (a hashing vectorizer over ``features.unit_tokens``), so the model can be
refitted from stored token counts alone: the shipped corpus travels as a count matrix, never as text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from rules_spider.rulemodel.features import unit_tokens
from rules_spider.units import Unit


class RuleModel(ClassifierMixin, BaseEstimator):
    """P(guidance) of candidate units; ``predict`` says which clear ``threshold``.

    ``X`` is a sequence of ``units.Unit``. ``fit_counts`` fits from a count matrix made by ``counts``.
    """

    def __init__(self, C: float = 1.0, n_features: int = 2**18, threshold: float = 0.5,
                 class_weight: str | None = "balanced", max_iter: int = 1000, random_state: int = 0) -> None:
        self.C = C
        self.n_features = n_features
        self.threshold = threshold
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state

    def counts(self, X: Sequence[Unit]) -> sp.csr_matrix:
        """Hashed token counts of units (stateless: no fit needed)."""
        vectorizer = HashingVectorizer(analyzer=unit_tokens, n_features=self.n_features, alternate_sign=False,
                                       norm=None, dtype=np.float32)
        return vectorizer.transform(X)

    def fit(self, X: Sequence[Unit], y: Sequence[int], sample_weight: Sequence[float] | None = None) -> RuleModel:
        return self.fit_counts(self.counts(X), y, sample_weight)

    def fit_counts(self, counts: sp.spmatrix, y: Sequence[int],
                   sample_weight: Sequence[float] | None = None) -> RuleModel:
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        self.classifier_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                              solver="liblinear", random_state=self.random_state)
        self.classifier_.fit(self.tfidf_.transform(counts), np.asarray(y), sample_weight=sample_weight)
        self.classes_ = self.classifier_.classes_
        return self

    def proba_from_counts(self, counts: sp.spmatrix) -> np.ndarray:
        """P(guidance) for each row of a count matrix.

        The same arithmetic as ``classifier_.predict_proba(tfidf_.transform(counts))`` (sublinear tf, idf,
        l2 rows, logistic), done directly: scikit-learn's input validation cost more than the maths on a
        page's hundred rows, and this runs once per page in the crawl.
        """
        check_is_fitted(self, "classifier_")
        if counts.shape[0] == 0:
            return np.zeros(0)
        x = sp.csr_matrix(counts, dtype=np.float64, copy=True)
        np.log(x.data, out=x.data)
        x.data += 1.0
        x.data *= self.tfidf_.idf_[x.indices]
        squares = sp.csr_matrix((x.data * x.data, x.indices, x.indptr), shape=x.shape)
        norms = np.sqrt(np.asarray(squares.sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        margin = (x @ self.classifier_.coef_.ravel()) / norms + self.classifier_.intercept_[0]
        return 1.0 / (1.0 + np.exp(-margin))

    def predict_proba(self, X: Sequence[Unit]) -> np.ndarray:
        positive = self.proba_from_counts(self.counts(X))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X: Sequence[Unit]) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= self.threshold).astype(int)
