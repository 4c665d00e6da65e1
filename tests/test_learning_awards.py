"""Self-awarding: feedback adjustments, trend bonuses, batch rewards, usage patterns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from rules_spider.items import Rule
from rules_spider.learning import SelfImprovingEngine
from rules_spider.learning.awards import batch_reward, feedback_adjustment, trend_bonus, value_trend
from rules_spider.learning.batches import BATCHES_KEY

NOW = datetime.now(UTC)


def rule(rule_id: str, heuristic: float | None = 0.5, technology: str = "python") -> Rule:
    return Rule(
        id=rule_id,
        title=f"Rule {rule_id}",
        body="Call `session.commit()` after `session.add()`.",
        technology=technology,
        framework=None,
        source_name="Docs",
        url=f"https://docs.example/{rule_id}",
        evidence="Call commit to write the pending changes.",
        heuristic_score=heuristic,
    )


@pytest.fixture
def engine(tmp_path: Path) -> SelfImprovingEngine:
    with SelfImprovingEngine(
        state_dir=tmp_path, learning_rate=0.1, min_feedback_signals=5
    ) as opened:
        yield opened


def add(
    engine: SelfImprovingEngine,
    rule_id: str,
    values: list[float],
    hours_apart: float = 1.0,
    **context: object,
) -> None:
    for i, value in enumerate(values):
        engine.store.add_signal(
            rule_id,
            "user_rating",
            value,
            dict(context),
            "test",
            NOW - timedelta(hours=hours_apart * (len(values) - i)),
        )


def base(engine: SelfImprovingEngine, rule_id: str) -> float:
    """The rule model's P(guidance) for the rule, before any feedback."""
    [prediction] = engine.predict_many([rule(rule_id)])
    assert prediction.basis == "model" and prediction.predicted_quality is not None
    return prediction.predicted_quality


def test_rules_that_beat_their_prediction_are_awarded(engine: SelfImprovingEngine) -> None:
    add(engine, "good", [0.9] * 6)
    p = base(engine, "good")
    [breakdown] = engine.score_breakdowns([rule("good")])
    assert breakdown.basis == "model" and breakdown.base == pytest.approx(p)
    assert breakdown.observed_mean == pytest.approx(0.9)
    assert breakdown.feedback_adjustment == pytest.approx(0.1 * (0.9 - p))
    assert breakdown.trend_bonus == 0
    assert engine.adjusted_score(rule("good")) == pytest.approx(p + 0.1 * (0.9 - p))


def test_rules_with_poor_feedback_are_demoted(engine: SelfImprovingEngine) -> None:
    add(engine, "poor", [0.0] * 6)
    p = base(engine, "poor")
    assert engine.adjusted_score(rule("poor")) == pytest.approx(p - 0.1 * p)
    breakdown = engine.score_breakdowns([rule("poor")])[0]
    assert breakdown.meets_threshold is (breakdown.score >= engine.threshold)


def test_too_little_feedback_changes_nothing(engine: SelfImprovingEngine) -> None:
    add(engine, "new", [1.0] * 4)
    assert engine.adjusted_score(rule("new")) == pytest.approx(base(engine, "new"))


def test_improving_rules_get_a_trend_bonus(engine: SelfImprovingEngine) -> None:
    values = [0.2, 0.3, 0.35, 0.5, 0.55, 0.7, 0.8, 0.9]
    add(engine, "rising", values, hours_apart=20)
    p = base(engine, "rising")
    [breakdown] = engine.score_breakdowns([rule("rising")])
    slope = breakdown.trend_slope_per_day
    assert slope is not None and slope == pytest.approx(0.12, abs=0.03)
    window_days = 7
    assert breakdown.trend_bonus == pytest.approx(0.1 * min(1.0, slope * window_days))
    expected = p + 0.1 * (np.mean(values) - p) + breakdown.trend_bonus
    assert breakdown.score == pytest.approx(expected)


def test_scores_are_clipped_to_one(engine: SelfImprovingEngine) -> None:
    add(engine, "top", [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.0], hours_apart=24)
    with SelfImprovingEngine(state_dir=engine.state_dir, learning_rate=1.0, min_feedback_signals=5) as eager:
        [breakdown] = eager.score_breakdowns([rule("top")])
    assert breakdown.base + breakdown.feedback_adjustment + breakdown.trend_bonus > 1.0
    assert breakdown.score == 1.0


