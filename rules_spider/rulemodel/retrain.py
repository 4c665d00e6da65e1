"""Refit the rule model on the shipped corpus plus a user's labeled units, and save it in the state dir.

A user's labels (feedback on rules, review decisions, MCP outcomes) are units like the corpus's; each
weighs ``weight`` corpus units (default ``RULES_USER_LABEL_WEIGHT``), so a few dozen judgements move
the model on the documentation the user crawls without erasing what the corpus taught it. The
cross-validated figures reported are leave-one-set-out over the corpus's sets plus the user's labels as
one more set, with C (from the same grid as the shipped model's) and the threshold chosen on those
held-out scores: not nested, so a little flattering (``training.leave_one_set_out_at``), and ten times
quicker than the corpus training's nested evaluation.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from rules_spider.rulemodel.corpus_matrix import load_corpus_matrix
from rules_spider.rulemodel import persistence
from rules_spider.rulemodel.persistence import ModelCard, save_rule_model, state_model_dir
from rules_spider.rulemodel.train_corpus import THRESHOLD_RULE
from rules_spider.rulemodel.calibration import Calibration
from rules_spider.rulemodel.estimator import RuleModel
from rules_spider.rulemodel.training import C_GRID, SetScores, best_threshold, leave_one_set_out_at, mean_of
from rules_spider.units import Unit

logger = logging.getLogger(__name__)

USER_SET = "user"


@dataclass(frozen=True, slots=True)
class UserLabel:
    """A unit the user judged: 1 guidance worth keeping, 0 not."""

    unit: Unit
    label: int
    origin: str = "feedback"


@dataclass(frozen=True, slots=True)
class RetrainReport:
    card: ModelCard
    per_set: list[SetScores]
    user_labels: int
    seconds: float

    @property
    def user_scores(self) -> SetScores | None:
        return next((row for row in self.per_set if row.name == USER_SET), None)


def retrain_rule_model(state_dir: Path, labels: Sequence[UserLabel], *, weight: float,
                       corpus_dir: Path | None = None) -> RetrainReport:
    """Fit on the corpus plus ``labels``, evaluate leave-one-set-out, save under ``state_dir``."""
    if not labels:
        raise ValueError("no user labels to retrain on: rate or review some rules first")
    started = time.perf_counter()
    corpus = load_corpus_matrix(corpus_dir or persistence.SHIPPED_DIR)
    user_counts = RuleModel().counts([label.unit for label in labels])
    counts = sp.vstack([corpus.counts, user_counts]).tocsr()
    y = np.concatenate([corpus.labels, [label.label for label in labels]]).astype(int)
    groups = np.concatenate([corpus.groups, np.asarray([USER_SET] * len(labels), dtype=object)])
    weights = np.concatenate([np.ones(len(corpus)), np.full(len(labels), float(weight))])
    best = None
    for C in C_GRID:  # C and threshold chosen on the same held-out scores: quick, not nested
        per_set, threshold, scores = leave_one_set_out_at(counts, y, groups, weights, C)
        f1 = best_threshold(scores, y)[1]
        if best is None or f1 > best[0]:
            best = (f1, C, per_set, threshold, scores)
    _, chosen_c, per_set, threshold, scores = best
    model = RuleModel(C=chosen_c, threshold=threshold).fit_counts(counts, y, weights)
    calibration = Calibration.from_scores(scores, y)
    seconds = time.perf_counter() - started
    per_group = Counter(str(g) for g in groups)
    positives = Counter(str(g) for g, label in zip(groups, y, strict=True) if label)
    card = save_rule_model(
        model, calibration, state_model_dir(state_dir), trained_at=datetime.now(UTC),
        training_seconds=round(seconds, 1), training_data_hash=f"{corpus.data_hash}+user{len(labels)}",
        units=len(y), positives=int(y.sum()),
        sets={name: {"units": per_group[name], "positives": positives[name]} for name in sorted(per_group)},
        user_labels=len(labels), user_label_weight=float(weight),
        threshold_rule=f"{THRESHOLD_RULE}; refit with the user's labels, not nested",
        leave_one_set_out=[row.to_dict() for row in per_set],
        mean_precision=mean_of([row.precision for row in per_set]),
        mean_recall=mean_of([row.recall for row in per_set]),
    )
    logger.info("Retrained rule model %s on %d corpus units and %d user labels in %.0f s",
                card.model_version, len(corpus), len(labels), seconds)
    return RetrainReport(card=card, per_set=per_set, user_labels=len(labels), seconds=seconds)
