"""QualityModel: predicts how well a rule will do from its features, with intervals.

The point prediction is a histogram gradient boosting regressor (squared
error) of the mean observed feedback value. The interval is conformalized
quantile regression (Romano et al., 2019): two more boosting models fitted
with the quantile (pinball) loss at ``alpha / 2`` and ``1 - alpha / 2`` on
part of the data, widened by the margin that makes the band cover a
held-out calibration part at the nominal ``1 - alpha`` rate (quantile models
fitted on few rows are overconfident). Coverage of the whole procedure is
measured out of fold by :func:`rules_spider.learning.evaluation.cross_validate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from rules_spider.learning.features import (
    FEATURE_COLUMNS,
    NUMERIC_COLUMNS,
    build_preprocessor,
    to_matrix,
)

FeatureRows = Iterable[Mapping[str, Any]] | np.ndarray


# Fitting and predicting run on one thread (OpenMP and BLAS): on the data
# sizes here a second thread saves little, and when the crawl or other
# processes keep the cores busy, spin-waiting threads made fits several
# times slower.
THREADS = 1
# Below this many calibration rows the conformal margin is not estimated (0).
MIN_CALIBRATION_ROWS = 8


class QuantileBoostingRegressor(RegressorMixin, BaseEstimator):
    """A mean model plus conformalized lower/upper quantile models on a dense matrix.

    ``calibration_fraction`` of the rows (when that is at least
    :data:`MIN_CALIBRATION_ROWS`) are held out from the quantile models to
    compute ``margin_``; the mean model is fitted on every row.
    """

    def __init__(
        self,
        alpha: float = 0.2,
        calibration_fraction: float = 0.25,
        max_iter: int = 100,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 10,
        l2_regularization: float = 1.0,
        random_state: int | None = 0,
    ) -> None:
        self.alpha = alpha
        self.calibration_fraction = calibration_fraction
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
        return self._fit(np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64))

    def _fit(self, X: np.ndarray, y: np.ndarray) -> QuantileBoostingRegressor:
        self.point_ = self._booster(loss="squared_error").fit(X, y)
        n_calibration = int(len(y) * self.calibration_fraction)
        if n_calibration >= MIN_CALIBRATION_ROWS:
            order = np.random.default_rng(self.random_state).permutation(len(y))
            calibration, proper = order[:n_calibration], order[n_calibration:]
        else:
            calibration, proper = None, np.arange(len(y))
        self.lower_ = self._booster(loss="quantile", quantile=self.alpha / 2).fit(
            X[proper], y[proper]
        )
        self.upper_ = self._booster(loss="quantile", quantile=1 - self.alpha / 2).fit(
            X[proper], y[proper]
        )
        self.margin_ = (
            0.0 if calibration is None else self._conformal_margin(X[calibration], y[calibration])
        )
        self.n_calibration_ = 0 if calibration is None else len(calibration)
        self.n_features_in_ = self.point_.n_features_in_
        return self

    def _conformal_margin(self, X: np.ndarray, y: np.ndarray) -> float:
        """The ``ceil((n + 1)(1 - alpha)) / n`` empirical quantile of the
        conformity scores ``max(low - y, y - high)`` (can be negative: the
        band then shrinks). Capped at the largest score when n is too small
        for the exact level."""
        scores = np.maximum(self.lower_.predict(X) - y, y - self.upper_.predict(X))
        level = min(1.0, np.ceil((len(y) + 1) * (1 - self.alpha)) / len(y))
        return float(np.quantile(scores, level, method="higher"))

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
        low = np.clip(self.lower_.predict(X) - self.margin_, 0.0, 1.0)
        high = np.clip(self.upper_.predict(X) + self.margin_, 0.0, 1.0)
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
        max_text_features: int = 2000,
        text_components: int = 30,
        max_iter: int = 100,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 10,
        random_state: int | None = 0,
    ) -> None:
        self.alpha = alpha
        self.max_text_features = max_text_features
        self.text_components = text_components
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state

    def _pipeline(self) -> Pipeline:
        return Pipeline(
            [
                (
                    "features",
                    build_preprocessor(
                        self.max_text_features, self.text_components, self.random_state
                    ),
                ),
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
        with threadpool_limits(THREADS):
            self.pipeline_ = self._pipeline().fit(matrix, target)
        self.reference_values_ = _reference_values(matrix, target)
        self.n_training_rows_ = int(matrix.shape[0])
        return self

    def predict(self, X: FeatureRows) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        with threadpool_limits(THREADS):
            return self.pipeline_.predict(to_matrix(X))

    def predict_interval(
        self, X: FeatureRows, alpha: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        check_is_fitted(self, "pipeline_")
        with threadpool_limits(THREADS):
            transformed = self.pipeline_[:-1].transform(to_matrix(X))
            return self.pipeline_[-1].predict_interval(transformed, alpha)


def _reference_values(matrix: np.ndarray, target: np.ndarray) -> dict[str, float]:
    best = target >= np.quantile(target, 0.75)
    values: dict[str, float] = {}
    for name in NUMERIC_COLUMNS:
        column = matrix[best, FEATURE_COLUMNS.index(name)].astype(np.float64)
        column = column[np.isfinite(column)]
        if column.size:
            values[name] = float(np.median(column))
    return values
