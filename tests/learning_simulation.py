"""A synthetic rule population with a hidden true quality, and noisy feedback on it.

Used by the learning tests to check that the quality model recovers what
makes rules good: specific wording (identifiers, calls, flags), a code
example, long grounding evidence and the category.
Nothing here is used to score real rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from rules_spider.ids import rule_id
from rules_spider.items import RULE_CATEGORIES, Rule
from rules_spider.learning.signals import FeedbackSignal

TECHNOLOGIES = ("python", "javascript", "rust", "go")
CATEGORY_EFFECT = {
    "security": 0.12,
    "deprecation": 0.08,
    "api_usage": 0.05,
    "configuration": 0.0,
    "testing": 0.0,
    "performance": -0.03,
    "best_practice": -0.06,
    "anti_pattern": 0.02,
}
_IDENTIFIERS = (
    "`session.commit()`",
    "`app.get()`",
    "`--no-cache`",
    "`useEffect()`",
    "`os.path.join`",
    "`max_connections`",
    "`Depends()`",
    "`tokio::spawn`",
    "`context.WithTimeout`",
    "`fetch()`",
    "`/api/v1/items`",
    "`pytest.fixture`",
    "`timeout_seconds`",
    "`defer close()`",
)
_VAGUE = (
    "properly",
    "appropriately",
    "consider",
    "various",
    "things",
    "good",
    "carefully",
    "generally",
    "some",
    "relevant",
)
_VERBS = ("Use", "Call", "Prefer", "Set", "Avoid", "Pass", "Wrap", "Check")
_NOUNS = ("requests", "handlers", "connections", "components", "queries", "tasks", "errors")


@dataclass(frozen=True, slots=True)
class SimulatedRule:
    rule: Rule
    true_quality: float


def simulate_rules(n: int, *, seed: int = 0) -> list[SimulatedRule]:
    """``n`` rules whose true quality depends on specificity, example, evidence, category."""
    rng = np.random.default_rng(seed)
    population = []
    for i in range(n):
        specific = float(rng.uniform())
        has_example = bool(rng.uniform() < 0.5)
        category = RULE_CATEGORIES[int(rng.integers(len(RULE_CATEGORIES)))]
        technology = TECHNOLOGIES[int(rng.integers(len(TECHNOLOGIES)))]
        n_code = round(specific * 4)
        n_vague = round((1 - specific) * 4)
        words = [str(rng.choice(_VERBS)), str(rng.choice(_NOUNS))]
        words += [str(w) for w in rng.choice(_IDENTIFIERS, size=n_code, replace=False)]
        words += [str(w) for w in rng.choice(_VAGUE, size=n_vague, replace=False)]
        order = [words[0], *rng.permutation(words[1:]).tolist()]
        body = " ".join(order) + f" in {technology} code (rule {i})."
        evidence_words = int(rng.integers(3, 60))
        evidence = " ".join(["docs"] * evidence_words) + f" {i}"
        url = f"https://docs.example/{technology}/page{i % 50}.html"
        quality = (
            0.2
            + 0.3 * specific
            + 0.2 * has_example
            + 0.1 * (evidence_words > 25)
            + CATEGORY_EFFECT[category]
            + float(rng.normal(0, 0.03))
        )
        rule = Rule(
            id=rule_id(url, evidence),
            title=" ".join(order[:4]),
            body=body,
            technology=technology,
            framework=None,
            source_name=technology.title(),
            url=url,
            evidence=evidence,
            category=category,
            example="print('example')" if has_example else None,
            source_priority=int(rng.integers(1, 6)),
            # A weak stand-in for the crawl's heuristic: it only sees the example.
            heuristic_score=float(np.clip(0.45 + 0.15 * has_example + rng.normal(0, 0.1), 0, 1)),
        )
        population.append(SimulatedRule(rule, float(np.clip(quality, 0.02, 0.98))))
    return population


def simulate_feedback(
    population: list[SimulatedRule],
    signals_per_rule: int | tuple[int, int],
    *,
    seed: int = 0,
    now: datetime | None = None,
    spread_hours: float = 72.0,
) -> list[FeedbackSignal]:
    """Noisy signals around each rule's true quality, spread over the last ``spread_hours``."""
    rng = np.random.default_rng(seed)
    now = now or datetime.now(UTC)
    low, high = (
        (signals_per_rule, signals_per_rule)
        if isinstance(signals_per_rule, int)
        else signals_per_rule
    )
    signals = []
    for item in population:
        for _ in range(int(rng.integers(low, high + 1))):
            kind = int(rng.integers(3))
            if kind == 0:
                signal_type, value = "usage_success", float(rng.uniform() < item.true_quality)
            elif kind == 1:
                signal_type = "user_rating"
                value = float(np.clip(item.true_quality + rng.normal(0, 0.15), 0, 1))
            else:
                signal_type = "effectiveness"
                value = float(np.clip(item.true_quality + rng.normal(0, 0.1), 0, 1))
            signals.append(
                FeedbackSignal(
                    rule_id=item.rule.id,
                    signal_type=signal_type,
                    value=value,
                    context={"technology": item.rule.technology},
                    source="simulation",
                    timestamp=now - timedelta(hours=float(rng.uniform(0, spread_hours))),
                )
            )
    return signals
