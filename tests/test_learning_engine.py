"""SelfImprovingEngine on the rule model: predictions with intervals, retraining from the user's labeled
units, recommendations, snapshots, retraining schedule."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from scrapy.settings import Settings

from rules_spider.compose import PageInfo
from rules_spider.learning import QualityPrediction, SelfImprovingEngine
from rules_spider.learning.state_dir import UnsafePathError
from rules_spider.page_rules import Selection, page_to_rules
from rules_spider.units.stored import unit_context
from rules_spider.rulemodel.persistence import CARD_FILE, RuleModelError, load_rule_model, state_model_dir
from rules_spider.units import Unit

T = TypeVar("T")

PAGE = """<html><body><main><h1>Pool</h1>
<h2>Closing</h2><p>Always call <code>Pool.close()</code> before the process exits, otherwise workers leak.</p>
<p>The pool was added in version 2.0.</p>
<h2>Sizing</h2><p>Never share one <code>Pool</code> between threads; create one per thread.</p>
</main></body></html>"""


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on a fresh event loop in its own thread (pytest-twisted
    keeps a loop running on the main thread)."""
    with ThreadPoolExecutor(1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


def page_rules() -> list:
    result = page_to_rules(PAGE, PageInfo(url="http://docs.example/pool.html", source_name="Pool", technology="python"),
                           Selection(threshold=0.0))
    return result.rules


def unit(text: str, heading: str = "Setup") -> Unit:
    return Unit(text=text, marked=text, kind="sentence", page_kind="guide", heading_path=("Guide", heading),
                section_index=0, block_index=0)


def test_predictions_are_the_crawls_probabilities_with_an_interval(tmp_path: Path) -> None:
    rules = page_rules()
    with SelfImprovingEngine(state_dir=tmp_path) as engine:
        predictions = engine.predict_many(rules)
    shipped = load_rule_model(None)
    for rule, prediction in zip(rules, predictions, strict=True):
        assert prediction.basis == "model" and prediction.model == shipped.card.model_version
        # the same model the crawl selected the rule with, on the same unit
        assert prediction.predicted_quality == pytest.approx(rule.quality_score, abs=1e-4)
        low, high = prediction.confidence_interval
        assert prediction.interval_level == 0.9 and (low, high) == shipped.calibration.interval(rule.quality_score)


def test_async_methods_run_off_the_event_loop_thread(tmp_path: Path, monkeypatch) -> None:
    threads: list[str] = []
    with SelfImprovingEngine(state_dir=tmp_path) as engine:
        original = engine.predict_many

        def recording(rules):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread().name)
            return original(rules)

        monkeypatch.setattr(engine, "predict_many", recording)

        async def predict() -> QualityPrediction:
            loop_thread = threading.current_thread().name
            prediction = await engine.predict_rule_quality(page_rules()[0])
            assert threads and threads[0] != loop_thread
            return prediction

        assert run_async(predict()).basis == "model"


def test_too_few_labels_keep_the_shipped_model(tmp_path: Path) -> None:
    with SelfImprovingEngine(state_dir=tmp_path, min_user_labels=3) as engine:
        rule = page_rules()[0]
        engine.record_rules([rule])
        engine.store.add_unit_label(rule.id, 0, origin="review", unit=rule.unit, failure="description")
        report = engine.retrain(force=True)
        assert report.status == "insufficient_data" and report.user_labels == 1
        assert "3 needed" in report.detail and not state_model_dir(tmp_path).exists()
        assert engine.current_model().card.model_version == load_rule_model(None).card.model_version


def test_rejected_units_of_one_kind_retrain_the_model_that_selects_rules(tmp_path: Path) -> None:
    probe = unit("You should restart the gizmo daemon after every edit.", "Gizmo")
    rejected = [unit(f"You should restart the gizmo daemon after edit number {i}.", "Gizmo") for i in range(12)]
    with SelfImprovingEngine(state_dir=tmp_path, min_user_labels=10, user_label_weight=5.0) as engine:
        shipped = engine.current_model()
        before = float(shipped.model.proba_from_counts(shipped.model.counts([probe]))[0])
        for number, item in enumerate(rejected):
            engine.store.add_unit_label(f"r{number}", 0, origin="review", unit=unit_context(item), failure="vague")
        report = engine.retrain(force=True)
        assert report.status == "trained" and report.user_labels == 12
        assert report.card is not None and report.card.user_labels == 12 and report.card.user_label_weight == 5.0
        assert "user" in {row.name for row in report.per_set}
        retrained = engine.current_model()
        assert retrained.card.model_version == report.card.model_version != shipped.card.model_version
        after = float(retrained.model.proba_from_counts(retrained.model.counts([probe]))[0])
        assert after < before - 0.1
        # the crawl's page-to-rules step picks up the retrained model from the same state directory
        result = page_to_rules("<html><body><main><h1>Gizmo</h1><p>You should restart the gizmo daemon after "
                               "every edit.</p></main></body></html>",
                               PageInfo(url="http://x/g", source_name="G", technology="python"),
                               Selection(threshold=0.0, state_dir=tmp_path))
        assert result.model_version == retrained.card.model_version
        assert engine.retrain().status == "fresh"  # within RULES_MODEL_UPDATE_INTERVAL_HOURS


