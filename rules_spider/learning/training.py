"""Retraining the rule model from what the user judged (``scrapy feedback --retrain``, the engine API)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from rules_spider.learning.store import FeedbackStore
from rules_spider.learning.user_labels import collect_user_labels
from rules_spider.rulemodel.persistence import ModelCard, RuleModelError, load_rule_model_from, state_model_dir
from rules_spider.rulemodel.retrain import retrain_rule_model
from rules_spider.rulemodel.training import SetScores

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrainingReport:
    """What a retrain did: ``trained`` a new model, kept a ``fresh`` one, or found ``insufficient_data``.

    ``card`` is the model now in use in the state directory (None: the shipped model is in use);
    ``per_set`` the retrained model's leave-one-set-out figures, the user's labels as set ``user``.
    """

    status: Literal["trained", "fresh", "insufficient_data"]
    user_labels: int
    detail: str
    card: ModelCard | None = None
    per_set: list[SetScores] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def model_version(self) -> str | None:
        return self.card.model_version if self.card else None


def state_card(state_dir: Path) -> ModelCard | None:
    """The card of the model retrained in ``state_dir``, if one loads there."""
    folder = state_model_dir(state_dir)
    if not folder.is_dir():
        return None
    try:
        return load_rule_model_from(folder).card
    except RuleModelError as exc:
        logger.warning("The retrained rule model in %s is not usable: %s", folder, exc)
        return None


def retrain_from_store(store: FeedbackStore, state_dir: Path, *, since: datetime, min_signals: int,
                       min_labels: int, weight: float, update_interval_hours: float,
                       force: bool = False) -> TrainingReport:
    """Refit the rule model on the shipped corpus plus the store's labeled units."""
    current = state_card(state_dir)
    if current is not None and not force:
        age = datetime.now(UTC) - current.trained_at
        if age < timedelta(hours=update_interval_hours):
            return TrainingReport("fresh", current.user_labels,
                                  f"model {current.model_version} is {age.total_seconds() / 3600:.1f} h old, "
                                  f"under the {update_interval_hours:g} h update interval", current)
    labels = collect_user_labels(store, since=since, min_signals=min_signals)
    if len(labels) < min_labels:
        kept = f"; keeping model {current.model_version}" if current else "; the shipped model stays in use"
        return TrainingReport("insufficient_data", len(labels),
                              f"{len(labels)} labeled unit(s), {min_labels} needed (rules with at least "
                              f"{min_signals} signals, review decisions, MCP outcomes){kept}", current)
    report = retrain_rule_model(state_dir, labels, weight=weight)
    return TrainingReport("trained", len(labels),
                          f"refitted on the corpus plus {len(labels)} labeled units (weight {weight:g} each)",
                          report.card, report.per_set, report.seconds)
