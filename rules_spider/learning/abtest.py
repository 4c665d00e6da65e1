"""A/B tests of two phrasings of one rule.

Traffic is split deterministically: a user or session key always gets the
same variant of a test (SHA-256 of ``test id`` and key). Outcomes are
ordinary feedback signals whose context carries ``{"ab_test": id,
"variant": "a" | "b"}``. :func:`compare_variants` decides when one variant
is significantly better (two-sided, level ``alpha``) with a named test:

* success/failure values (all 0 or 1): the two-proportion z-test (pooled),
  or Fisher's exact test when an expected cell count is below 5;
* continuous values: the Mann-Whitney U test.

The test has a fixed horizon: ``min_samples_per_arm`` is the sample size per
arm, fixed when the test is created. The comparison runs once, on the first
``min_samples_per_arm`` outcomes of each arm (in the order they were
recorded), as soon as both arms have that many, and its result is final:
``decided`` (a winner) or ``no_difference``. Before that the status is
``insufficient_data``; outcomes after the horizon change nothing. Testing
again after every new outcome until p < alpha would make a false positive
far more likely than ``alpha`` (each look is another chance);
``tests/test_learning_abtest.py`` measures both on 1,000 simulated A/A tests.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from rules_spider.learning.signals import AB_TEST_CONTEXT_KEY

if TYPE_CHECKING:
    from rules_spider.learning.store import FeedbackStore

Variant = Literal["a", "b"]
TEST_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
STATE_PREFIX = "ab_test/"


class ABDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["decided", "no_difference", "insufficient_data"]
    winner: Variant | None = None
    test_name: str | None = None
    statistic: float | None = None
    p_value: float | None = None
    n_a: int = 0
    n_b: int = 0
    mean_a: float | None = None
    mean_b: float | None = None
    decided_at: AwareDatetime | None = None


class ABTest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    test_id: str
    rule_id: str
    variant_a: str
    variant_b: str
    signal_type: str = "usage_success"
    split: float = Field(0.5, gt=0, lt=1)  # share of keys sent to variant a
    alpha: float = Field(0.05, gt=0, lt=0.5)
    # The fixed horizon: outcomes per arm the one comparison is made on.
    min_samples_per_arm: int = Field(30, ge=2)
    created_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    decision: ABDecision | None = None

    @field_validator("decision", mode="before")
    @classmethod
    def _drop_peeked_decision(cls, decision: object) -> object:
        # Saved before the fixed horizon: "undecided" meant "not significant at this look";
        # the test is decided again, once, at its horizon.
        if isinstance(decision, dict) and decision.get("status") == "undecided":
            return None
        return decision

    @property
    def finished(self) -> bool:
        """The horizon was reached and the test decided (a winner or no difference); final."""
        return self.decision is not None and self.decision.status != "insufficient_data"

    @field_validator("test_id")
    @classmethod
    def _check_test_id(cls, test_id: str) -> str:
        if not TEST_ID_PATTERN.fullmatch(test_id):
            raise ValueError(f"test_id {test_id!r} must match {TEST_ID_PATTERN.pattern}")
        return test_id

    def text_for(self, variant: Variant) -> str:
        return self.variant_a if variant == "a" else self.variant_b


def assign_variant(test_id: str, key: str, split: float = 0.5) -> Variant:
    """The variant ``key`` (a user or session id) sees in test ``test_id``; stable."""
    digest = hashlib.sha256(f"{test_id}\x1f{key}".encode()).digest()
    position = int.from_bytes(digest[:8], "big") / 2**64
    return "a" if position < split else "b"


def _is_binary(values: np.ndarray) -> bool:
    return bool(np.all((values == 0.0) | (values == 1.0)))


def compare_variants(
    values_a: Sequence[float],
    values_b: Sequence[float],
    *,
    alpha: float = 0.05,
    min_samples_per_arm: int = 30,
) -> ABDecision:
    """One two-sided test of all of ``values_a`` against all of ``values_b`` (no horizon:
    :func:`decide` picks the samples); ``insufficient_data`` below ``min_samples_per_arm``."""
    a = np.asarray(values_a, dtype=np.float64)
    b = np.asarray(values_b, dtype=np.float64)
    base = {
        "n_a": len(a),
        "n_b": len(b),
        "mean_a": float(a.mean()) if len(a) else None,
        "mean_b": float(b.mean()) if len(b) else None,
    }
    if min(len(a), len(b)) < min_samples_per_arm:
        return ABDecision(status="insufficient_data", **base)
    if _is_binary(a) and _is_binary(b):
        test_name, statistic, p_value = _proportions_test(a, b)
    else:
        # scipy.stats takes ~2.5 s to import; the engine (and every close step) imports this module.
        from scipy.stats import mannwhitneyu

        result = mannwhitneyu(a, b, alternative="two-sided")
        test_name, statistic, p_value = (
            "mann-whitney-u",
            float(result.statistic),
            float(result.pvalue),
        )
    decided = p_value < alpha and base["mean_a"] != base["mean_b"]
    winner: Variant | None = None
    if decided:
        winner = "a" if base["mean_a"] > base["mean_b"] else "b"  # type: ignore[operator]
    return ABDecision(
        status="decided" if decided else "no_difference",
        winner=winner,
        test_name=test_name,
        statistic=statistic,
        p_value=p_value,
        decided_at=datetime.now(UTC) if decided else None,
        **base,
    )


def _proportions_test(a: np.ndarray, b: np.ndarray) -> tuple[str, float, float]:
    from scipy.stats import fisher_exact, norm  # imported when a test runs (see above)

    success_a, success_b = int(a.sum()), int(b.sum())
    n_a, n_b = len(a), len(b)
    pooled = (success_a + success_b) / (n_a + n_b)
    expected = [n * p for n in (n_a, n_b) for p in (pooled, 1 - pooled)]
    if min(expected) < 5:
        table = [[success_a, n_a - success_a], [success_b, n_b - success_b]]
        odds_ratio, p_value = fisher_exact(table, alternative="two-sided")
        return "fisher-exact", float(odds_ratio), float(p_value)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = (success_a / n_a - success_b / n_b) / se
    return "two-proportion-z", float(z), float(2 * norm.sf(abs(z)))


class UnknownABTestError(KeyError):
    """No A/B test with that id in the store."""


def save_test(store: FeedbackStore, test: ABTest) -> None:
    store.set_state(f"{STATE_PREFIX}{test.test_id}", test.model_dump(mode="json"))


def load_test(store: FeedbackStore, test_id: str) -> ABTest:
    data = store.get_state(f"{STATE_PREFIX}{test_id}")
    if data is None:
        raise UnknownABTestError(f"no A/B test {test_id!r} in {store.path}")
    return ABTest.model_validate(data)


def all_tests(store: FeedbackStore) -> list[ABTest]:
    return [ABTest.model_validate(data) for data in store.state_items(STATE_PREFIX).values()]


def outcome_context(test: ABTest, variant: Variant) -> dict[str, str]:
    """The context that marks a feedback signal as an outcome of ``test``."""
    return {AB_TEST_CONTEXT_KEY: test.test_id, "variant": variant}


def variant_values(store: FeedbackStore, test: ABTest) -> tuple[list[float], list[float]]:
    """Values of the test's signal type recorded for each variant."""
    rows = store.read(
        "SELECT json_extract(context, '$.variant') AS variant, value FROM signals"
        " WHERE rule_id = ? AND signal_type = ? AND json_extract(context, '$.ab_test') = ?"
        " ORDER BY ts, id",
        [test.rule_id, test.signal_type, test.test_id],
    )
    a = [row["value"] for row in rows if row["variant"] == "a"]
    b = [row["value"] for row in rows if row["variant"] == "b"]
    return a, b


