"""Review decisions: the log folds into what is in force, and every writer and export honours it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pathlib import Path

import pytest

from rules_spider.learning.store import DecisionEntry, FeedbackStore
from rules_spider.outputs.build import build_outputs
from rules_spider.outputs.export import export_rules
from rules_spider.outputs.batch_results import CatalogInfo
from rules_spider.review.decisions import decisions_in
from rules_spider.settings import RULES_WRITERS
from rules_spider.writers.base import RenderContext, WriterRegistry
from rules_spider.writers.budget import default_budgets, parse_budget
from tests.rule_sets import fixed_rules
from tests.test_outputs_fixtures import write_rules_jsonl

REGISTRY = WriterRegistry(RULES_WRITERS)


def decide(state: Path, *entries: DecisionEntry) -> None:
    with FeedbackStore(state) as store:
        for entry in entries:  # one transaction each: the log keeps their order
            store.record(decisions=[entry])


def test_the_latest_decision_of_each_kind_is_in_force(tmp_path):
    rule = fixed_rules()[0]
    decide(tmp_path,
           DecisionEntry(rule.id, "tools", "reject", reason="no_subject"),
           DecisionEntry(rule.id, "tools", "pin"),
           DecisionEntry(rule.id, "tools", "edit", old_title=rule.title, old_body=rule.body,
                         new_title="Quillpy: declare routes with @route", new_body="Declare each route with @route."),
           DecisionEntry(rule.id, "tools", "accept"),
           DecisionEntry(rule.id, "tools", "unpin"))
    decision = decisions_in(tmp_path)[rule.id]
    assert (decision.status, decision.reason, decision.pinned, decision.title) == (
        "accepted", None, False, "Quillpy: declare routes with @route")
    with FeedbackStore(tmp_path) as store:
        [edit] = [d.entry for d in store.decisions() if d.entry.action == "edit"]
    assert (edit.old_title, edit.old_body) == (rule.title, rule.body)


def test_no_store_means_no_decisions_and_no_database_created(tmp_path):
    assert decisions_in(tmp_path / "state") == {}
    assert not (tmp_path / "state").exists()


def test_an_edit_without_new_text_is_refused_by_the_database(tmp_path):
    with FeedbackStore(tmp_path) as store, pytest.raises(Exception, match="CHECK constraint"):
        store.record(decisions=[DecisionEntry("r", "tools", "edit", new_title="t")])


def reviewed_state(tmp_path: Path) -> tuple[Path, list, dict]:
    rules = fixed_rules()
    state = tmp_path / "state"
    rejected, edited, pinned = rules[0], rules[1], rules[5]
    decide(state,
           DecisionEntry(rejected.id, "tools", "reject", reason="wrong"),
           DecisionEntry(edited.id, "tools", "edit", old_title=edited.title, old_body=edited.body,
                         new_title="Quillpy: return a Response for custom headers",
                         new_body="Return a Response object, not a tuple, whenever a handler sets headers."),
           DecisionEntry(pinned.id, "tools", "pin"))
    return state, rules, {"rejected": rejected, "edited": edited, "pinned": pinned}


def test_export_of_every_format_honours_rejects_edits_and_pins(tmp_path):
    state, rules, chosen = reviewed_state(tmp_path)
    rules_file = write_rules_jsonl(tmp_path / "out" / "tools" / "rules.jsonl", rules)
    project = tmp_path / "project"
    project.mkdir()
    # AGENTS.md gets room for about two Quillpy rules: the pinned one must be among them.
    budgets = {**default_budgets(), "agents": parse_budget("1400 bytes")}
    result = export_rules(rules_file, project, "tools", "all", REGISTRY, sources=["Quillpy"],
                          context=RenderContext(catalog="tools", budgets=budgets),
                          decisions=decisions_in(state))
    text = "".join(p.read_text() for p in project.rglob("*") if p.is_file() and p.name != ".rules-spider.json")
    assert chosen["rejected"].body not in text and chosen["rejected"].title not in text
    assert chosen["edited"].title not in text and "Quillpy: return a Response for custom headers" in text
    assert chosen["edited"].evidence in text  # the evidence quote stays the page's
    agents = next(b for b in result.budgets if b.target == "agents")
    assert agents.left_out, "the budget must be tight enough to leave rules out"
    assert chosen["pinned"].id not in {o["rule_id"] for o in agents.left_out}
    assert chosen["pinned"].title in (project / "AGENTS.md").read_text()


def test_the_output_tree_honours_decisions(tmp_path):
    state, rules, chosen = reviewed_state(tmp_path)
    rules_file = write_rules_jsonl(tmp_path / "out" / "tools" / "rules.jsonl", rules)
    results = build_outputs(rules_file, rules_file.parent, CatalogInfo("tools", ("python", "typescript", "docker"), ()),
                            ["cursor", "windsurf", "agents"], None, None, REGISTRY, decisions=decisions_in(state))
    assert results.total_rules_generated == len(rules) - 1
    tree = "".join(p.read_text() for p in rules_file.parent.rglob("*_rules*"))
    assert chosen["rejected"].body not in tree
    assert "Quillpy: return a Response for custom headers" in tree and chosen["edited"].title not in tree



def test_a_rules_latest_review_label_counts_and_every_outcome_does(tmp_path):
    from rules_spider.review.judgements import Edit, JudgementError, record_outcome, record_review
    from rules_spider.learning.user_labels import collect_user_labels
    from tests.review_fixtures import site_rules

    first, second = site_rules()[:2]
    with FeedbackStore(tmp_path) as store:
        record_review(store, [first], "tidewater", "accept")
        record_review(store, [first], "tidewater", "reject", reason="vague")  # changed their mind
        record_review(store, [first], "tidewater", "unpin")  # not a judgement of the unit
        record_outcome(store, second, "tidewater", "helpful", client="a")
        record_outcome(store, second, "tidewater", "not_helpful", client="b")
        for bad in ({"action": "accept", "reason": "vague"}, {"action": "reject", "reason": "nonsense"},
                    {"action": "archive"}):
            with pytest.raises(JudgementError):
                record_review(store, [first], "tidewater", bad.pop("action"), **bad)
        with pytest.raises(JudgementError, match="non-empty"):
            record_review(store, [first], "tidewater", "edit", edit=Edit("  ", "body"))
        labels = collect_user_labels(store, since=datetime.now(UTC) - timedelta(days=1), min_signals=5)
    assert [(label.unit.text, label.label, label.origin) for label in labels] == [
        (first.evidence, 0, "review"), (second.evidence, 1, "mcp"), (second.evidence, 0, "mcp")]