def test_old_feedback_outside_the_window_is_ignored(engine: SelfImprovingEngine) -> None:
    for i in range(6):
        engine.store.add_signal("old", "user_rating", 1.0, timestamp=NOW - timedelta(days=30 + i))
    assert engine.score_breakdowns([rule("old")])[0].n_signals == 0


def test_ab_test_outcomes_are_left_to_the_ab_test(engine: SelfImprovingEngine) -> None:
    add(engine, "tested", [0.0] * 6, ab_test="wording", variant="b")
    add(engine, "tested", [0.9] * 5)
    [breakdown] = engine.score_breakdowns([rule("tested")])
    assert breakdown.n_signals == 5 and breakdown.observed_mean == pytest.approx(0.9)


def test_trend_needs_a_confident_positive_slope() -> None:
    rng = np.random.default_rng(0)
    times = [i * 3600.0 for i in range(30)]
    flat = value_trend(list(0.5 + rng.normal(0, 0.1, 30)), times)
    assert flat is not None and not flat.improving
    assert trend_bonus(flat, learning_rate=0.1, window_days=7) == 0
    assert value_trend([0.1, 0.9], [0.0, 1.0]) is None  # too few points
    assert value_trend([0.1, 0.5, 0.9], [5.0, 5.0, 5.0]) is None  # one moment


def test_award_formulas() -> None:
    assert feedback_adjustment(0.8, 0.6, 10, learning_rate=0.1, min_signals=5) == pytest.approx(
        0.02
    )
    assert feedback_adjustment(0.8, 0.6, 4, learning_rate=0.1, min_signals=5) == 0
    assert batch_reward(0.7, 0.5, learning_rate=0.1) == pytest.approx(0.02)
    assert batch_reward(0.4, 0.5, learning_rate=0.1) == 0
    assert batch_reward(0.4, None, learning_rate=0.1) == 0


def test_a_better_batch_earns_a_global_reward(engine: SelfImprovingEngine) -> None:
    for i in range(3):
        add(engine, f"b1-{i}", [0.4] * 5)
        add(engine, f"b2-{i}", [0.7] * 5)
        add(engine, f"b3-{i}", [0.5] * 5)
    first = engine.record_batch("crawl-1", [f"b1-{i}" for i in range(3)] + ["unrated"])
    assert (first.rated_rules, first.n_rules, first.reward) == (3, 4, 0.0)
    assert first.mean_observed == pytest.approx(0.4)
    second = engine.record_batch("crawl-2", [f"b2-{i}" for i in range(3)])
    assert second.previous_mean == pytest.approx(0.4)
    assert second.reward == pytest.approx(0.1 * 0.3)
    third = engine.record_batch("crawl-3", [f"b3-{i}" for i in range(3)])
    assert third.reward == 0 and third.total_reward == pytest.approx(0.03)
    state = engine.store.get_state(BATCHES_KEY)
    assert [entry["batch_id"] for entry in state["history"]] == ["crawl-1", "crawl-2", "crawl-3"]
    assert state["rewarded_batches"] == 1
    assert state["total_reward"] == pytest.approx(0.03)


def test_usage_patterns_per_technology_rule_and_context(engine: SelfImprovingEngine) -> None:
    engine.record_rules([rule("py", technology="python"), rule("js", technology="javascript")])
    add(engine, "py", [1.0, 0.0, 1.0], editor="vscode")
    add(engine, "js", [0.2, 0.4], editor="cursor")
    engine.store.add_signal("py", "usage_success", 1.0, {"editor": "cursor"})
    engine.store.add_signal("ghost", "relevance", 0.3)
    report = engine.usage_report()
    by_tech = {t.technology: t for t in report.technologies}
    assert by_tech["python"].signals == 4 and by_tech["python"].mean_value == pytest.approx(0.75)
    assert by_tech["python"].success_rate == 1.0
    assert by_tech["javascript"].success_rate is None
    assert by_tech["(unrecorded)"].rated_rules == 1
    assert report.rules[0].rule_id == "py" and report.rules[0].signals == 4
    contexts = {(c.key, c.value): c for c in report.contexts}
    assert contexts[("editor", "cursor")].signals == 3
    assert contexts[("editor", "cursor")].mean_value == pytest.approx((0.2 + 0.4 + 1.0) / 3)
    assert contexts[("editor", "vscode")].signals == 3
