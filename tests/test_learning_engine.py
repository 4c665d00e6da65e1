"""SelfImprovingEngine: fallback below the data a model needs, predictions,
recommendations, snapshots, retraining schedule."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from scrapy.settings import Settings

from rules_spider.learning import QualityPrediction, SelfImprovingEngine
from rules_spider.learning.engine import MODEL_POINTER_KEY
from rules_spider.learning.features import features_from_rule
from rules_spider.learning.state_dir import UnsafePathError
from rules_spider.learning.persistence import ModelVersionError
from tests.learning_simulation import simulate_feedback, simulate_rules

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on a fresh event loop in its own thread (pytest-twisted
    keeps a loop running on the main thread)."""
    with ThreadPoolExecutor(1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> SelfImprovingEngine:
    population = simulate_rules(90, seed=11)
    engine = SelfImprovingEngine(state_dir=tmp_path_factory.mktemp("state"))
    engine.record_rules([item.rule for item in population])
    engine.store.add_signals(simulate_feedback(population[:70], (6, 10), seed=12))
    assert engine.retrain().status == "trained"
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def population() -> list:
    return simulate_rules(90, seed=11)


def test_below_min_feedback_the_prediction_is_the_heuristic(
    tmp_path: Path, population: list
) -> None:
    engine = SelfImprovingEngine(state_dir=tmp_path, min_feedback_signals=5)
    rules = [item.rule for item in population[:30]]
    engine.record_rules(rules)
    for rule in rules:  # 4 signals each: one short of min_feedback_signals
        for value in (0.9, 0.8, 1.0, 0.7):
            run_async(engine.collect_feedback_signal(rule.id, "user_rating", value))
    report = engine.retrain(force=True)
    assert report.status == "insufficient_data"
    assert report.model_version is None
    assert "0 rules have at least 5 feedback signals" in report.detail
    prediction = run_async(engine.predict_rule_quality(rules[0]))
    assert prediction.model is None
    assert prediction.confidence_interval is None
    assert prediction.basis == "heuristic"
    assert prediction.predicted_quality == rules[0].heuristic_score
    assert prediction["predicted_quality"] == rules[0].heuristic_score
    unscored = dataclasses.replace(rules[0], heuristic_score=None)
    nothing = run_async(engine.predict_rule_quality(unscored))
    assert (nothing.predicted_quality, nothing.basis) == (None, "none")
    assert engine.score_rules([rules[0], unscored]) == [
        (rules[0].heuristic_score, None),
        (None, None),
    ]
    engine.close()


def test_predictions_come_from_the_model_with_an_interval(
    trained: SelfImprovingEngine, population: list
) -> None:
    rule = population[80].rule
    prediction = run_async(trained.predict_rule_quality(rule))
    version = trained.store.get_state(MODEL_POINTER_KEY)["version"]
    assert prediction.basis == "model"
    assert prediction.model == version
    assert prediction.confidence_interval is not None
    assert prediction.interval_level == pytest.approx(0.8)
    assert trained.score_rules([rule]) == [(prediction.predicted_quality, version)]


def test_async_methods_run_off_the_event_loop_thread(
    trained: SelfImprovingEngine, population: list
) -> None:
    threads: dict[str, int] = {}
    original = trained.predict_many

    def recording(rules):  # type: ignore[no-untyped-def]
        threads["work"] = threading.get_ident()
        return original(rules)

    async def predict() -> None:
        threads["loop"] = threading.get_ident()
        await trained.predict_rule_quality(population[0].rule)

    trained.predict_many = recording  # type: ignore[method-assign]
    try:
        run_async(predict())
    finally:
        del trained.predict_many
    assert threads["work"] != threads["loop"]


def test_recommendations_are_re_predictions_with_a_feature_changed(
    trained: SelfImprovingEngine, population: list
) -> None:
    rule = dataclasses.replace(
        population[85].rule,
        example=None,
        body="Consider handling errors properly in various components.",
        title="Handle errors properly",
    )
    prediction = run_async(trained.predict_rule_quality(rule))
    items = run_async(trained.generate_improvement_recommendations(rule, 0.0, prediction))
    kinds = [item.kind for item in items]
    assert "missing_example" in kinds
    assert kinds[-1] == "feedback_below_prediction"
    gains = [item.expected_improvement for item in items if item.expected_improvement is not None]
    assert gains == sorted(gains, reverse=True) and all(g > 0 for g in gains)
    model = trained.current_model()[0]  # type: ignore[index]
    row = features_from_rule(rule)
    with_example = {**row, "has_example": 1.0}
    expected = model.predict([with_example])[0] - model.predict([row])[0]
    example_item = next(item for item in items if item.kind == "missing_example")
    assert example_item.expected_improvement == pytest.approx(expected, abs=1e-4)
    assert rule.url in example_item.description
    vague = next((item for item in items if item.kind == "vague_subject"), None)
    if vague is not None:
        assert "properly" in vague.description


def test_recommendations_without_a_model_give_no_numbers(tmp_path: Path, population: list) -> None:
    engine = SelfImprovingEngine(state_dir=tmp_path)
    rule = dataclasses.replace(population[0].rule, example=None, evidence="short")
    items = run_async(engine.generate_improvement_recommendations(rule, 0.2))
    assert {"missing_example", "low_grounding"} <= {item.kind for item in items}
    assert all(item.expected_improvement is None for item in items)
    engine.close()


def test_retraining_waits_for_the_update_interval(trained: SelfImprovingEngine) -> None:
    version = trained.store.get_state(MODEL_POINTER_KEY)["version"]
    fresh = trained.retrain()
    assert fresh.status == "fresh" and fresh.model_version == version


def test_state_snapshot_round_trip(trained: SelfImprovingEngine, population: list) -> None:
    rules = [item.rule for item in population[70:]]
    before = trained.score_rules(rules)
    trained.store.set_state("rewards/example", {"total": 0.5})
    saved = run_async(trained.save_state("snapshots/engine.json"))
    assert saved.parent == (trained.state_dir / "snapshots").resolve()
    trained.store.set_state(MODEL_POINTER_KEY, {"version": "0000", "trained_at": "x"})
    trained.store.set_state("rewards/example", {"total": 0.0})

    other = SelfImprovingEngine(state_dir=trained.state_dir, learning_rate=0.5)
    run_async(other.load_state("snapshots/engine.json"))
    assert other.config.learning_rate == trained.config.learning_rate
    assert other.store.get_state("rewards/example") == {"total": 0.5}
    assert other.score_rules(rules) == before
    with pytest.raises(UnsafePathError):
        run_async(other.save_state("/tmp/engine.json"))
    with pytest.raises(UnsafePathError):
        run_async(other.load_state("../engine.json"))
    other.close()


def test_load_state_refuses_a_model_from_another_scikit_learn(trained: SelfImprovingEngine) -> None:
    run_async(trained.save_state("snapshots/mismatch.json"))
    version = trained.store.get_state(MODEL_POINTER_KEY)["version"]
    meta_path = trained.state_dir / "models" / f"{version}.json"
    original = meta_path.read_text()
    meta = json.loads(original)
    meta["sklearn_version"] = "0.24.2"
    meta_path.write_text(json.dumps(meta))
    try:
        other = SelfImprovingEngine(state_dir=trained.state_dir)
        with pytest.raises(ModelVersionError, match=r"scikit-learn 0\.24\.2"):
            run_async(other.load_state("snapshots/mismatch.json"))
        # Scoring does not crash the crawl: it falls back to the heuristic and says why.
        [prediction] = other.predict_many([simulate_rules(1, seed=5)[0].rule])
        assert prediction.model is None and "0.24.2" in prediction.detail
        other.close()
    finally:
        meta_path.write_text(original)


def test_collect_feedback_signal_validates(trained: SelfImprovingEngine) -> None:
    with pytest.raises(ValueError, match="value 2 is outside"):
        run_async(trained.collect_feedback_signal("r", "usage_success", 2))


def test_engine_from_scrapy_settings(tmp_path: Path) -> None:
    settings = Settings({"RULES_OUTPUT_DIR": str(tmp_path / "out"), "RULES_STATE_DIR": ""})
    with SelfImprovingEngine.from_settings(settings) as engine:
        assert engine.state_dir == tmp_path / "out" / "state"
        assert engine.store.path.is_file()
    settings = Settings({"RULES_STATE_DIR": str(tmp_path / "s"), "RULES_MIN_FEEDBACK_SIGNALS": "3"})
    with SelfImprovingEngine.from_settings(settings) as engine:
        assert engine.state_dir == tmp_path / "s"
        assert engine.config.min_feedback_signals == 3


def test_prediction_result_is_a_typed_model() -> None:
    with pytest.raises(ValueError):
        QualityPrediction(  # type: ignore[call-arg]
            rule_id="r",
            predicted_quality=0.5,
            confidence_interval=None,
            interval_level=None,
            model=None,
            basis="guess",
            detail="",
        )
