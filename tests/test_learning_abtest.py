"""A/B tests of rule phrasings: deterministic split, named tests, one decision at a fixed horizon."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from rules_spider.learning import SelfImprovingEngine
from scipy.stats import norm

from rules_spider.learning.abtest import ABTest, UnknownABTestError, assign_variant, compare_variants, decide


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
    assert decision.status == "no_difference" and decision.winner is None
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
    assert same.test_name == "mann-whitney-u" and same.status == "no_difference"


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
        assert decision.n_a == decision.n_b == 40  # the horizon: the first 40 outcomes of each arm
        stored = engine.store.get_state("ab_test/depends-wording")
        assert stored["decision"]["test_name"] == "two-proportion-z"
        assert stored["decision"]["p_value"] == decision.p_value
        # A decision is kept: more (contrary) outcomes do not flip it.
        for i in range(300, 400):
            engine.record_ab_outcome_sync("depends-wording", f"session-{i}", 0.0)
        assert engine.evaluate_ab_test("depends-wording") == decision
        with pytest.raises(UnknownABTestError):
            engine.evaluate_ab_test("missing")


# --- peeking ---------------------------------------------------------------------------------

N_AA_TESTS = 1_000
HORIZON = 30  # outcomes per arm
OBSERVED = 150  # outcomes per arm each simulated test receives, evaluated after every one
ALPHA = 0.05
TOLERANCE = 0.02  # about 3 standard errors of a rate near 0.05 over 1,000 tests


def evaluated_after_every_outcome(values: np.ndarray) -> float:
    """Share of A/A tests (rows of ``values``: arm a, arm b) decided when the decision is asked for
    after every single outcome, alternating arms, and kept once finished, as the engine does."""
    false_positives = 0
    for i, (a, b) in enumerate(values):
        test = ABTest(test_id=f"aa-{i}", rule_id="r", variant_a="x", variant_b="x",
                      alpha=ALPHA, min_samples_per_arm=HORIZON)  # fmt: skip
        for seen in range(1, 2 * OBSERVED + 1):
            decision = decide(test, a[: (seen + 1) // 2], b[: seen // 2])
            if decision.status != "insufficient_data":
                test = test.model_copy(update={"decision": decision})
        false_positives += test.decision is not None and test.decision.status == "decided"
    return false_positives / len(values)


def test_1000_aa_tests_evaluated_after_every_outcome_keep_the_false_positive_rate() -> None:
    rng = np.random.default_rng(15)
    successes = (rng.random((N_AA_TESTS, 2, OBSERVED)) < 0.5).astype(float)
    ratings = np.clip(rng.normal(0.6, 0.15, (N_AA_TESTS, 2, OBSERVED)), 0, 1)
    rate_successes = evaluated_after_every_outcome(successes)
    rate_ratings = evaluated_after_every_outcome(ratings)

    # The same data with the policy the horizon replaces: test again at every look from the
    # horizon on and stop at the first p < alpha (two-proportion z, vectorised over all looks).
    n = np.arange(HORIZON, OBSERVED + 1)
    hits = successes.cumsum(axis=2)[:, :, HORIZON - 1 :]
    pooled = hits.sum(axis=1) / (2 * n)
    se = np.sqrt(pooled * (1 - pooled) * 2 / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (hits[:, 0] - hits[:, 1]) / n / se
    peeking = float(np.mean(np.any(2 * norm.sf(np.abs(np.nan_to_num(z))) < ALPHA, axis=1)))

    print(f"\n[abtest] false positives of {N_AA_TESTS} A/A tests: fixed horizon {rate_successes:.3f} "
          f"(success/failure), {rate_ratings:.3f} (ratings); re-testing at every look {peeking:.3f}")
    assert rate_successes <= ALPHA + TOLERANCE
    assert rate_ratings <= ALPHA + TOLERANCE
    assert peeking > ALPHA + 3 * TOLERANCE  # the simulation does catch peeking


def test_the_decision_is_made_once_on_the_first_outcomes_of_each_arm() -> None:
    test = ABTest(test_id="t", rule_id="r", variant_a="x", variant_b="y", min_samples_per_arm=30)
    # Lopsided early outcomes are no decision before the horizon, however small their p-value.
    assert decide(test, [1.0] * 29, [0.0] * 29).status == "insufficient_data"
    a, b = [1.0] * 25 + [0.0] * 5, [0.0] * 25 + [1.0] * 5
    at_horizon = decide(test, a, b)
    later = decide(test, a + [0.0] * 500, b + [1.0] * 500)  # what comes after the horizon counts for nothing
    assert at_horizon.status == later.status == "decided" and at_horizon.winner == later.winner == "a"
    assert later.n_a == later.n_b == 30 and later.p_value == at_horizon.p_value
    finished = test.model_copy(update={"decision": at_horizon})
    assert decide(finished, [0.0] * 900, [1.0] * 900) is at_horizon
