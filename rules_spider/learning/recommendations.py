"""Improvement recommendations for a rule, from the rule model's view of its unit.

A change the model can see (naming the subject, marking an identifier as code) comes with
``expected_improvement``: the model's probability for the unit with the change minus its probability
as is, and only changes the model expects to help are returned. Changes the model does not read (a
missing example, a missing reason) are named without a number: any number would be a guess.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rules_spider.compose.clauses import is_reason
from rules_spider.extraction.inline import CODE_CLOSE, CODE_OPEN, code_spans
from rules_spider.learning.engine_results import QualityPrediction, Recommendation
from rules_spider.units import Unit

if TYPE_CHECKING:
    from rules_spider.items import Rule
    from rules_spider.rulemodel.persistence import LoadedRuleModel

# Smallest predicted gain worth telling anyone about.
MIN_IMPROVEMENT = 0.005


def _model_changes(rule: Rule, unit: Unit) -> list[tuple[str, str, Unit]]:
    changes: list[tuple[str, str, Unit]] = []
    subject = rule.subject
    if subject and unit.term is None and not code_spans(unit.marked):
        changes.append(("no_subject", f"Name what the rule is about: say `{subject}` in the rule, "
                                      f"as the page's heading or definition does", replace(unit, term=subject,
                                                                                          term_from="heading")))
    if subject and subject in unit.marked and subject not in code_spans(unit.marked):
        marked = unit.marked.replace(subject, f"{CODE_OPEN}{subject}{CODE_CLOSE}", 1)
        changes.append(("identifier_not_code", f"Show `{subject}` as code", replace(unit, marked=marked)))
    return changes


def recommend(rule: Rule, unit: Unit, model: LoadedRuleModel | None, prediction: QualityPrediction | None,
              effectiveness: float | None) -> list[Recommendation]:
    items: list[Recommendation] = []
    changes = _model_changes(rule, unit)
    if model is not None and changes:
        probabilities = model.model.proba_from_counts(model.model.counts([unit, *(c[2] for c in changes)]))
        for (kind, description, _), changed in zip(changes, probabilities[1:], strict=True):
            gain = float(changed - probabilities[0])
            if gain >= MIN_IMPROVEMENT:
                items.append(Recommendation(kind=kind, description=description, expected_improvement=round(gain, 4)))
    elif model is None:
        items.extend(Recommendation(kind=kind, description=description, expected_improvement=None)
                     for kind, description, _ in changes)
    items.sort(key=lambda item: -(item.expected_improvement or 0.0))
    if not (rule.example and rule.example.strip()):
        items.append(Recommendation(kind="missing_example", expected_improvement=None,
                                    description=f"Add a code example: quote one from {rule.url} showing the rule applied"))
    if not is_reason(unit.next) and "because" not in rule.body.lower():
        items.append(Recommendation(kind="no_reason", expected_improvement=None,
                                    description="Say why, when the page gives the reason next to the guidance"))
    below = _below_prediction(rule, prediction, effectiveness)
    return [*items, *([below] if below else [])]


def _below_prediction(
    rule: Rule, prediction: QualityPrediction | None, effectiveness: float | None
) -> Recommendation | None:
    """Feedback far below what the model promises usually means the rule
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
