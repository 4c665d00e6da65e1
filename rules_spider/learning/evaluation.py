"""Out-of-fold evaluation of a QualityModel: mean absolute error and interval coverage."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold

from rules_spider.learning.features import to_matrix
from rules_spider.learning.model import FeatureRows, QualityModel


@dataclass(frozen=True, slots=True)
class CrossValidation:
    n_splits: int
    mae: float
    interval_coverage: float  # share of held-out targets inside their interval
    mean_interval_width: float


def cross_validate(
    model: QualityModel,
    X: FeatureRows,
    y: np.ndarray,
    *,
    n_splits: int = 5,
    random_state: int | None = 0,
) -> CrossValidation:
    """K-fold (shuffled) MAE and coverage of ``model``'s intervals on held-out rows."""
    matrix = to_matrix(X)
    target = np.asarray(y, dtype=np.float64)
    n_splits = min(n_splits, len(target))
    if n_splits < 2:
        raise ValueError(f"cross-validation needs at least 2 rows, got {len(target)}")
    predicted = np.empty_like(target)
    low = np.empty_like(target)
    high = np.empty_like(target)
    folds = KFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    for train, test in folds.split(matrix):
        fold_model = clone(model).fit(matrix[train], target[train])
        predicted[test] = fold_model.predict(matrix[test])
        low[test], high[test] = fold_model.predict_interval(matrix[test])
    return CrossValidation(
        n_splits=n_splits,
        mae=float(np.mean(np.abs(predicted - target))),
        interval_coverage=float(np.mean((low <= target) & (target <= high))),
        mean_interval_width=float(np.mean(high - low)),
    )
