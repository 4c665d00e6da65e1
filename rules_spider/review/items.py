"""What the review page shows of each rule: the rule with its decision applied, its evidence in
context, the model's probability interval, and the feedback it has had so far."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules_spider.items import Rule
from rules_spider.learning.store import StoredSignal, StoredUnitLabel
from rules_spider.review.decisions import RuleDecision, reviewed_rule
from rules_spider.review.evidence import EvidenceContext, dropped_identifiers, evidence_context
from rules_spider.review.model_figures import ModelCards


@dataclass(frozen=True, slots=True)
class Feedback:
    """Labels and signals a rule has had: kept/dropped labels, assistant outcomes, who reported."""

    kept: int = 0
    dropped: int = 0
    outcomes: Mapping[str, int] = field(default_factory=dict)
    clients: tuple[str, ...] = ()
    signals: int = 0

    @property
    def empty(self) -> bool:
        return not (self.kept or self.dropped or self.signals)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    rule: Rule
    original: Rule
    decision: RuleDecision
    cluster_name: str
    interval: tuple[float, float] | None
    context: EvidenceContext
    feedback: Feedback
    # The evidence's identifiers when an edit mentions none of them (the page warns), else ().
    identifiers_dropped: tuple[str, ...]

    @property
    def group(self) -> tuple[str, str, int]:
        return (self.rule.source_name, self.rule.technology, -1 if self.rule.cluster is None else self.rule.cluster)


def feedback_by_rule(labels: Sequence[StoredUnitLabel], signals: Sequence[StoredSignal]) -> dict[str, Feedback]:
    kept: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    outcomes: dict[str, Counter[str]] = {}
    clients: dict[str, dict[str, None]] = {}
    for label in labels:
        (kept if label.label else dropped)[label.rule_id] += 1
        outcome = label.context.get("outcome")
        if outcome:
            outcomes.setdefault(label.rule_id, Counter())[str(outcome)] += 1
            clients.setdefault(label.rule_id, {})[str(label.context.get("client") or "unknown")] = None
    signal_counts = Counter(s.rule_id for s in signals)
    return {
        rule_id: Feedback(kept[rule_id], dropped[rule_id], dict(outcomes.get(rule_id, {})),
                          tuple(clients.get(rule_id, {})), signal_counts[rule_id])
        for rule_id in set(kept) | set(dropped) | set(signal_counts)
    }


def review_item(rule: Rule, decision: RuleDecision | None, feedback: Feedback | None, cards: ModelCards,
                cluster_name: str) -> ReviewItem:
    decision = decision or RuleDecision()
    shown = reviewed_rule(rule, decision)
    return ReviewItem(
        rule=shown,
        original=rule,
        decision=decision,
        cluster_name=cluster_name,
        interval=cards.interval(rule.quality_model, rule.quality_score),
        context=evidence_context(rule),
        feedback=feedback or Feedback(),
        identifiers_dropped=dropped_identifiers(rule, shown.title, shown.body) if decision.edited else (),
    )
