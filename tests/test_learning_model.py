"""QualityModel on a simulated population: ranking, interval coverage, persistence."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import sklearn
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.model_selection import KFold

from rules_spider.learning.engine import SelfImprovingEngine
from rules_spider.learning.evaluation import cross_validate
from rules_spider.learning.features import FEATURE_COLUMNS, features_from_rule, to_matrix
from rules_spider.learning.model import QualityModel
from rules_spider.learning.state_dir import UnsafePathError
from rules_spider.learning.persistence import ModelVersionError, load_model, save_model
from tests.learning_simulation import simulate_feedback, simulate_rules

N_TRAINING_RULES = 400
N_HELD_OUT = 100


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """400 rules with ~10,000 noisy signals train the model through the engine;
    100 more rules with no feedback are held out."""
    state_dir = tmp_path_factory.mktemp("state")
    population = simulate_rules(N_TRAINING_RULES + N_HELD_OUT, seed=7)
    training, held_out = population[:N_TRAINING_RULES], population[N_TRAINING_RULES:]
    signals = simulate_feedback(training, (20, 30), seed=8)
    engine = SelfImprovingEngine(state_dir=state_dir)
    engine.record_rules([item.rule for item in population])
    engine.store.add_signals(signals)
    started = time.perf_counter()
    report = engine.retrain()
    seconds = time.perf_counter() - started
    predictions = engine.predict_many([item.rule for item in held_out])
    truth = np.asarray([item.true_quality for item in held_out])
    predicted = np.asarray([p.predicted_quality for p in predictions])
    low = np.asarray([p.confidence_interval[0] for p in predictions])  # type: ignore[index]
    high = np.asarray([p.confidence_interval[1] for p in predictions])  # type: ignore[index]
    # A baseline that knows more than the model was told: the true quality of the training rules
    # (the model only saw noisy feedback). It predicts their mean, and its interval is their
    # 10th-90th percentile, the same for every rule.
    training_truth = np.asarray([item.true_quality for item in training])
    base_low, base_high = np.quantile(training_truth, [0.1, 0.9])
    result = {
        "engine": engine,
        "report": report,
        "n_signals": len(signals),
        "seconds": seconds,
        "spearman": float(spearmanr(predicted, truth).statistic),
        "heuristic_spearman": float(
            spearmanr([item.rule.heuristic_score for item in held_out], truth).statistic
        ),
        "coverage": float(np.mean((low <= truth) & (truth <= high))),
        "width": float(np.mean(high - low)),
        "mae": float(np.mean(np.abs(predicted - truth))),
        "baseline_coverage": float(np.mean((base_low <= truth) & (truth <= base_high))),
        "baseline_width": float(base_high - base_low),
        "baseline_mae": float(np.mean(np.abs(training_truth.mean() - truth))),
        "predicted": predicted,
        "low": low,
        "high": high,
        "held_out": held_out,
        "state_dir": state_dir,
    }
    print(
        f"\n[learning] trained on {report.training_size} rules / {len(signals)} signals "
        f"in {seconds:.1f} s; held-out Spearman {result['spearman']:.3f} "
        f"(heuristic {result['heuristic_spearman']:.3f}); MAE {result['mae']:.3f} (mean baseline "
        f"{result['baseline_mae']:.3f}); 80% interval truth coverage {result['coverage']:.2f}, width "
        f"{result['width']:.3f} (baseline {result['baseline_coverage']:.2f}, {result['baseline_width']:.3f}); "
        f"CV MAE {report.cv_mae:.3f}, CV coverage "
        f"{report.metadata.cv_interval_coverage:.2f}"  # type: ignore[union-attr]
    )
    yield result
    engine.close()


def test_training_uses_every_signal_in_the_window(trained: dict[str, object]) -> None:
    report = trained["report"]
    assert report.status == "trained"  # type: ignore[attr-defined]
    assert report.training_size == N_TRAINING_RULES  # type: ignore[attr-defined]
    assert report.n_signals == trained["n_signals"] >= 8_000  # type: ignore[attr-defined]
    assert trained["seconds"] < 120  # type: ignore[operator]


def test_predictions_rank_held_out_rules_like_their_hidden_quality(
    trained: dict[str, object],
) -> None:
    assert trained["spearman"] > 0.6  # type: ignore[operator]
    # The model learns more than the heuristic it is given as a feature.
    assert trained["spearman"] > trained["heuristic_spearman"]  # type: ignore[operator]


def test_predictions_beat_the_mean_of_the_true_quality(trained: dict[str, object]) -> None:
    assert trained["mae"] < 0.75 * trained["baseline_mae"]  # type: ignore[operator]


def test_80_percent_intervals_cover_the_truth_and_are_narrower_than_the_baseline(
    trained: dict[str, object],
) -> None:
    # Near the nominal rate, as the baseline's 10th-90th percentile is, but narrower: the intervals
    # say something about each rule. An interval of [0, 1] would cover everything.
    assert 0.65 <= trained["coverage"] <= 0.95  # type: ignore[operator]
    assert trained["coverage"] >= trained["baseline_coverage"] - 0.1  # type: ignore[operator]
    assert trained["width"] < 0.8 * trained["baseline_width"]  # type: ignore[operator]


def test_metadata_records_versions_and_cross_validation(trained: dict[str, object]) -> None:
    state_dir: Path = trained["state_dir"]  # type: ignore[assignment]
    metadata = trained["report"].metadata  # type: ignore[attr-defined]
    saved = json.loads((state_dir / "models" / f"{metadata.model_version}.json").read_text())
    assert saved["sklearn_version"] == sklearn.__version__
    assert {"numpy_version", "python_version", "trained_at", "cv_mae"} <= set(saved)
    assert saved["training_size"] == N_TRAINING_RULES
    assert saved["cv_mae"] == pytest.approx(trained["report"].cv_mae)  # type: ignore[attr-defined]


def _small_model_data(n: int = 80) -> tuple[list[dict[str, object]], np.ndarray]:
    population = simulate_rules(n, seed=3)
    return [features_from_rule(item.rule) for item in population], np.asarray(
        [item.true_quality for item in population]
    )


def test_estimator_conventions() -> None:
    rows, y = _small_model_data()
    model = QualityModel(random_state=1)
    assert model.fit(rows, y) is model
    assert model.n_training_rows_ == len(rows)
    assert set(model.reference_values_) <= set(FEATURE_COLUMNS)
    same = clone(model).fit(to_matrix(rows), y)
    np.testing.assert_allclose(same.predict(rows), model.predict(rows))
    with pytest.raises(ValueError, match=r"fitted for alpha=0\.2"):
        model.predict_interval(rows, alpha=0.1)
    with pytest.raises(ValueError, match="targets must be finite numbers in"):
        QualityModel().fit(rows, np.full(len(rows), 1.5))


def test_cross_validated_mae_beats_predicting_the_training_mean() -> None:
    rows, y = _small_model_data()
    cv = cross_validate(QualityModel(), rows, y, n_splits=3)
    assert cv.n_splits == 3
    # The same folds, predicting each training fold's mean target.
    folds = KFold(n_splits=3, shuffle=True, random_state=0).split(y)
    baseline = np.mean(np.concatenate([np.abs(y[test] - y[train].mean()) for train, test in folds]))
    assert cv.mae < 0.8 * baseline


def _saved_model(state_dir: Path) -> tuple[QualityModel, str, list[dict[str, object]]]:
    rows, y = _small_model_data()
    model = QualityModel().fit(rows, y)
    metadata = save_model(
        model,
        state_dir,
        trained_at=datetime.now(UTC),
        training_size=len(rows),
        n_signals=0,
        cv_folds=0,
        cv_mae=0.1,
        cv_interval_coverage=0.8,
        cv_mean_interval_width=0.3,
        feedback_window_hours=168,
        min_feedback_signals=5,
    )
    return model, metadata.model_version, rows


def test_persistence_round_trip_gives_the_same_predictions(tmp_path: Path) -> None:
    model, version, rows = _saved_model(tmp_path)
    loaded, metadata = load_model(tmp_path, f"models/{version}.joblib")
    assert metadata.model_version == version
    np.testing.assert_array_equal(loaded.predict(rows), model.predict(rows))
    for ours, theirs in zip(
        loaded.predict_interval(rows), model.predict_interval(rows), strict=True
    ):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("saved_with", ["1.0.2", "2.9.0"])
def test_a_model_from_another_scikit_learn_version_is_refused(
    tmp_path: Path, saved_with: str
) -> None:
    _, version, _ = _saved_model(tmp_path)
    meta_path = tmp_path / "models" / f"{version}.json"
    meta = json.loads(meta_path.read_text())
    meta["sklearn_version"] = saved_with
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelVersionError) as error:
        load_model(tmp_path, meta_path)
    assert f"scikit-learn {saved_with}" in str(error.value)
    assert f"scikit-learn {sklearn.__version__}" in str(error.value)


def test_a_changed_model_file_is_refused(tmp_path: Path) -> None:
    _, version, _ = _saved_model(tmp_path)
    path = tmp_path / "models" / f"{version}.joblib"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ModelVersionError, match="does not match its metadata"):
        load_model(tmp_path, path)


def test_models_load_only_from_the_state_directory(tmp_path: Path) -> None:
    _, version, _ = _saved_model(tmp_path / "elsewhere")
    (tmp_path / "state").mkdir()
    with pytest.raises(UnsafePathError, match="outside the state directory"):
        load_model(tmp_path / "state", tmp_path / "elsewhere" / "models" / f"{version}.joblib")
    with pytest.raises(UnsafePathError):
        load_model(tmp_path / "state", f"../elsewhere/models/{version}.joblib")
    (tmp_path / "state" / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafePathError):
        load_model(tmp_path / "state", f"link/models/{version}.joblib")
