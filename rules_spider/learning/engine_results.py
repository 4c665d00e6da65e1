"""What the engine returns: predictions, score breakdowns, batch outcomes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Basis = Literal["model", "heuristic", "none"]


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    def __getitem__(self, key: str) -> Any:
        """Dict-style access (``prediction["predicted_quality"]``) for code written
        against the dict-returning reference API."""
        if key not in type(self).model_fields:
            raise KeyError(key)
        return getattr(self, key)


class QualityPrediction(_Result):
    """``basis`` says where ``predicted_quality`` comes from: the fitted ``model``
    (then ``model`` is its version and ``confidence_interval`` its
    ``interval_level`` prediction interval), the crawl's ``heuristic`` (no model
    yet: no interval), or ``none`` (neither: ``predicted_quality`` is None)."""

    rule_id: str
    predicted_quality: float | None
    confidence_interval: tuple[float, float] | None
    interval_level: float | None
    model: str | None
    basis: Basis
    detail: str


class ScoreBreakdown(_Result):
    """``score = clip(base + feedback_adjustment + trend_bonus, 0, 1)``; see
    :mod:`rules_spider.learning.awards` for the two terms."""

    rule_id: str
    score: float | None
    base: float | None
    basis: Basis
    model: str | None
    n_signals: int
    observed_mean: float | None
    feedback_adjustment: float
    trend_slope_per_day: float | None
    trend_bonus: float
    meets_threshold: bool | None


class BatchOutcome(_Result):
    batch_id: str
    n_rules: int
    rated_rules: int
    mean_observed: float | None
    previous_mean: float | None
    reward: float
    total_reward: float


class Recommendation(_Result):
    """One change to a rule. ``expected_improvement`` is the model's predicted
    quality with the feature changed minus its prediction for the rule as it
    is; None when no model is trained or the item is not a feature change."""

    kind: str
    description: str
    expected_improvement: float | None
    feature: str | None = None
    current_value: float | None = None
    suggested_value: float | None = None