def decide(test: ABTest, values_a: Sequence[float], values_b: Sequence[float]) -> ABDecision:
    """The test's decision given every outcome recorded so far, in order: the kept one once
    finished, ``insufficient_data`` before the horizon, else the one comparison of the
    first ``min_samples_per_arm`` outcomes of each arm."""
    if test.decision is not None and test.finished:
        return test.decision
    n = test.min_samples_per_arm
    if min(len(values_a), len(values_b)) < n:
        return ABDecision(
            status="insufficient_data",
            n_a=len(values_a),
            n_b=len(values_b),
            mean_a=float(np.mean(values_a)) if len(values_a) else None,
            mean_b=float(np.mean(values_b)) if len(values_b) else None,
        )
    return compare_variants(values_a[:n], values_b[:n], alpha=test.alpha, min_samples_per_arm=n)


def evaluate_test(store: FeedbackStore, test_id: str) -> ABDecision:
    """The test's decision (see :func:`decide`); a finished one is saved and never changes."""
    test = load_test(store, test_id)
    if test.finished:
        return test.decision  # type: ignore[return-value]
    a, b = variant_values(store, test)
    decision = decide(test, a, b)
    if decision.status == "insufficient_data":
        return decision

    def keep_first_decision(current: dict[str, object]) -> dict[str, object]:
        stored = ABTest.model_validate(current)
        if stored.finished:
            return current  # another process decided meanwhile
        return stored.model_copy(update={"decision": decision}).model_dump(mode="json")

    updated = store.update_state(f"{STATE_PREFIX}{test_id}", keep_first_decision)
    return ABTest.model_validate(updated).decision or decision
