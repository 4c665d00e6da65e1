"""Building the training set from the store and fitting, evaluating, saving a model."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rules_spider.learning.evaluation import cross_validate
from rules_spider.learning.features import features_from_record
from rules_spider.learning.model import QualityModel
from rules_spider.learning.persistence import ModelMetadata, save_model
from rules_spider.learning.signals import AB_TEST_CONTEXT_KEY
from rules_spider.learning.store import FeedbackStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrainingSet:
    rule_ids: list[str]
    rows: list[dict[str, Any]]
    targets: np.ndarray  # mean signal value per rule within the window
    n_signals: int
    rules_below_min_signals: int  # rated rules with too few signals to be a target
    rules_without_features: int  # rated rules the crawl never recorded


@dataclass(frozen=True, slots=True)
class TrainingReport:
    """What ``retrain`` did: ``trained`` a new model, kept a ``fresh`` one, or
    found ``insufficient_data`` (then ``metadata`` is the model in use, if any)."""

    status: Literal["trained", "fresh", "insufficient_data"]
    training_size: int
    n_signals: int
    detail: str
    metadata: ModelMetadata | None = None
    seconds: float = 0.0

    @property
    def model_version(self) -> str | None:
        return self.metadata.model_version if self.metadata else None

    @property
    def cv_mae(self) -> float | None:
        return self.metadata.cv_mae if self.metadata else None


def build_training_set(store: FeedbackStore, *, since: datetime, min_signals: int) -> TrainingSet:
    """One row per rule with at least ``min_signals`` signals since ``since``
    (A/B test outcomes excluded): its recorded features and the mean value of
    those signals."""
    aggregates = store.read(
        "SELECT rule_id, COUNT(*) AS n, AVG(value) AS mean FROM signals"
        " WHERE ts >= ? AND json_extract(context, ?) IS NULL"
        " GROUP BY rule_id ORDER BY rule_id",
        [since.timestamp(), f"$.{AB_TEST_CONTEXT_KEY}"],
    )
    enough = {
        row["rule_id"]: (row["n"], row["mean"]) for row in aggregates if row["n"] >= min_signals
    }
    records = {record.id: record for record in store.rule_records(list(enough))}
    rule_ids = [rule_id for rule_id in enough if rule_id in records]
    return TrainingSet(
        rule_ids=rule_ids,
        rows=[features_from_record(records[rule_id]) for rule_id in rule_ids],
        targets=np.asarray([enough[rule_id][1] for rule_id in rule_ids], dtype=np.float64),
        n_signals=int(sum(enough[rule_id][0] for rule_id in rule_ids)),
        rules_below_min_signals=len(aggregates) - len(enough),
        rules_without_features=len(enough) - len(rule_ids),
    )


def train_and_save(
    store: FeedbackStore,
    state_dir: Path,
    *,
    feedback_window_hours: float,
    min_feedback_signals: int,
    min_training_rules: int,
    interval_alpha: float,
    random_state: int | None = 0,
    cv_folds: int = 5,
) -> tuple[TrainingReport, QualityModel | None]:
    """Fit a QualityModel on the window's feedback, cross-validate it and save it.

    Returns ``insufficient_data`` (and no model) when fewer than
    ``min_training_rules`` rules have ``min_feedback_signals`` signals.
    """
    started = time.perf_counter()
    now = datetime.now(UTC)
    data = build_training_set(
        store, since=now - timedelta(hours=feedback_window_hours), min_signals=min_feedback_signals
    )
    size = len(data.rule_ids)
    if size < min_training_rules:
        detail = (
            f"{size} rules have at least {min_feedback_signals} feedback signals in the last "
            f"{feedback_window_hours:g} h and known features; {min_training_rules} are needed "
            f"({data.rules_below_min_signals} rated rules have fewer signals, "
            f"{data.rules_without_features} were never recorded by a crawl)"
        )
        logger.info("Not training a quality model: %s", detail)
        return TrainingReport("insufficient_data", size, data.n_signals, detail), None
    model = QualityModel(alpha=interval_alpha, random_state=random_state)
    cv = cross_validate(
        model, data.rows, data.targets, n_splits=cv_folds, random_state=random_state
    )
    model.fit(data.rows, data.targets)
    metadata = save_model(
        model,
        state_dir,
        trained_at=now,
        training_size=size,
        n_signals=data.n_signals,
        cv_folds=cv.n_splits,
        cv_mae=cv.mae,
        cv_interval_coverage=cv.interval_coverage,
        cv_mean_interval_width=cv.mean_interval_width,
        feedback_window_hours=feedback_window_hours,
        min_feedback_signals=min_feedback_signals,
    )
    seconds = time.perf_counter() - started
    logger.info(
        "Trained quality model %s on %d rules (%d signals): CV MAE %.3f, "
        "%.0f%% interval coverage %.2f, %.1f s",
        metadata.model_version,
        size,
        data.n_signals,
        cv.mae,
        100 * (1 - interval_alpha),
        cv.interval_coverage,
        seconds,
    )
    detail = f"trained on {size} rules ({data.n_signals} signals)"
    return TrainingReport("trained", size, data.n_signals, detail, metadata, seconds), model
