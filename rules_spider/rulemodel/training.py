"""Fit the rule model and measure it leave-one-documentation-set-out.

Every held-out set is scored by a model that never saw it, with a regularisation strength and a
threshold chosen by grouped cross-validation on the other sets only (nested), so the per-set figures
are not tuned on the set they report. The shipped model's own C and threshold come from the same
grouped cross-validation over all sets.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

from rules_spider.rulemodel.calibration import Calibration
from rules_spider.rulemodel.estimator import RuleModel

logger = logging.getLogger(__name__)

C_GRID: tuple[float, ...] = (0.3, 1.0, 3.0)
INNER_FOLDS = 5
# Thresholds maximise F-beta with beta 1 (F1): precision and recall count alike, as in the corpus's
# targets. (beta 0.5 was tried: mean held-out precision 0.62 but recall 0.37, and clear directives of
# the fixture sites scored 0.4-0.6 fell under its threshold.)
BETA = 1.0


@dataclass(frozen=True, slots=True)
class SetScores:
    """Precision and recall of guidance units on one held-out documentation set."""

    name: str
    units: int
    positives: int
    predicted: int
    true_positives: int
    C: float
    threshold: float

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.positives if self.positives else None

    def to_dict(self) -> dict[str, object]:
        return {"set": self.name, "units": self.units, "positives": self.positives, "predicted": self.predicted,
                "true_positives": self.true_positives, "precision": self.precision, "recall": self.recall,
                "C": self.C, "threshold": self.threshold}


def set_scores(name: str, labels: np.ndarray, predicted: np.ndarray, C: float, threshold: float) -> SetScores:
    return SetScores(name=name, units=len(labels), positives=int(labels.sum()), predicted=int(predicted.sum()),
                     true_positives=int((labels & predicted).sum()), C=C, threshold=threshold)


def best_threshold(scores: np.ndarray, labels: np.ndarray, beta: float = BETA) -> tuple[float, float]:
    """The threshold with the best F-beta on ``scores`` (ties go to the higher threshold), and that F-beta."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    true_pos = np.cumsum(y)
    predicted = np.arange(1, len(s) + 1)
    b2 = beta * beta
    f1 = (1 + b2) * true_pos / (predicted + b2 * max(int(y.sum()), 1))
    # Only cut between distinct scores.
    last_of_run = np.append(s[1:] != s[:-1], True)
    f1 = np.where(last_of_run, f1, -1.0)
    best = int(np.argmax(f1))
    return float(s[best]), float(f1[best])


def _out_of_fold(counts: sp.csr_matrix, y: np.ndarray, groups: np.ndarray, weights: np.ndarray | None,
                 C: float, splitter: GroupKFold | LeaveOneGroupOut) -> np.ndarray:
    scores = np.zeros(len(y))
    for train, test in splitter.split(counts, y, groups):
        model = RuleModel(C=C).fit_counts(counts[train], y[train], None if weights is None else weights[train])
        scores[test] = model.proba_from_counts(counts[test])
    return scores


def select_parameters(counts: sp.csr_matrix, y: np.ndarray, groups: np.ndarray,
                      weights: np.ndarray | None = None, *, leave_one_out: bool = False) -> tuple[float, float, np.ndarray]:
    """(C, threshold, out-of-fold scores of the chosen C) by grouped cross-validation over ``groups``."""
    n_groups = len(np.unique(groups))
    splitter: GroupKFold | LeaveOneGroupOut = (
        LeaveOneGroupOut() if leave_one_out or n_groups <= INNER_FOLDS else GroupKFold(n_splits=INNER_FOLDS)
    )
    best: tuple[float, float, float, np.ndarray] | None = None
    for C in C_GRID:
        scores = _out_of_fold(counts, y, groups, weights, C, splitter)
        threshold, f1 = best_threshold(scores, y)
        if best is None or f1 > best[0]:
            best = (f1, C, threshold, scores)
    assert best is not None
    return best[1], best[2], best[3]


def leave_one_set_out(counts: sp.csr_matrix, y: np.ndarray, groups: np.ndarray,
                      weights: np.ndarray | None = None) -> tuple[list[SetScores], np.ndarray]:
    """Per-set scores with nested parameter choice, and every unit's held-out probability."""
    results: list[SetScores] = []
    scores = np.zeros(len(y))
    for name in sorted(np.unique(groups)):
        test = groups == name
        train = ~test
        w = None if weights is None else weights[train]
        C, threshold, _ = select_parameters(counts[train], y[train], groups[train], w)
        model = RuleModel(C=C).fit_counts(counts[train], y[train], w)
        held_out = model.proba_from_counts(counts[test])
        scores[test] = held_out
        results.append(set_scores(str(name), y[test], (held_out >= threshold).astype(int), C, threshold))
        logger.info("held out %s: C=%s threshold=%.3f precision=%s recall=%s", name, C, threshold,
                    results[-1].precision, results[-1].recall)
    return results, scores


def leave_one_set_out_at(counts: sp.csr_matrix, y: np.ndarray, groups: np.ndarray, weights: np.ndarray | None,
                         C: float) -> tuple[list[SetScores], float, np.ndarray]:
    """Per-set scores for a fixed ``C``, at the threshold best on the pooled held-out scores.

    Quicker than ``leave_one_set_out`` (one fit per set) but not nested: the threshold is chosen on the
    held-out scores it is then used on, which flatters the figures a little. Retraining from feedback
    uses it; the shipped model's figures come from the nested ``leave_one_set_out``.
    """
    scores = _out_of_fold(counts, y, groups, weights, C, LeaveOneGroupOut())
    threshold, _ = best_threshold(scores, y)
    rows = [set_scores(str(name), y[groups == name], (scores[groups == name] >= threshold).astype(int), C, threshold)
            for name in sorted(np.unique(groups))]
    return rows, threshold, scores


def fit_final(counts: sp.csr_matrix, y: np.ndarray, groups: np.ndarray,
              weights: np.ndarray | None = None) -> tuple[RuleModel, Calibration]:
    """The model to ship: C and threshold by leave-one-set-out over every set, refitted on all units."""
    C, threshold, scores = select_parameters(counts, y, groups, weights, leave_one_out=True)
    model = RuleModel(C=C, threshold=threshold).fit_counts(counts, y, weights)
    return model, Calibration.from_scores(scores, y)


def mean_of(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
