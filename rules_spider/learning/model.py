"""QualityModel: predicts how well a rule will do from its features, with intervals.

The point prediction is a histogram gradient boosting regressor (squared
error) of the mean observed feedback value; the interval comes from two more
boosting models fitted with the quantile (pinball) loss at ``alpha / 2`` and
``1 - alpha / 2``: quantile regression, so an ``alpha = 0.2`` model gives
80% prediction intervals. Coverage is measured out of fold by
:func:`rules_spider.learning.evaluation.cross_validate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from rules_spider.learning.features import (
    FEATURE_COLUMNS,
    NUMERIC_COLUMNS,
    build_preprocessor,
    to_matrix,
)

FeatureRows = Iterable[Mapping[str, Any]] | np.ndarray


class QuantileBoostingRegressor(RegressorMixin, BaseEstimator):
    """A mean model plus lower/upper quantile models on a dense numeric matrix."""

    def __init__(
        self,
        alpha: float = 0.2,
        max_iter: int = 150,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 10,
        l2_regularization: float = 1.0,
        random_state: int | None = 0,
    ) -> None:
        self.alpha = alpha
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def _booster(self, **loss: Any) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            early_stopping=False,
            random_state=self.random_state,
            **loss,
        )

    def fit(self, X: np.ndarray, y: np.ndarray) -> QuantileBoostingRegressor:
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha!r}")
        self.point_ = self._booster(loss="squared_error").fit(X, y)
        self.lower_ = self._booster(loss="quantile", quantile=self.alpha / 2).fit(X, y)
        self.upper_ = self._booster(loss="quantile", quantile=1 - self.alpha / 2).fit(X, y)
        self.n_features_in_ = self.point_.n_features_in_
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self, "point_")
        return np.clip(self.point_.predict(X), 0.0, 1.0)

    def predict_interval(
        self, X: np.ndarray, alpha: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(low, high)`` with ``low <= predict(X) <= high``, all within [0, 1].

        Quantile models can cross or leave the mean outside; the band is then
        widened to include it (never narrowed).
        """
        check_is_fitted(self, "point_")
        if alpha is not None and not np.isclose(alpha, self.alpha):
            raise ValueError(
                f"this model was fitted for alpha={self.alpha} "
                f"({1 - self.alpha:.0%} intervals); refit it with alpha={alpha}"
            )
        point = self.predict(X)
        low = np.clip(self.lower_.predict(X), 0.0, 1.0)
        high = np.clip(self.upper_.predict(X), 0.0, 1.0)
        return np.minimum.reduce([low, high, point]), np.maximum.reduce([low, high, point])


class QualityModel(RegressorMixin, BaseEstimator):
    """Rule-quality regressor over feature rows (dicts or a :func:`to_matrix` array).

    ``fit(X, y)`` takes ``y`` in [0, 1] (mean observed feedback per rule) and
    returns ``self``; ``predict`` and ``predict_interval(X, alpha)`` give
    values clipped to [0, 1]. ``reference_values_`` holds the median of each
    numeric feature over the best-rated quarter of the training rules, the
    target the recommendations compare a rule with.
    """

    def __init__(
        self,
        alpha: float = 0.2,
        max_text_features: int = 300,
        max_iter: int = 150,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 10,
        random_state: int | None = 0,
    ) -> None:
        self.alpha = alpha
        self.max_text_features = max_text_features
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state

    def _pipeline(self) -> Pipeline:
        return Pipeline(
            [
                ("features", build_preprocessor(self.max_text_features)),
                (
                    "regressor",
                    QuantileBoostingRegressor(
                        alpha=self.alpha,
                        max_iter=self.max_iter,
                        learning_rate=self.learning_rate,
                        max_leaf_nodes=self.max_leaf_nodes,
                        min_samples_leaf=self.min_samples_leaf,
                        random_state=self.random_state,
                    ),
                ),
            ]
        )

    def fit(self, X: FeatureRows, y: Iterable[float]) -> QualityModel:
        matrix = to_matrix(X)
        target = np.asarray(list(y), dtype=np.float64)
        if target.shape != (matrix.shape[0],):
            raise ValueError(f"{matrix.shape[0]} feature rows but {target.shape[0]} targets")
        if not np.all(np.isfinite(target)) or target.min() < 0 or target.max() > 1:
            raise ValueError("targets must be finite numbers in [0, 1]")
        self.pipeline_ = self._pipeline().fit(matrix, target)
        self.reference_values_ = _reference_values(matrix, target)
        self.n_training_rows_ = int(matrix.shape[0])
        return self

    def predict(self, X: FeatureRows) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict(to_matrix(X))

    def predict_interval(
        self, X: FeatureRows, alpha: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        check_is_fitted(self, "pipeline_")
        transformed = self.pipeline_[:-1].transform(to_matrix(X))
        return self.pipeline_[-1].predict_interval(transformed, alpha)

    def unfitted_copy(self) -> QualityModel:
        return clone(self)


def _reference_values(matrix: np.ndarray, target: np.ndarray) -> dict[str, float]:
    best = target >= np.quantile(target, 0.75)
    values: dict[str, float] = {}
    for name in NUMERIC_COLUMNS:
        column = matrix[best, FEATURE_COLUMNS.index(name)].astype(np.float64)
        column = column[np.isfinite(column)]
        if column.size:
            values[name] = float(np.median(column))
    return values
