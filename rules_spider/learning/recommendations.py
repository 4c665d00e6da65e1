"""Improvement recommendations from the model's view of a rule's features.

Each candidate change sets one feature group of the rule to the value the
best-rated quarter of training rules have (``QualityModel.reference_values_``);
its ``expected_improvement`` is the model's prediction with that change minus
the prediction as is. Only changes the model expects to help are returned.
The text columns are left as they are, so the estimate covers what the
numeric features capture. Without a model the same feature analysis names
the gaps, with no expected improvement (it would be a guess).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rules_spider.learning.features import vague_words_in
from rules_spider.learning.engine_results import QualityPrediction, Recommendation

if TYPE_CHECKING:
    from rules_spider.items import Rule
    from rules_spider.learning.model import QualityModel

# Smallest predicted gain worth telling anyone about.
MIN_IMPROVEMENT = 0.005
# Gaps flagged without a model (no reference values): no evidence quoted,
# any vague word, no code-like token.
_FALLBACK_REFERENCE = {"evidence_length": 80.0, "vagueness": 0.0, "specificity": 1.0}


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: str
    feature: str
    applies: Callable[[dict[str, Any], dict[str, float]], bool]
    change: Callable[[dict[str, Any], dict[str, float]], dict[str, Any]]
    describe: Callable[[Rule, dict[str, Any], dict[str, float]], str]


def _vague_words(rule: Rule) -> list[str]:
    return vague_words_in(f"{rule.title} {rule.body}")


_CANDIDATES = (
    _Candidate(
        kind="missing_example",
        feature="has_example",
        applies=lambda row, ref: row["has_example"] < 1,
        change=lambda row, ref: {"has_example": 1.0},
        describe=lambda rule, row, ref: (
            f"Add a code example: quote one from {rule.url} showing the rule applied"
        ),
    ),
    _Candidate(
        kind="low_grounding",
        feature="evidence_length",
        applies=lambda row, ref: row["evidence_length"] < 0.5 * ref["evidence_length"],
        change=lambda row, ref: {
            "evidence_length": ref["evidence_length"],
            "evidence_present": 1.0,
        },
        describe=lambda rule, row, ref: (
            f"Ground the rule in more of the page: its evidence is "
            f"{int(row['evidence_length'])} characters, well-rated rules quote about "
            f"{int(ref['evidence_length'])}"
        ),
    ),
    _Candidate(
        kind="vague_subject",
        feature="vagueness",
        applies=lambda row, ref: (
            row["vagueness"] > ref["vagueness"] or row["specificity"] < ref["specificity"]
        ),
        change=lambda row, ref: {
            "vagueness": min(row["vagueness"], ref["vagueness"]),
            "specificity": max(row["specificity"], ref["specificity"]),
        },
        describe=lambda rule, row, ref: (
            "Name the concrete API, option or command the rule is about"
            + (
                f" instead of vague wording ({', '.join(_vague_words(rule))})"
                if _vague_words(rule)
                else ""
            )
            + f": it has {int(row['specificity'])} code-like terms, well-rated rules about "
            f"{ref['specificity']:g}"
        ),
    ),
)


def recommend(
    rule: Rule,
    row: dict[str, Any],
    model: QualityModel | None,
    prediction: QualityPrediction | None,
    effectiveness: float | None,
) -> list[Recommendation]:
    reference = dict(_FALLBACK_REFERENCE)
    if model is not None:
        reference.update(model.reference_values_)
    applicable = [c for c in _CANDIDATES if c.applies(row, reference)]
    items: list[Recommendation] = []
    if model is not None and applicable:
        changed_rows = [{**row, **c.change(row, reference)} for c in applicable]
        predictions = model.predict([row, *changed_rows])
        for candidate, changed, predicted in zip(
            applicable, changed_rows, predictions[1:], strict=True
        ):
            gain = float(predicted - predictions[0])
            if gain >= MIN_IMPROVEMENT:
                items.append(_item(candidate, rule, row, changed, reference, round(gain, 4)))
    elif model is None:
        for candidate in applicable:
            items.append(
                _item(
                    candidate,
                    rule,
                    row,
                    {**row, **candidate.change(row, reference)},
                    reference,
                    None,
                )
            )
    items.sort(key=lambda item: -(item.expected_improvement or 0.0))
    below = _below_prediction(rule, prediction, effectiveness)
    return [*items, *([below] if below else [])]


def _item(
    candidate: _Candidate,
    rule: Rule,
    row: dict[str, Any],
    changed: dict[str, Any],
    reference: dict[str, float],
    gain: float | None,
) -> Recommendation:
    return Recommendation(
        kind=candidate.kind,
        description=candidate.describe(rule, row, reference),
        expected_improvement=gain,
        feature=candidate.feature,
        current_value=_finite(row[candidate.feature]),
        suggested_value=_finite(changed[candidate.feature]),
    )


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _below_prediction(
    rule: Rule, prediction: QualityPrediction | None, effectiveness: float | None
) -> Recommendation | None:
    """Feedback far below what the features promise usually means the rule
    misreads its page (or the page changed): re-check it against the source."""
    if effectiveness is None or prediction is None or prediction.confidence_interval is None:
        return None
    low, high = prediction.confidence_interval
    if effectiveness >= low:
        return None
    return Recommendation(
        kind="feedback_below_prediction",
        description=(
            f"Observed effectiveness {effectiveness:.2f} is below the model's "
            f"{prediction.interval_level:.0%} interval [{low:.2f}, {high:.2f}]: re-check the "
            f"rule against {rule.url} (the page may have changed or the rule misreads it)"
        ),
        expected_improvement=None,
    )
