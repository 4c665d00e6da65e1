"""One technology's pass of a build: its rules reviewed, clustered and written, then folded into summaries.

``run_technology`` depends on nothing but its ``PassPlan`` (picklable) and the technology, so the
build (``outputs.build``) runs it in its own process or in worker processes (``outputs.pass_pool``),
and merges the outcomes in technology order: the tree is the same bytes either way. A pass writes
the technology's cluster directories into the staged tree and its rules.jsonl lines to the file it
is given, records the rules' features in the feedback store when asked, and returns only what the
build needs of them afterwards: cluster summaries, metric sums, the report's samples and counts.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rules_spider.clusters import Clustering
from rules_spider.items import Rule, unit_json
from rules_spider.learning.store import FeedbackStore
from rules_spider.outputs.atomic import StagedTree
from rules_spider.outputs.batch_results import ClusterSummary
from rules_spider.outputs.cluster_files import write_cluster_files
from rules_spider.outputs.gc_pause import paused_gc
from rules_spider.outputs.metrics import ImprovementSums, MetricSums
from rules_spider.outputs.report import ReportData
from rules_spider.outputs.rule_sources import RuleSource
from rules_spider.outputs.rules_io import rule_line
from rules_spider.review.decisions import RuleDecision, apply_decisions
from rules_spider.writers.activation import named_globs
from rules_spider.writers.base import RenderContext, Writer
from rules_spider.writers.documents import RuleBlocks


@dataclass(frozen=True)
class PassPlan:
    """Everything a technology's pass needs, shared by every technology of one build."""

    source: RuleSource
    previous: RuleSource | None  # the run the build replaces, for improvement_score
    staged: StagedTree
    writers: tuple[Writer, ...]
    context: RenderContext
    group_by: str
    decisions: Mapping[str, RuleDecision]
    max_clusters: int
    random_state: int
    tech_slugs: Mapping[str, str]
    metrics: MetricSums  # empty: each pass adds its technology to a fresh copy
    improvement: ImprovementSums | None
    record_in: Path | None  # the state directory whose feedback store keeps the rules' features


@dataclass
class TechnologyOutcome:
    """What the build keeps of one technology once its rules are gone."""

    technology: str
    summaries: list[ClusterSummary]
    metrics: MetricSums
    improvement: ImprovementSums | None
    report: ReportData
    rules: int = 0
    clusters: int = 0
    duplicates: int = 0
    clustering_seconds: float = 0.0
    rules_per_source: Counter[str] = field(default_factory=Counter)
    generators: Counter[str] = field(default_factory=Counter)
    rule_ids: list[str] = field(default_factory=list)  # every rule of rules.jsonl, rejected ones too
    cluster_of: dict[str, int] = field(default_factory=dict)  # when the build copies a rules.jsonl
    wrote_directory: bool = False

    def detached(self) -> TechnologyOutcome:
        """The outcome without the run's pages its sums are over: the build merges it into sums that have
        them, and a worker process would send every page's keywords back with each technology."""
        improvement = self.improvement.detached() if self.improvement is not None else None
        return dataclasses.replace(self, metrics=self.metrics.detached(), improvement=improvement)


def run_technology(plan: PassPlan, technology: str, rules_out: Path | None) -> TechnologyOutcome:
    """Review, cluster and write ``technology``'s rules; rules.jsonl lines are appended to ``rules_out``
    (None: the build copies a rules.jsonl and gets each rule's cluster instead)."""
    # Imported where the pass runs: a build whose passes run in workers merges outcomes without NumPy.
    from rules_spider.clustering import cluster_rules

    with paused_gc():
        crawled, duplicates = plan.source.rules(technology)
        reviewed = apply_decisions(crawled, plan.decisions)
        tick = time.perf_counter()
        clustering = cluster_rules(reviewed.rules, max_clusters=plan.max_clusters, random_state=plan.random_state)
        seconds = time.perf_counter() - tick
        context = dataclasses.replace(plan.context, pinned=plan.context.pinned | reviewed.pinned, blocks=RuleBlocks())
        slug = plan.tech_slugs.get(technology, "")
        summaries = write_cluster_files(plan.staged, slug, clustering.clusters, plan.writers, context, plan.group_by)
        named_globs.cache_clear()  # it serves this technology's writers; kept, it would grow with the catalog
        outcome = TechnologyOutcome(
            technology, summaries, plan.metrics.fresh(),
            plan.improvement.fresh() if plan.improvement is not None else None, ReportData(),
            duplicates=duplicates, clustering_seconds=seconds, wrote_directory=bool(summaries),
            rule_ids=[rule.id for rule in crawled],
        )  # fmt: skip
        cluster_of = {r.id: r.cluster for r in clustering.rules if r.cluster is not None}
        # Each unit is turned into JSON once, for rules.jsonl and for the feedback store.
        units = [unit_json(r.unit) if r.unit is not None else None for r in crawled] if rules_out or plan.record_in else []
        if rules_out is not None:
            _append_rules(rules_out, crawled, cluster_of, units)
        else:
            outcome.cluster_of = cluster_of
        if plan.record_in is not None:
            _record(plan.record_in, crawled, units)
        _summarise(plan, outcome, clustering)
    return outcome.detached()


def _append_rules(path: Path, crawled: Sequence[Rule], cluster_of: Mapping[str, int], units: list[str | None]) -> None:
    # rules.jsonl keeps rejected rules too, so a decision can be undone.
    with open(path, "a", encoding="utf-8", newline="\n") as handle:
        handle.writelines(
            rule_line(rule, cluster=cluster_of.get(rule.id), unit=unit)
            for rule, unit in zip(crawled, units, strict=True)
        )


def _record(state_dir: Path, rules: Sequence[Rule], units: list[str | None]) -> None:
    """Keep the features of the rules (feedback can train on rules no longer in memory)."""
    store = FeedbackStore(state_dir)
    try:
        store.upsert_rules(rules, units=[unit if rule.unit else None for rule, unit in zip(rules, units, strict=True)])
    finally:
        store.close()


def _summarise(plan: PassPlan, outcome: TechnologyOutcome, clustering: Clustering) -> None:
    rules = clustering.rules
    outcome.rules, outcome.clusters = len(rules), len(clustering.clusters)
    outcome.rules_per_source.update(r.source_name for r in rules)
    outcome.generators.update(r.generator for r in rules if r.generator)
    outcome.metrics.add(clustering)
    if outcome.improvement is not None and plan.previous is not None:
        previous, _ = plan.previous.rules(outcome.technology)
        outcome.improvement.add(clustering, previous)
    outcome.report.add(clustering)
    outcome.report.add_left_out((ids for s in outcome.summaries for ids in s.left_out.values()), rules)
