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

Without a trained model (fewer than ``min_training_rules`` rules with
``min_feedback_signals`` signals each in the window) predictions fall back
to the crawl's heuristic score with ``model=None`` and no interval.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from rules_spider import settings as defaults
from rules_spider.config import RulesConfig
from rules_spider.learning import abtest, batches, usage
from rules_spider.learning.features import features_from_record, features_from_rule
from rules_spider.learning.model import QualityModel
from rules_spider.learning.persistence import (
    ModelMetadata,
    ModelVersionError,
    load_model,
    model_path,
    read_metadata,
)
from rules_spider.learning.recommendations import recommend
from rules_spider.learning.engine_results import (
    BatchOutcome,
    QualityPrediction,
    Recommendation,
    ScoreBreakdown,
)
from rules_spider.learning.scoring import score_breakdown, signal_history
from rules_spider.learning.snapshots import Snapshot, read_snapshot, write_snapshot
from rules_spider.learning.store import FeedbackStore, RuleRecord
from rules_spider.learning.training import TrainingReport, train_and_save

if TYPE_CHECKING:
    from rules_spider.items import Rule

logger = logging.getLogger(__name__)

MODEL_POINTER_KEY = "model/current"


class EngineConfig(BaseModel):
    """The engine's options; their defaults are the RULES_* settings' (``rules_spider.settings``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    feedback_window_hours: float = Field(gt=0)
    min_feedback_signals: int = Field(ge=1)
    quality_threshold: float = Field(ge=0, le=1)
    learning_rate: float = Field(gt=0, le=1)
    model_update_interval_hours: float = Field(ge=0)
    # Rules (each with min_feedback_signals signals) needed before a model is fitted.
    min_training_rules: int = Field(ge=10)
    # 1 - interval_alpha is the level of the prediction intervals (0.2 -> 80%).
    interval_alpha: float = Field(0.2, gt=0, lt=1)
    random_state: int = 0


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
        quality_threshold: float = defaults.RULES_QUALITY_THRESHOLD,
        learning_rate: float = defaults.RULES_FEEDBACK_LEARNING_RATE,
        model_update_interval_hours: float = defaults.RULES_MODEL_UPDATE_INTERVAL_HOURS,
        state_dir: str | Path | None = None,
        *,
        min_training_rules: int = defaults.RULES_MIN_TRAINING_RULES,
        interval_alpha: float = 0.2,
        random_state: int = 0,
    ) -> None:
        """``state_dir`` defaults to that of the default settings (``<RULES_OUTPUT_DIR>/state``)."""
        self.config = EngineConfig(
            feedback_window_hours=feedback_window_hours,
            min_feedback_signals=min_feedback_signals,
            quality_threshold=quality_threshold,
            learning_rate=learning_rate,
            model_update_interval_hours=model_update_interval_hours,
            min_training_rules=min_training_rules,
            interval_alpha=interval_alpha,
            random_state=random_state,
        )
        self.state_dir = Path(state_dir) if state_dir else RulesConfig.from_settings().state_dir
        self.store = FeedbackStore(self.state_dir)
        self._model_lock = threading.Lock()
        self._model: tuple[QualityModel, ModelMetadata] | None = None
        self._reported_model_errors: set[str] = set()

    @classmethod
    def from_config(cls, config: RulesConfig, **kwargs: Any) -> SelfImprovingEngine:
        """An engine on the config's state directory with its feedback options and quality threshold."""
        return cls(
            feedback_window_hours=config.feedback_window_hours,
            min_feedback_signals=config.min_feedback_signals,
            quality_threshold=config.quality_threshold,
            learning_rate=config.feedback_learning_rate,
            model_update_interval_hours=config.model_update_interval_hours,
            state_dir=config.state_dir,
            min_training_rules=config.min_training_rules,
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
        return datetime.now(UTC) - timedelta(hours=self.config.feedback_window_hours)

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

    def record_rules(self, rules: Sequence[Rule]) -> int:
        """Save the features of ``rules`` so feedback on them trains later models."""
        return self.store.upsert_rules(rules)

    # -- model ----------------------------------------------------------------

    def current_model(self) -> tuple[QualityModel, ModelMetadata] | None:
        """The model the store points at (loaded once per version), or None.

        Raises :class:`ModelVersionError` when it was saved by an incompatible
        scikit-learn/numpy.
        """
        pointer = self.store.get_state(MODEL_POINTER_KEY)
        if pointer is None:
            return None
        with self._model_lock:
            if self._model is None or self._model[1].model_version != pointer["version"]:
                self._model = load_model(
                    self.state_dir, model_path(self.state_dir, pointer["version"])
                )
            return self._model

    def usable_model(self) -> tuple[tuple[QualityModel, ModelMetadata] | None, str]:
        """``(current model, "")``, or ``(None, why not)``: none trained yet, or the
        saved one is unusable here (logged once per version; predictions fall back
        to the heuristic)."""
        try:
            loaded = self.current_model()
        except (ModelVersionError, FileNotFoundError) as exc:
            if str(exc) not in self._reported_model_errors:
                self._reported_model_errors.add(str(exc))
                logger.warning("Not using the saved quality model: %s", exc)
            return None, f"saved model unusable: {exc}"
        if loaded is None:
            return None, "no quality model trained yet (not enough feedback)"
        return loaded, ""

    def _current_metadata(self) -> ModelMetadata | None:
        """Metadata of the model the store points at; None when there is none or
        its files are gone (then the next retrain replaces it)."""
        pointer = self.store.get_state(MODEL_POINTER_KEY)
        if pointer is None:
            return None
        try:
            return read_metadata(self.state_dir, model_path(self.state_dir, pointer["version"]))
        except FileNotFoundError:
            logger.warning("Model %s is referenced but its files are missing", pointer["version"])
            return None

    def retrain(self, force: bool = False) -> TrainingReport:
        """Fit a new model from the window's feedback unless the current one is
        younger than ``model_update_interval_hours`` (``force`` skips that check)."""
        current = self._current_metadata()
        if current is not None and not force:
            age = datetime.now(UTC) - current.trained_at
            if age < timedelta(hours=self.config.model_update_interval_hours):
                return TrainingReport(
                    "fresh",
                    current.training_size,
                    current.n_signals,
                    f"model {current.model_version} is {age.total_seconds() / 3600:.1f} h old, "
                    f"under the {self.config.model_update_interval_hours:g} h update interval",
                    current,
                )
        report, model = train_and_save(
            self.store,
            self.state_dir,
            feedback_window_hours=self.config.feedback_window_hours,
            min_feedback_signals=self.config.min_feedback_signals,
            min_training_rules=self.config.min_training_rules,
            interval_alpha=self.config.interval_alpha,
            random_state=self.config.random_state,
        )
        if model is None or report.metadata is None:
            if current is not None:
                return TrainingReport(
                    report.status,
                    report.training_size,
                    report.n_signals,
                    f"{report.detail}; keeping model {current.model_version}",
                    current,
                )
            return report
        self._set_current(model, report.metadata)
        return report

    def _set_current(self, model: QualityModel, metadata: ModelMetadata) -> None:
        self.store.set_state(
            MODEL_POINTER_KEY,
            {"version": metadata.model_version, "trained_at": metadata.trained_at.isoformat()},
        )
        with self._model_lock:
            self._model = (model, metadata)

    # -- prediction -------------------------------------------------------------

    def predict_many(self, rules: Sequence[Rule | RuleRecord]) -> list[QualityPrediction]:
        loaded, reason = self.usable_model()
        if loaded is None:
            return [self._fallback(rule, reason) for rule in rules]
        model, metadata = loaded
        rows = [_features(rule) for rule in rules]
        if not rows:
            return []
        predicted = model.predict(rows)
        low, high = model.predict_interval(rows)
        level = 1 - metadata.interval_alpha
        return [
            QualityPrediction(
                rule_id=rule.id,
                predicted_quality=float(p),
                confidence_interval=(float(lo), float(hi)),
                interval_level=level,
                model=metadata.model_version,
                basis="model",
                detail=(
                    f"model {metadata.model_version} trained on {metadata.training_size} rules; "
                    f"{level:.0%} conformalized quantile interval, CV MAE {metadata.cv_mae:.3f}"
                ),
            )
            for rule, p, lo, hi in zip(rules, predicted, low, high, strict=True)
        ]

    def _fallback(self, rule: Rule | RuleRecord, reason: str) -> QualityPrediction:
        score = rule.heuristic_score
        return QualityPrediction(
            rule_id=rule.id,
            predicted_quality=score,
            confidence_interval=None,
            interval_level=None,
            model=None,
            basis="heuristic" if score is not None else "none",
            detail=reason + ("" if score is not None else "; the rule has no heuristic score"),
        )

    async def predict_rule_quality(self, rule: Rule | RuleRecord) -> QualityPrediction:
        return (await asyncio.to_thread(self.predict_many, [rule]))[0]

    def score_rules(
        self, rules: Sequence[Rule | RuleRecord]
    ) -> list[tuple[float | None, str | None]]:
        """``(score, model_version)`` per rule for the crawl's quality pipeline:
        the model's prediction, or ``(heuristic_score, None)`` without a model."""
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
        model = loaded[0] if loaded else None
        return recommend(rule, features_from_rule(rule), model, prediction, effectiveness)

    async def generate_improvement_recommendations(
        self,
        rule: Rule,
        effectiveness: float | None = None,
        prediction: QualityPrediction | dict[str, Any] | None = None,
    ) -> list[Recommendation]:
        """Changes the model expects to raise the rule's quality, best first, each
        with ``expected_improvement`` from re-predicting with the feature changed;
        plus a re-check item when ``effectiveness`` is below the prediction interval."""
        return await asyncio.to_thread(self.recommendations, rule, effectiveness, prediction)

    # -- awards -------------------------------------------------------------------

    def score_breakdowns(self, rules: Sequence[Rule | RuleRecord]) -> list[ScoreBreakdown]:
        """Prediction plus feedback adjustment and trend bonus for each rule
        (from the window's signals, A/B test outcomes left out)."""
        history = signal_history(self.store, [r.id for r in rules], since=self.window_start())
        return [
            score_breakdown(
                prediction,
                history.get(prediction.rule_id, []),
                learning_rate=self.config.learning_rate,
                min_signals=self.config.min_feedback_signals,
                window_days=self.config.feedback_window_hours / 24,
                quality_threshold=self.config.quality_threshold,
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
        pointer = self.store.get_state(MODEL_POINTER_KEY)
        snapshot = Snapshot(
            config=self.config.model_dump(),
            model_version=pointer["version"] if pointer else None,
            state=self.store.state_items(),
        )
        return write_snapshot(self.state_dir, path, snapshot)

    def load_state_sync(self, path: str | Path) -> None:
        snapshot = read_snapshot(self.state_dir, path)
        config = EngineConfig.model_validate(snapshot.config)
        version = snapshot.model_version
        loaded = (
            load_model(self.state_dir, model_path(self.state_dir, version)) if version else None
        )
        for key, value in snapshot.state.items():
            self.store.set_state(key, value)
        self.config = config
        with self._model_lock:
            self._model = loaded

    async def save_state(self, path: str | Path) -> Path:
        """Snapshot configuration, engine state and the current model's version to
        ``path`` (inside the state directory)."""
        return await asyncio.to_thread(self.save_state_sync, path)

    async def load_state(self, path: str | Path) -> None:
        """Restore a :meth:`save_state` snapshot; its model must be in this state
        directory and loadable here (else :class:`ModelVersionError`)."""
        await asyncio.to_thread(self.load_state_sync, path)


def _features(rule: Rule | RuleRecord) -> dict[str, Any]:
    return features_from_record(rule) if isinstance(rule, RuleRecord) else features_from_rule(rule)