def test_feedback_signals_become_labels_too(tmp_path: Path) -> None:
    rules = page_rules()
    with SelfImprovingEngine(state_dir=tmp_path, min_feedback_signals=2, min_user_labels=2) as engine:
        engine.record_rules(rules)
        for rule in rules[:2]:
            for value in (0.0, 0.1):
                run_async(engine.collect_feedback_signal(rule.id, "user_rating", value))
        report = engine.retrain(force=True)
        assert report.status == "trained" and report.user_labels == 2


def test_recommendations_with_a_number_are_re_predictions(tmp_path: Path) -> None:
    [rule] = [r for r in page_rules() if "added" in r.evidence]
    rule.subject = "Pool"
    rule.unit = unit_context(replace(Unit(**{**rule.unit, "heading_path": tuple(rule.unit["heading_path"]),
                                             "columns": ()}), term=None))
    with SelfImprovingEngine(state_dir=tmp_path) as engine:
        items = engine.recommendations(rule)
        model = engine.current_model()
    kinds = {item.kind for item in items}
    assert {"missing_example", "no_reason"} <= kinds
    for item in items:
        if item.expected_improvement is not None:
            assert item.expected_improvement >= 0.005
        else:
            assert item.kind in {"missing_example", "no_reason", "feedback_below_prediction"} or model is None


def test_load_state_refuses_a_model_from_another_scikit_learn(tmp_path: Path) -> None:
    with SelfImprovingEngine(state_dir=tmp_path, min_user_labels=1) as engine:
        engine.store.add_unit_label("r", 0, origin="review", unit=unit_context(unit("Do X now.")))
        assert engine.retrain(force=True).status == "trained"
        run_async(engine.save_state("snapshots/mismatch.json"))
    card_path = state_model_dir(tmp_path) / CARD_FILE
    card = json.loads(card_path.read_text())
    card["sklearn_version"] = "0.24.2"
    card_path.write_text(json.dumps(card))
    with SelfImprovingEngine(state_dir=tmp_path) as other:
        with pytest.raises(RuleModelError, match=r"scikit-learn 0\.24\.2"):
            run_async(other.load_state("snapshots/mismatch.json"))
        # Scoring does not crash a caller: no prediction, and it says why.
        [prediction] = other.predict_many(page_rules()[:1])
        assert prediction.model is None and prediction.basis == "none" and "0.24.2" in prediction.detail


def test_state_snapshot_round_trip(tmp_path: Path) -> None:
    with SelfImprovingEngine(state_dir=tmp_path) as engine:
        engine.store.set_state("rewards/example", {"total": 0.5})
        path = run_async(engine.save_state("snapshots/a.json"))
        assert json.loads(path.read_text())["model_version"] == engine.current_model().card.model_version
    with SelfImprovingEngine(state_dir=tmp_path, learning_rate=0.3) as other:
        run_async(other.load_state("snapshots/a.json"))
        assert other.store.get_state("rewards/example") == {"total": 0.5}
        assert other.config.learning_rate == 0.1
        with pytest.raises(UnsafePathError):
            run_async(other.save_state("/tmp/engine.json"))


def test_collect_feedback_signal_validates(tmp_path: Path) -> None:
    with SelfImprovingEngine(state_dir=tmp_path) as engine, pytest.raises(ValueError, match="value 2 is outside"):
        run_async(engine.collect_feedback_signal("r", "usage_success", 2))


def test_engine_from_scrapy_settings(tmp_path: Path) -> None:
    settings = Settings({"RULES_OUTPUT_DIR": str(tmp_path / "out"), "RULES_STATE_DIR": ""})
    with SelfImprovingEngine.from_settings(settings) as engine:
        assert engine.state_dir == tmp_path / "out" / "state"
        assert engine.store.path.is_file()
    settings = Settings({"RULES_STATE_DIR": str(tmp_path / "s"), "RULES_MIN_FEEDBACK_SIGNALS": "3",
                         "RULES_USER_LABEL_WEIGHT": "2"})
    with SelfImprovingEngine.from_settings(settings) as engine:
        assert engine.state_dir == tmp_path / "s"
        assert engine.config.min_feedback_signals == 3 and engine.config.user_label_weight == 2.0


def test_prediction_result_is_a_typed_model() -> None:
    with pytest.raises(ValueError):
        QualityPrediction(  # type: ignore[call-arg]
            rule_id="r", predicted_quality=0.5, confidence_interval=None, interval_level=None, model=None,
            basis="guess", detail="",
        )
