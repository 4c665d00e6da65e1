"""People's judgements of rules become labeled units for the rule model.

A review action (accept, reject with its reason, edit, pin) and an assistant's outcome report (MCP
``helpful | not_helpful | wrong``) are stored in one transaction with the labeled unit they make:
keeping a rule (accept, edit, pin, helpful) labels its unit 1, rejecting it (or ``not_helpful``,
``wrong``) labels it 0 with the failure kind. ``learning.user_labels`` turns the stored labels into
the retraining set: a rule's latest review label counts (a person may change their mind), every outcome
report counts (each is a separate use).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from rules_spider.corpus.labels import FAILURE_KINDS
from rules_spider.items import Rule
from rules_spider.learning.signals import make_signal
from rules_spider.learning.store import DecisionEntry, FeedbackStore, UnitLabelEntry
from rules_spider.learning.user_labels import MCP_ORIGIN, REVIEW_ORIGIN
from rules_spider.review.decisions import ACTIONS

Outcome = Literal["helpful", "not_helpful", "wrong"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
MAX_TITLE = 300
MAX_BODY = 4000
MAX_NOTE = 2000


class JudgementError(ValueError):
    """A judgement that cannot be stored; the message says which value is wrong."""


@dataclass(frozen=True, slots=True)
class Edit:
    title: str
    body: str


def _checked_edit(edit: Edit | None) -> Edit:
    if edit is None:
        raise JudgementError("an edit needs a title and a body")
    title, body = " ".join(edit.title.split()), edit.body.strip()
    if not title or not body:
        raise JudgementError("an edited rule needs a non-empty title and body")
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        raise JudgementError(f"an edited title is at most {MAX_TITLE} characters and a body at most {MAX_BODY}")
    return Edit(title, body)


def review_entries(rule: Rule, catalog: str, action: str, *, reason: str | None = None,
                   edit: Edit | None = None) -> tuple[DecisionEntry, UnitLabelEntry | None]:
    """The decision row and the labeled unit one review action on ``rule`` makes."""
    if action not in ACTIONS:
        raise JudgementError(f"unknown action {action!r} (known: {', '.join(ACTIONS)})")
    if reason is not None and (action != "reject" or reason not in FAILURE_KINDS):
        raise JudgementError(f"reason {reason!r} is not one of {', '.join(FAILURE_KINDS)} (and goes with reject)")
    decision = DecisionEntry(rule.id, catalog, action, reason=reason)
    if action == "edit":
        new = _checked_edit(edit)
        decision = DecisionEntry(rule.id, catalog, action, old_title=rule.title, old_body=rule.body,
                                 new_title=new.title, new_body=new.body)
    label = None
    if rule.unit is not None and action != "unpin":
        keep = action != "reject"
        label = UnitLabelEntry(rule.id, int(keep), REVIEW_ORIGIN, rule.unit, failure=None if keep else reason,
                               context={"catalog": catalog, "action": action})
    return decision, label


def record_review(store: FeedbackStore, rules: Sequence[Rule], catalog: str, action: str, *,
                  reason: str | None = None, edit: Edit | None = None) -> int:
    """Store one action on each of ``rules`` (a bulk action is one transaction); returns how many."""
    decisions, labels = [], []
    for rule in rules:
        decision, label = review_entries(rule, catalog, action, reason=reason, edit=edit)
        decisions.append(decision)
        labels.extend([label] if label else [])
    store.record(decisions=decisions, labels=labels)
    return len(decisions)


def record_outcome(store: FeedbackStore, rule: Rule, catalog: str, outcome: str, *, client: str,
                   note: str | None = None) -> bool:
    """Store an assistant's report on ``rule`` as a signal and a labeled unit; False when the rule has
    no unit to label (the signal is stored all the same)."""
    if outcome not in OUTCOMES:
        raise JudgementError(f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
    if note is not None and len(note) > MAX_NOTE:
        raise JudgementError(f"note is longer than {MAX_NOTE} characters")
    context: dict[str, Any] = {"catalog": catalog, "client": client, "outcome": outcome}
    if note:
        context["note"] = note
    signal = make_signal(rule_id=rule.id, signal_type="usage_success", value=float(outcome == "helpful"),
                         context=context, source=MCP_ORIGIN)
    labels = []
    if rule.unit is not None:
        labels.append(UnitLabelEntry(rule.id, int(outcome == "helpful"), MCP_ORIGIN, rule.unit,
                                     failure="wrong" if outcome == "wrong" else None, context=context))
    store.record(signals=[signal], labels=labels)
    return bool(labels)
