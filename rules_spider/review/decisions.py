"""Review decisions in force, and the rules writers see once they are applied. Pure functions.

The decisions table is a log; what is in force for a rule is the latest of each kind: its status
(accepted or rejected, with the reason), its pin, and its edited title and body. Applying them to a
catalog's rules drops the rejected ones, puts the edited text in (evidence and URL stay the page's),
and returns the pinned ids, which writers pack first (``writers.budget.priority_key``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, get_args

from rules_spider.items import Rule
from rules_spider.learning.store import DecisionEntry, StoredDecision

Action = Literal["accept", "reject", "edit", "pin", "unpin"]
ACTIONS: tuple[str, ...] = get_args(Action)
Status = Literal["accepted", "rejected"]


@dataclass(frozen=True, slots=True)
class RuleDecision:
    """What the review decided about one rule, so far."""

    status: Status | None = None
    reason: str | None = None
    pinned: bool = False
    title: str | None = None
    body: str | None = None
    decided_at: datetime | None = None

    @property
    def edited(self) -> bool:
        return self.title is not None


def fold_decisions(decisions: Iterable[StoredDecision]) -> dict[str, RuleDecision]:
    """The decision in force per rule id, from the log in the order it was written."""
    state: dict[str, RuleDecision] = {}
    for stored in decisions:
        entry = stored.entry
        current = state.get(entry.rule_id, RuleDecision())
        state[entry.rule_id] = dataclasses.replace(_applied(current, entry), decided_at=stored.timestamp)
    return state


def _applied(current: RuleDecision, entry: DecisionEntry) -> RuleDecision:
    if entry.action == "accept":
        return dataclasses.replace(current, status="accepted", reason=None)
    if entry.action == "reject":
        return dataclasses.replace(current, status="rejected", reason=entry.reason)
    if entry.action == "edit":
        return dataclasses.replace(current, title=entry.new_title, body=entry.new_body)
    if entry.action in ("pin", "unpin"):
        return dataclasses.replace(current, pinned=entry.action == "pin")
    raise ValueError(f"unknown review action {entry.action!r} (known: {', '.join(ACTIONS)})")


def reviewed_rule(rule: Rule, decision: RuleDecision | None) -> Rule:
    """``rule`` with its edited title and body (the evidence and URL stay as crawled)."""
    if decision is None or not decision.edited:
        return rule
    return dataclasses.replace(rule, title=decision.title or rule.title, body=decision.body or rule.body)


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A catalog's rules as writers see them: rejected ones gone, edits in, pinned ids."""

    rules: list[Rule]
    pinned: frozenset[str]
    rejected: int


def apply_decisions(rules: Sequence[Rule], decisions: Mapping[str, RuleDecision]) -> Reviewed:
    kept = []
    rejected = 0
    for rule in rules:
        decision = decisions.get(rule.id)
        if decision is not None and decision.status == "rejected":
            rejected += 1
            continue
        kept.append(reviewed_rule(rule, decision))
    pinned = frozenset(rule.id for rule in kept if (d := decisions.get(rule.id)) is not None and d.pinned)
    return Reviewed(kept, pinned, rejected)


def decisions_in(state_dir: Path) -> dict[str, RuleDecision]:
    """The decisions in force in ``state_dir``'s feedback store ({} when it has none)."""
    from rules_spider.learning.store import DB_FILENAME, FeedbackStore

    if not (Path(state_dir) / DB_FILENAME).is_file():
        return {}
    with FeedbackStore(state_dir) as store:
        return fold_decisions(store.decisions())
