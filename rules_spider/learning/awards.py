"""Self-awarding: score adjustments earned from feedback, trends and batches.

All three are scaled by the engine's ``learning_rate`` (``lr``):

* **feedback adjustment** = ``lr * (observed - predicted)`` for a rule with
  at least ``min_signals`` signals in the window: positive (an award) when the
  rule did better than predicted, negative (a demotion) when worse.
* **trend bonus** = ``lr * min(1, slope_per_day * window_days)`` when the
  Theil-Sen slope of the rule's signal values over time is positive with
  its 95% confidence interval above zero; 0 otherwise.
* **batch reward** = ``lr * (batch_mean - previous_batch_mean)`` when a
  batch's mean observed quality beats the previous batch's; recorded in the
  engine state as a global reward (it does not change rule scores).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


SECONDS_PER_DAY = 86_400.0
MIN_TREND_POINTS = 3


@dataclass(frozen=True, slots=True)
class Trend:
    """Theil-Sen slope of signal value against time, in value per day."""

    slope_per_day: float
    low_slope: float  # 95% confidence interval of the slope
    high_slope: float
    n: int
    method: str = "theil-sen"

    @property
    def improving(self) -> bool:
        return self.low_slope > 0


def feedback_adjustment(
    observed: float, predicted: float, n_signals: int, *, learning_rate: float, min_signals: int
) -> float:
    if n_signals < min_signals:
        return 0.0
    return learning_rate * (observed - predicted)


def value_trend(values: Sequence[float], epoch_seconds: Sequence[float]) -> Trend | None:
    """The trend of ``values`` over time, or None below 3 points or one distinct time."""
    if len(values) < MIN_TREND_POINTS or len(set(epoch_seconds)) < 2:
        return None
    # Imported here: the crawl process imports this module, and needs NumPy only once there is feedback.
    import numpy as np
    from scipy.stats import theilslopes

    days = (np.asarray(epoch_seconds, dtype=np.float64) - min(epoch_seconds)) / SECONDS_PER_DAY
    result = theilslopes(np.asarray(values, dtype=np.float64), days, alpha=0.95)
    return Trend(
        slope_per_day=float(result.slope),
        low_slope=float(result.low_slope),
        high_slope=float(result.high_slope),
        n=len(values),
    )


def trend_bonus(trend: Trend | None, *, learning_rate: float, window_days: float) -> float:
    if trend is None or not trend.improving:
        return 0.0
    return learning_rate * min(1.0, trend.slope_per_day * window_days)


def batch_reward(
    current_mean: float, previous_mean: float | None, *, learning_rate: float
) -> float:
    if previous_mean is None or current_mean <= previous_mean:
        return 0.0
    return learning_rate * (current_mean - previous_mean)
