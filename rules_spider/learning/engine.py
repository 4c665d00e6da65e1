"""SelfImprovingEngine: feedback in, better rule scores out.

The engine ties the pieces of :mod:`rules_spider.learning` together behind
the reference API::

    engine = SelfImprovingEngine(state_dir="output/state")
    await engine.collect_feedback_signal(rule.id, "usage_success", 1.0, {"session": "s1"})
    engine.retrain()                      # fits a model once enough feedback exists
    prediction = await engine.predict_rule_quality(rule)
    tips = await engine.generate_improvement_recommendations(rule, 0.4, prediction)
    await engine.save_state("snapshot.json")

The async methods run SQLite and scikit-learn work in a worker thread
(``asyncio.to_thread``) so they never block the event loop; the sync
helpers (``score_rules``, ``adjusted_score``, ``retrain``...) are for the
crawl, which calls them off the reactor thread.

Predictions come from the rule model, the same model that selects rules in the
crawl: the one retrained from this state directory's labeled units when there
is one, else the model shipped in the package (trained on the labeled corpus).
``predict_rule_quality`` gives P(guidance) of the rule's unit with the 90%
interval of the positive rate among units the model scored alike in
cross-validation. ``retrain`` refits on the shipped corpus plus the user's
labeled units (``learning.user_labels``) once ``min_user_labels`` exist.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from rules_spider import settings as defaults
from rules_spider.config import RulesConfig
from rules_spider.learning import abtest, batches, usage
from rules_spider.learning.recommendations import recommend
from rules_spider.learning.engine_results import (
    BatchOutcome,
    QualityPrediction,
    Recommendation,
    ScoreBreakdown,
)
from rules_spider.learning.scoring import score_breakdown, signal_history, window_start
from rules_spider.learning.snapshots import Snapshot, read_snapshot, write_snapshot
from rules_spider.learning.store import FeedbackStore, RuleRecord
from rules_spider.learning.training import TrainingReport, retrain_from_store
from rules_spider.units.stored import unit_of_rule
from rules_spider.rulemodel.loading import current_rule_model
from rules_spider.rulemodel.persistence import LoadedRuleModel, RuleModelError

if TYPE_CHECKING:
    from rules_spider.items import Rule

logger = logging.getLogger(__name__)



class EngineConfig(BaseModel):
    """The engine's options; their defaults are the RULES_* settings' (``rules_spider.settings``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    feedback_window_hours: float = Field(gt=0)
    min_feedback_signals: int = Field(ge=1)
    learning_rate: float = Field(gt=0, le=1)
    model_update_interval_hours: float = Field(ge=0)
    # Labeled units (rules with min_feedback_signals signals, review decisions, MCP outcomes)
    # needed before the rule model is refitted.
    min_user_labels: int = Field(ge=1)
    # How many corpus units one user label weighs in the refit.
    user_label_weight: float = Field(gt=0)
    # Score a rule must keep after its feedback adjustment; None: the rule model's threshold.
    rule_threshold: float | None = Field(default=None, ge=0, le=1)
    # A reranker folder (RULES_RERANKER): rules' scores are then its blended probabilities, kept at its threshold.
    reranker: Path | None = None


@dataclass(frozen=True, slots=True)
class UsageReport:
    technologies: list[usage.TechnologyUsage]
    rules: list[usage.RuleUsage]
    contexts: list[usage.ContextUsage]


class SelfImprovingEngine:
    """Collects feedback, trains the quality model, scores and rewards rules."""

    def __init__(
        self,
        feedback_window_hours: float = defaults.RULES_FEEDBACK_WINDOW_HOURS,
        min_feedback_signals: int = defaults.RULES_MIN_FEEDBACK_SIGNALS,
        rule_threshold: float | None = defaults.RULES_RULE_THRESHOLD,
        learning_rate: float = defaults.RULES_FEEDBACK_LEARNING_RATE,
        model_update_interval_hours: float = defaults.RULES_MODEL_UPDATE_INTERVAL_HOURS,
        state_dir: str | Path | None = None,
        *,
        min_user_labels: int = defaults.RULES_MIN_USER_LABELS,
        user_label_weight: float = defaults.RULES_USER_LABEL_WEIGHT,
        reranker: str | Path | None = defaults.RULES_RERANKER or None,
    ) -> None:
        """``state_dir`` defaults to that of the default settings (``<RULES_OUTPUT_DIR>/state``)."""
        self.config = EngineConfig(
            feedback_window_hours=feedback_window_hours,
            min_feedback_signals=min_feedback_signals,
            rule_threshold=rule_threshold,
            learning_rate=learning_rate,
            model_update_interval_hours=model_update_interval_hours,
            min_user_labels=min_user_labels,
            user_label_weight=user_label_weight,
            reranker=Path(reranker) if reranker else None,
        )
        self.state_dir = Path(state_dir) if state_dir else RulesConfig.from_settings().state_dir
        self.store = FeedbackStore(self.state_dir)
        self._reported_model_errors: set[str] = set()

    @classmethod
    def from_config(cls, config: RulesConfig, **kwargs: Any) -> SelfImprovingEngine:
        """An engine on the config's state directory with its feedback options and rule threshold."""
        return cls(
            feedback_window_hours=config.feedback_window_hours,
            min_feedback_signals=config.min_feedback_signals,
            rule_threshold=config.rule_threshold,
            learning_rate=config.feedback_learning_rate,
            model_update_interval_hours=config.model_update_interval_hours,
            state_dir=config.state_dir,
            min_user_labels=config.min_user_labels,
            user_label_weight=config.user_label_weight,
            reranker=config.reranker,
            **kwargs,
        )

    @classmethod
    def from_settings(cls, settings: Any, **kwargs: Any) -> SelfImprovingEngine:
        """``from_config`` of the RulesConfig of Scrapy ``settings``."""
        return cls.from_config(RulesConfig.from_settings(settings), **kwargs)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> SelfImprovingEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def window_start(self) -> datetime:
        return window_start(self.config.feedback_window_hours)

    # -- feedback ---------------------------------------------------------------

    async def collect_feedback_signal(
        self,
        rule_id: str,
        signal_type: str,
        value: float,
        context: dict[str, Any] | None = None,
        source: str = "api",
    ) -> int:
        """Store one signal durably; returns its id. ``ValueError`` names a bad field."""
        return await asyncio.to_thread(
            self.store.add_signal, rule_id, signal_type, value, context, source
        )

    def record_rules(self, rules: Sequence[Rule], units: Sequence[str | None] | None = None) -> int:
        """Save the features of ``rules`` so feedback on them trains later models (``units``: see
        ``FeedbackStore.upsert_rules``)."""
        return self.store.upsert_rules(rules, units=units)

    # -- model ----------------------------------------------------------------

    def current_model(self) -> LoadedRuleModel:
        """The rule model in use: retrained in the state directory, else the shipped one.

        Raises :class:`RuleModelError` when the model there cannot be loaded here.
        """
        return current_rule_model(self.state_dir)

    def usable_model(self) -> tuple[LoadedRuleModel | None, str]:
        """``(model, "")``, or ``(None, why not)`` when the saved model is unusable here (logged once)."""
        try:
            return self.current_model(), ""
        except RuleModelError as exc:
            if str(exc) not in self._reported_model_errors:
                self._reported_model_errors.add(str(exc))
                logger.warning("Not using the rule model: %s", exc)
            return None, f"rule model unusable: {exc}"

    @property
    def threshold(self) -> float | None:
        """The score a rule must keep: the configured rule threshold, else the reranker's when one
        selects the rules (their scores are then its blended probabilities), else the model's."""
        if self.config.rule_threshold is not None:
            return self.config.rule_threshold
        if self.config.reranker is not None:
            from rules_spider.reranker.card import read_card

            return read_card(self.config.reranker).threshold
        model, _ = self.usable_model()
        return model.threshold if model is not None else None

    def retrain(self, force: bool = False) -> TrainingReport:
        """Refit the rule model on the corpus plus the user's labeled units, unless the state
        directory's model is younger than ``model_update_interval_hours`` (``force`` skips that)."""
        return retrain_from_store(
            self.store, self.state_dir, since=self.window_start(), min_signals=self.config.min_feedback_signals,
            min_labels=self.config.min_user_labels, weight=self.config.user_label_weight,
            update_interval_hours=self.config.model_update_interval_hours, force=force,
        )

    # -- prediction -------------------------------------------------------------

    def predict_many(self, rules: Sequence[Rule | RuleRecord]) -> list[QualityPrediction]:
        loaded, reason = self.usable_model()
        if loaded is None:
            return [QualityPrediction(rule_id=rule.id, predicted_quality=None, confidence_interval=None,
                                      interval_level=None, model=None, basis="none", detail=reason)
                    for rule in rules]
        if not rules:
            return []
        units = [unit_of_rule(rule) for rule in rules]
        probabilities = loaded.model.proba_from_counts(loaded.model.counts(units))
        card = loaded.card
        return [
            QualityPrediction(
                rule_id=rule.id,
                predicted_quality=float(p),
                confidence_interval=loaded.calibration.interval(float(p)),
                interval_level=0.9,
                model=card.model_version,
                basis="model",
                detail=(
                    f"rule model {card.model_version} ({card.units} units, {card.user_labels} of them the user's); "
                    "90% interval of the guidance rate among units scored alike in leave-one-set-out CV"
                ),
            )
            for rule, p in zip(rules, probabilities, strict=True)
        ]

    async def predict_rule_quality(self, rule: Rule | RuleRecord) -> QualityPrediction:
        return (await asyncio.to_thread(self.predict_many, [rule]))[0]

    def score_rules(
        self, rules: Sequence[Rule | RuleRecord]
    ) -> list[tuple[float | None, str | None]]:
        """``(P(guidance), model_version)`` per rule."""
        return [(p.predicted_quality, p.model) for p in self.predict_many(rules)]

    # -- recommendations ----------------------------------------------------------

    def recommendations(
        self,
        rule: Rule,
        effectiveness: float | None = None,
        prediction: QualityPrediction | dict[str, Any] | None = None,
    ) -> list[Recommendation]:
        if isinstance(prediction, dict):
            prediction = QualityPrediction.model_validate({"rule_id": rule.id, **prediction})
        loaded, _ = self.usable_model()
        if prediction is None:
            prediction = self.predict_many([rule])[0]
        return recommend(rule, unit_of_rule(rule), loaded, prediction, effectiveness)

    async def generate_improvement_recommendations(
        self,
        rule: Rule,
        effectiveness: float | None = None,
        prediction: QualityPrediction | dict[str, Any] | None = None,
    ) -> list[Recommendation]:
        """Changes the rule model expects to raise the rule's probability, best first, each
        with ``expected_improvement`` from re-predicting its unit with the change; changes the
        model does not read, without a number; a re-check item when ``effectiveness`` is below
        the prediction interval."""
        return await asyncio.to_thread(self.recommendations, rule, effectiveness, prediction)

    # -- awards -------------------------------------------------------------------

    def score_breakdowns(self, rules: Sequence[Rule | RuleRecord]) -> list[ScoreBreakdown]:
        """Prediction plus feedback adjustment and trend bonus for each rule
        (from the window's signals, A/B test outcomes left out)."""
        history = signal_history(self.store, [r.id for r in rules], since=self.window_start())
        threshold = self.threshold
        return [
            score_breakdown(
                prediction,
                history.get(prediction.rule_id, []),
                learning_rate=self.config.learning_rate,
                min_signals=self.config.min_feedback_signals,
                window_days=self.config.feedback_window_hours / 24,
                quality_threshold=threshold,
            )
            for prediction in self.predict_many(rules)
        ]

    def adjusted_score(self, rule: Rule | RuleRecord) -> float | None:
        """Prediction (or heuristic) + feedback adjustment + trend bonus, clipped to [0, 1]."""
        return self.score_breakdowns([rule])[0].score

    def record_batch(self, batch_id: str, rule_ids: Sequence[str]) -> BatchOutcome:
        """Record a crawl batch; it earns a global reward when its mean observed
        quality beats the previous batch's."""
        return batches.record_batch(
            self.store,
            batch_id,
            rule_ids,
            since=self.window_start(),
            min_signals=self.config.min_feedback_signals,
            learning_rate=self.config.learning_rate,
        )

    def usage_report(self, limit: int | None = 20) -> UsageReport:
        since = self.window_start()
        return UsageReport(
            technologies=usage.technology_usage(self.store, since=since),
            rules=usage.rule_usage(self.store, since=since, limit=limit),
            contexts=usage.context_usage(self.store, since=since),
        )

    # -- A/B tests -----------------------------------------------------------------

    def create_ab_test(
        self, test_id: str, rule_id: str, variant_a: str, variant_b: str, **options: Any
    ) -> abtest.ABTest:
        """Start testing two phrasings of ``rule_id`` (options: signal_type,
        split, alpha, min_samples_per_arm: the fixed horizon, see :mod:`abtest`)."""
        test = abtest.ABTest(
            test_id=test_id, rule_id=rule_id, variant_a=variant_a, variant_b=variant_b, **options
        )
        abtest.save_test(self.store, test)
        return test

    def assign_variant(self, test_id: str, key: str) -> abtest.Variant:
        test = abtest.load_test(self.store, test_id)
        return abtest.assign_variant(test.test_id, key, test.split)

    def record_ab_outcome_sync(
        self, test_id: str, key: str, value: float, source: str = "api"
    ) -> abtest.Variant:
        test = abtest.load_test(self.store, test_id)
        variant = abtest.assign_variant(test.test_id, key, test.split)
        self.store.add_signal(
            test.rule_id, test.signal_type, value, abtest.outcome_context(test, variant), source
        )
        return variant

    async def record_ab_outcome(
        self, test_id: str, key: str, value: float, source: str = "api"
    ) -> abtest.Variant:
        """Record how the variant ``key`` saw did; returns that variant."""
        return await asyncio.to_thread(self.record_ab_outcome_sync, test_id, key, value, source)

    def evaluate_ab_test(self, test_id: str) -> abtest.ABDecision:
        return abtest.evaluate_test(self.store, test_id)

    # -- snapshots -------------------------------------------------------------------

    def save_state_sync(self, path: str | Path) -> Path:
        loaded, _ = self.usable_model()
        snapshot = Snapshot(
            config=self.config.model_dump(),
            model_version=loaded.card.model_version if loaded else None,
            state=self.store.state_items(),
        )
        return write_snapshot(self.state_dir, path, snapshot)

    def load_state_sync(self, path: str | Path) -> None:
        snapshot = read_snapshot(self.state_dir, path)
        config = EngineConfig.model_validate(snapshot.config)
        if snapshot.model_version:
            loaded = self.current_model()  # RuleModelError when it cannot be loaded here
            if loaded.card.model_version != snapshot.model_version:
                logger.warning("Snapshot %s was taken with rule model %s; model %s is in use now", path,
                               snapshot.model_version, loaded.card.model_version)
        for key, value in snapshot.state.items():
            self.store.set_state(key, value)
        self.config = config

    async def save_state(self, path: str | Path) -> Path:
        """Snapshot configuration, engine state and the current model's version to
        ``path`` (inside the state directory)."""
        return await asyncio.to_thread(self.save_state_sync, path)

    async def load_state(self, path: str | Path) -> None:
        """Restore a :meth:`save_state` snapshot; its model must be in this state
        directory and loadable here (else :class:`ModelVersionError`)."""
        await asyncio.to_thread(self.load_state_sync, path)

