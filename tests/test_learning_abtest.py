"""A/B tests of rule phrasings: deterministic split, decisions by named tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from rules_spider.learning import SelfImprovingEngine
from rules_spider.learning.abtest import UnknownABTestError, assign_variant, compare_variants


def test_traffic_split_is_deterministic_and_balanced() -> None:
    keys = [f"user-{i}" for i in range(4000)]
    first = [assign_variant("t1", key) for key in keys]
    assert first == [assign_variant("t1", key) for key in keys]
    assert 0.46 < first.count("a") / len(keys) < 0.54
    other_test = [assign_variant("t2", key) for key in keys]
    assert first != other_test  # each test splits users independently
    uneven = [assign_variant("t1", key, split=0.2) for key in keys]
    assert 0.17 < uneven.count("a") / len(keys) < 0.23


def test_clearly_better_success_rate_is_decided_by_a_z_test() -> None:
    rng = np.random.default_rng(1)
    a = (rng.uniform(size=200) < 0.75).astype(float)
    b = (rng.uniform(size=200) < 0.45).astype(float)
    decision = compare_variants(a, b)
    assert decision.status == "decided" and decision.winner == "a"
    assert decision.test_name == "two-proportion-z"
    assert decision.p_value is not None and decision.p_value < 0.001
    assert decision.decided_at is not None


def test_equal_variants_are_not_decided() -> None:
    rng = np.random.default_rng(2)
    decision = compare_variants(
        (rng.uniform(size=200) < 0.6).astype(float), (rng.uniform(size=200) < 0.6).astype(float)
    )
    assert decision.status == "undecided" and decision.winner is None
    assert decision.p_value is not None and decision.p_value > 0.05


def test_rare_outcomes_use_fisher_exact() -> None:
    decision = compare_variants([1.0] * 7 + [0.0] * 23, [0.0] * 30, min_samples_per_arm=30)
    assert decision.test_name == "fisher-exact" and decision.winner == "a"


def test_continuous_ratings_use_mann_whitney() -> None:
    rng = np.random.default_rng(3)
    better = np.clip(rng.normal(0.5, 0.1, 60), 0, 1)
    worse = np.clip(rng.normal(0.7, 0.1, 60), 0, 1)
    decision = compare_variants(better, worse)
    assert decision.test_name == "mann-whitney-u" and decision.winner == "b"
    same = compare_variants(
        np.clip(rng.normal(0.6, 0.1, 60), 0, 1), np.clip(rng.normal(0.6, 0.1, 60), 0, 1)
    )
    assert same.test_name == "mann-whitney-u" and same.status == "undecided"


def test_no_decision_before_enough_samples() -> None:
    decision = compare_variants([1.0] * 10, [0.0] * 10, min_samples_per_arm=30)
    assert decision.status == "insufficient_data" and decision.p_value is None


def test_ab_test_through_the_engine(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    with SelfImprovingEngine(state_dir=tmp_path) as engine:
        engine.create_ab_test(
            "depends-wording",
            "rule-1",
            variant_a="Use Depends() for shared dependencies.",
            variant_b="Dependencies can be shared.",
            min_samples_per_arm=40,
        )
        with pytest.raises(ValidationError):
            engine.create_ab_test("bad id!", "rule-1", "x", "y")
        assert engine.evaluate_ab_test("depends-wording").status == "insufficient_data"
        for i in range(300):
            key = f"session-{i}"
            variant = engine.assign_variant("depends-wording", key)
            success = rng.uniform() < (0.8 if variant == "a" else 0.4)
            assert engine.record_ab_outcome_sync("depends-wording", key, float(success)) == variant
        decision = engine.evaluate_ab_test("depends-wording")
        assert decision.status == "decided" and decision.winner == "a"
        assert decision.n_a + decision.n_b == 300
        stored = engine.store.get_state("ab_test/depends-wording")
        assert stored["decision"]["test_name"] == "two-proportion-z"
        assert stored["decision"]["p_value"] == decision.p_value
        # A decision is kept: more (contrary) outcomes do not flip it.
        for i in range(300, 400):
            engine.record_ab_outcome_sync("depends-wording", f"session-{i}", 0.0)
        assert engine.evaluate_ab_test("depends-wording") == decision
        with pytest.raises(UnknownABTestError):
            engine.evaluate_ab_test("missing")
