"""Adjusted scores: a rule's prediction plus what its own feedback earned it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from rules_spider.learning.awards import feedback_adjustment, trend_bonus, value_trend
from rules_spider.learning.engine_results import QualityPrediction, ScoreBreakdown
from rules_spider.learning.signals import is_variant_outcome
from rules_spider.learning.store import FeedbackStore

def window_start(hours: float) -> datetime:
    """When the feedback window of ``hours`` (``RULES_FEEDBACK_WINDOW_HOURS``) opens, seen from now."""
    return datetime.now(UTC) - timedelta(hours=hours)


# (value, epoch seconds) of each signal of a rule, oldest first.
History = Mapping[str, list[tuple[float, float]]]


def signal_history(store: FeedbackStore, rule_ids: Sequence[str] | None, *, since: datetime) -> History:
    """The rules' signals since ``since`` (every rule's when ``rule_ids`` is None), A/B test outcomes left out."""
    history: dict[str, list[tuple[float, float]]] = {}
    for signal in store.signals(rule_ids=None if rule_ids is None else list(rule_ids), since=since):
        if not is_variant_outcome(signal.context):
            history.setdefault(signal.rule_id, []).append(
                (signal.value, signal.timestamp.timestamp())
            )
    return history


def score_breakdown(
    prediction: QualityPrediction,
    points: list[tuple[float, float]],
    *,
    learning_rate: float,
    min_signals: int,
    window_days: float,
    quality_threshold: float | None,
) -> ScoreBreakdown:
    """``clip(prediction + feedback adjustment + trend bonus, 0, 1)`` with its parts."""
    values = [value for value, _ in points]
    observed = sum(values) / len(values) if values else None
    base = prediction.predicted_quality
    adjustment = bonus = 0.0
    trend = None
    if base is not None and observed is not None:
        adjustment = feedback_adjustment(
            observed, base, len(values), learning_rate=learning_rate, min_signals=min_signals
        )
    if len(values) >= min_signals:
        trend = value_trend(values, [moment for _, moment in points])
        bonus = trend_bonus(trend, learning_rate=learning_rate, window_days=window_days)
    score = None if base is None else min(1.0, max(0.0, base + adjustment + bonus))
    return ScoreBreakdown(
        rule_id=prediction.rule_id,
        score=score,
        base=base,
        basis=prediction.basis,
        model=prediction.model,
        n_signals=len(values),
        observed_mean=observed,
        feedback_adjustment=adjustment,
        trend_slope_per_day=trend.slope_per_day if trend else None,
        trend_bonus=bonus,
        meets_threshold=None if score is None or quality_threshold is None else score >= quality_threshold,
    )
