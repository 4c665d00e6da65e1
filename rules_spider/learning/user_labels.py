"""A user's judgements as labeled units for the rule model.

Two kinds of judgement become labels: explicit ones (review decisions, MCP outcomes), stored in the
``unit_labels`` table, and feedback signals on a rule, averaged over the feedback window: a rule with at
least ``min_signals`` signals is a positive when their mean is at least ``POSITIVE_MEAN``, else a
negative. A later explicit judgement of a rule replaces earlier ones and its signals. A rule recorded
without its unit (before units were stored) is read as its evidence sentence.
"""

from __future__ import annotations

from datetime import datetime

from rules_spider.learning.signals import is_variant_outcome
from rules_spider.learning.store import FeedbackStore
from rules_spider.page_rules import unit_from_context, unit_of_rule
from rules_spider.rulemodel.retrain import UserLabel

POSITIVE_MEAN = 0.5


def collect_user_labels(store: FeedbackStore, *, since: datetime, min_signals: int) -> list[UserLabel]:
    """The user's labeled units, one per rule, sorted by rule id."""
    explicit: dict[str, UserLabel] = {}
    for row in store.unit_labels():  # oldest first: the latest judgement of a rule wins
        explicit[row.rule_id] = UserLabel(unit=unit_from_context(row.unit), label=row.label, origin=row.origin)
    values: dict[str, list[float]] = {}
    for signal in store.signals(since=since):
        if signal.rule_id not in explicit and not is_variant_outcome(signal.context):
            values.setdefault(signal.rule_id, []).append(signal.value)
    rated = [rule_id for rule_id, vals in values.items() if len(vals) >= min_signals]
    from_signals: dict[str, UserLabel] = {}
    for record in store.rule_records(rated):
        mean = sum(values[record.id]) / len(values[record.id])
        from_signals[record.id] = UserLabel(unit=unit_of_rule(record), label=int(mean >= POSITIVE_MEAN),
                                            origin="feedback")
    labels = {**from_signals, **explicit}
    return [labels[rule_id] for rule_id in sorted(labels)]
