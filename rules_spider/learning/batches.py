"""Batch history: each crawl's mean observed quality, and the global reward it earned."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from rules_spider.learning.awards import batch_reward
from rules_spider.learning.engine_results import BatchOutcome
from rules_spider.learning.scoring import signal_history
from rules_spider.learning.store import FeedbackStore

# {"history": [entry, ...], "total_reward": float, "rewarded_batches": int}
BATCHES_KEY = "batches"
MAX_HISTORY = 1000


def batch_mean_observed(
    store: FeedbackStore, rule_ids: Sequence[str], *, since: datetime, min_signals: int
) -> tuple[float | None, int]:
    """Mean over the batch's rules with ``min_signals`` signals of their mean
    value (A/B test outcomes left out), and how many rules that is."""
    history = signal_history(store, rule_ids, since=since)
    means = [
        sum(value for value, _ in points) / len(points)
        for points in history.values()
        if len(points) >= min_signals
    ]
    return (sum(means) / len(means) if means else None), len(means)


def record_batch(
    store: FeedbackStore,
    batch_id: str,
    rule_ids: Sequence[str],
    *,
    since: datetime,
    min_signals: int,
    learning_rate: float,
) -> BatchOutcome:
    """Append the batch to the history and add its reward to the global total.

    The previous batch is the latest recorded one with a measured mean.
    Read-modify-write of the history runs in one transaction, so two
    processes recording batches at once keep both.
    """
    mean, rated = batch_mean_observed(store, rule_ids, since=since, min_signals=min_signals)
    entry: dict[str, Any] = {}

    def append(current: dict[str, Any] | None) -> dict[str, Any]:
        current = current or {"history": [], "total_reward": 0.0, "rewarded_batches": 0}
        history = current["history"]
        previous = next(
            (h["mean_observed"] for h in reversed(history) if h["mean_observed"] is not None),
            None,
        )
        reward = 0.0 if mean is None else batch_reward(mean, previous, learning_rate=learning_rate)
        entry.update(
            batch_id=batch_id,
            recorded_at=datetime.now(UTC).isoformat(),
            n_rules=len(rule_ids),
            rated_rules=rated,
            mean_observed=mean,
            previous_mean=previous,
            reward=reward,
        )
        return {
            "history": [*history, entry][-MAX_HISTORY:],
            "total_reward": current["total_reward"] + reward,
            "rewarded_batches": current["rewarded_batches"] + (reward > 0),
        }

    updated = store.update_state(BATCHES_KEY, append)
    return BatchOutcome(
        batch_id=batch_id,
        n_rules=entry["n_rules"],
        rated_rules=entry["rated_rules"],
        mean_observed=entry["mean_observed"],
        previous_mean=entry["previous_mean"],
        reward=entry["reward"],
        total_reward=updated["total_reward"],
    )
