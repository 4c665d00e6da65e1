"""A user's judgements as labeled units for the rule model.

Two kinds of judgement become labels: explicit ones, stored in the ``unit_labels`` table (each rule's
latest review decision, and every outcome an assistant reported over MCP), and feedback signals on a
rule, averaged over the feedback window: a rule with at least ``min_signals`` signals is a positive when
their mean is at least ``POSITIVE_MEAN``, else a negative. A rule with explicit labels is labeled by
them only (not by its signals, which MCP outcomes also write). A rule recorded
without its unit (before units were stored) is read as its evidence sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rules_spider.learning.signals import is_variant_outcome
from rules_spider.learning.store import FeedbackStore, StoredUnitLabel
from rules_spider.units.stored import unit_from_context, unit_of_rule
from rules_spider.rulemodel.retrain import UserLabel

POSITIVE_MEAN = 0.5
# Where a labeled unit came from: the review page's decisions, an assistant's report over MCP.
REVIEW_ORIGIN = "review"
MCP_ORIGIN = "mcp"


def collect_user_labels(store: FeedbackStore, *, since: datetime, min_signals: int) -> list[UserLabel]:
    """The user's labeled units, one per rule, sorted by rule id."""
    explicit = latest_review_labels(store.unit_labels())
    labeled = {row.rule_id for row in explicit}
    values: dict[str, list[float]] = {}
    for signal in store.signals(since=since):
        if signal.rule_id not in labeled and not is_variant_outcome(signal.context):
            values.setdefault(signal.rule_id, []).append(signal.value)
    rated = [rule_id for rule_id, vals in values.items() if len(vals) >= min_signals]
    from_signals: dict[str, UserLabel] = {}
    for record in store.rule_records(rated):
        mean = sum(values[record.id]) / len(values[record.id])
        from_signals[record.id] = UserLabel(unit=unit_of_rule(record), label=int(mean >= POSITIVE_MEAN),
                                            origin="feedback")
    return [*(UserLabel(unit=unit_from_context(row.unit), label=row.label, origin=row.origin) for row in explicit),
            *(from_signals[rule_id] for rule_id in sorted(from_signals))]


def latest_review_labels(labels: Sequence[StoredUnitLabel]) -> list[StoredUnitLabel]:
    """Every outcome label, and each rule's latest review label (oldest first)."""
    latest: dict[str, StoredUnitLabel] = {}
    others = []
    for label in labels:
        if label.origin == REVIEW_ORIGIN:
            latest[label.rule_id] = label
        else:
            others.append(label)
    return sorted([*others, *latest.values()], key=lambda label: label.id)
