"""Build the output tree of one catalog run from its rules.jsonl.

Layout (``O/C`` is ``out_dir``)::

    O/C/batch_results.json
    O/C/rules.jsonl                       (rewritten with each rule's ``cluster``)
    O/C/pages.jsonl                       (the pages crawled, ``outputs.pages``; when known)
    O/C/report.html
    O/C/<tech>/<tech>_<format>_cluster_<n>/<tech>_<format>_rules<ext>
    O/C/<tech>/<tech>_<format>_cluster_<n>/<tech>_<format>_rules_part<i><ext>   (i >= 2: over budget)
    O/C/<tech>/<tech>_<format>_cluster_<n>/metadata.json

``<ext>`` is the extension the assistant needs where the file goes
(``.mdc`` for Cursor, ``.instructions.md`` for Copilot, ``.txt`` for
llms.txt, ``.md`` otherwise). With ``RULES_TREE_GROUP_BY = "source"`` each
cluster directory is ``<tech>_<format>_source_<source>_<n>`` instead, one per
source of the cluster.

``<tech>`` is the technology's slug (``outputs.paths.unique_slugs``) and
``<n>`` the cluster's index within its technology (largest cluster is 0).
Review decisions (``rules_spider.review.decisions``) apply before clustering: rejected rules are not
written, edited rules carry their new title and body, pinned rules are packed first.

Everything is built in a staging directory and swapped in at the end
(``outputs.atomic.staged_tree``): a failure at any point leaves the previous
tree as it was.

The build holds one technology's rules at a time: its source (``outputs.rule_sources``) sorts
the input into per-technology scratch files, then each technology in turn is reviewed,
clustered, written (its cluster directories and its rules.jsonl lines) and folded into small
summaries (cluster summaries, metric sums, the report's samples) before its rules are let go
(``outputs.technology_pass``). So memory grows with the largest technology, not with the
catalog. A big build (``PARALLEL_ABOVE_RULES``) runs its passes in ``workers`` processes
(``outputs.pass_pool``), one technology each; their outcomes are merged in technology order, so
the tree is the same bytes with any number of workers.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rules_spider import settings as defaults
from rules_spider.items import Rule
from rules_spider.outputs.atomic import staged_tree
from rules_spider.outputs.batch_results import (
    BatchResults,
    CatalogInfo,
    ClusterSummary,
    RulesFileSummary,
    SourceFailure,
    iso,
    pages_crawled,
    source_rows,
)
from rules_spider.outputs.gc_pause import paused_gc
from rules_spider.outputs.metrics import ImprovementSums, MetricSums, PreviousRun, metrics_from
from rules_spider.outputs.pages import PAGES_FILE, PageRecord, pages_text, read_page_records
from rules_spider.outputs.pass_pool import pass_pool
from rules_spider.outputs.paths import unique_slugs
from rules_spider.outputs.report import ReportData
from rules_spider.outputs.rule_sources import RuleListSource, RulesFileSource, RuleSource
from rules_spider.outputs.rules_io import read_rules, write_annotated_rules
from rules_spider.outputs.technology_pass import PassPlan, TechnologyOutcome, run_technology
from rules_spider.review.decisions import RuleDecision
from rules_spider.writers.base import RenderContext, Writer, WriterRegistry

logger = logging.getLogger(__name__)

BATCH_RESULTS = "batch_results.json"
RULES_FILE = "rules.jsonl"
REPORT_FILE = "report.html"
# Below this many rules a build stays in its process: starting workers would cost more than it saves.
PARALLEL_ABOVE_RULES = 20_000


def _now() -> datetime:
    return datetime.now(UTC)


def load_previous_results(out_dir: Path) -> dict[str, Any] | None:
    """The last batch_results.json in ``out_dir``, or None (missing or unreadable)."""
    path = out_dir / BATCH_RESULTS
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("Ignoring unreadable %s: %s", path, exc)
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True, slots=True)
class StoredRun:
    """The run now in an output directory: its page records, and its rules.jsonl, which the build
    that replaces it reads one technology at a time (inside its lock, before the swap)."""

    rules_path: Path
    pages: list[PageRecord]


def stored_run(out_dir: Path) -> StoredRun | None:
    """The run in ``out_dir`` (what a build there replaces), or None when there are no page records
    to compare over."""
    pages_path = Path(out_dir) / PAGES_FILE
    if not pages_path.is_file():
        return None
    return StoredRun(Path(out_dir) / RULES_FILE, read_page_records([pages_path]))


def load_previous_run(out_dir: Path) -> PreviousRun | None:
    """Like ``stored_run``, with every rule read now (a snapshot that outlives the file)."""
    stored = stored_run(out_dir)
    if stored is None:
        return None
    rules, _ = read_rules(stored.rules_path)
    return PreviousRun(rules=rules, pages=stored.pages)


def _previous_source(previous: PreviousRun | StoredRun, improvement: ImprovementSums) -> RuleSource:
    if isinstance(previous, StoredRun):
        # Only rules on pages both runs crawled count; the others are not even kept on disk.
        return RulesFileSource(previous.rules_path, only_pages=improvement.shared)
    return RuleListSource(previous.rules)


@dataclass
class _Totals:
    """Every technology's outcome, merged in technology order."""

    metrics: MetricSums
    improvement: ImprovementSums | None
    report: ReportData = field(default_factory=ReportData)
    summaries: list[ClusterSummary] = field(default_factory=list)
    rules_per_source: Counter[str] = field(default_factory=Counter)
    generators: Counter[str] = field(default_factory=Counter)
    cluster_of: dict[tuple[str, str], int] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)  # top-level directories (a technology with no cluster has none)
    rule_ids: list[str] = field(default_factory=list)
    rules: int = 0
    clusters: int = 0
    duplicates: int = 0
    clustering_seconds: float = 0.0

    def add(self, outcome: TechnologyOutcome, slug: str) -> None:
        self.metrics.merge(outcome.metrics)
        if self.improvement is not None and outcome.improvement is not None:
            self.improvement.merge(outcome.improvement)
        self.report.merge(outcome.report)
        self.summaries.extend(outcome.summaries)
        self.rules_per_source.update(outcome.rules_per_source)
        self.generators.update(outcome.generators)
        self.cluster_of.update(((outcome.technology, i), c) for i, c in outcome.cluster_of.items())
        if outcome.wrote_directory:
            self.written.add(slug)
        self.rule_ids.extend(outcome.rule_ids)
        self.rules += outcome.rules
        self.clusters += outcome.clusters
        self.duplicates += outcome.duplicates
        self.clustering_seconds += outcome.clustering_seconds

    def generator(self, crawl_stats: Mapping[str, Any] | None) -> str | None:
        if crawl_stats and crawl_stats.get("generator"):
            return str(crawl_stats["generator"])
        counts = self.generators
        return min(counts, key=lambda g: (-counts[g], g)) if counts else None


def _outcomes(
    plan: PassPlan, technologies: list[str], rules_file: Path | None, workers: int
) -> Iterator[TechnologyOutcome]:
    """Each technology's outcome, in order; rules.jsonl lines go to ``rules_file`` (None: none)."""
    if workers <= 0:
        for technology in technologies:
            yield run_technology(plan, technology, rules_file)
        return
    chunks = {
        t: plan.staged.scratch / f"rules-{i}.jsonl" if rules_file is not None else None
        for i, t in enumerate(technologies)
    }
    # Largest technologies first: the passes then end close together, where in technology order a big one
    # submitted last would run alone while the other workers sit idle. Outcomes are still merged in
    # technology order, so the tree does not depend on the schedule.
    schedule = sorted(technologies, key=lambda t: (-plan.source.size(t), t))
    with pass_pool(workers) as pool:
        futures = {t: pool.submit(run_technology, plan, t, chunks[t]) for t in schedule}
        for technology in technologies:
            # Each future is let go once its outcome is taken (a future keeps its result).
            outcome = futures.pop(technology).result()
            chunk = chunks[technology]
            if chunk is not None and rules_file is not None and chunk.exists():
                with open(chunk, "rb") as part, open(rules_file, "ab") as whole:
                    shutil.copyfileobj(part, whole)
                chunk.unlink()
            yield outcome


def build_outputs(
    rules_jsonl: Path | Sequence[Rule] | RuleSource,
    out_dir: Path,
    catalog: CatalogInfo,
    formats: Sequence[str] | str,
    crawl_stats: Mapping[str, Any] | None,
    previous_run: PreviousRun | StoredRun | None,
    writers: WriterRegistry,
    *,
    pages: Sequence[PageRecord] | None = None,
    max_clusters: int = defaults.RULES_MAX_CLUSTERS,
    random_state: int = defaults.RULES_CLUSTER_RANDOM_STATE,
    report: bool = defaults.RULES_REPORT,
    clock: Callable[[], datetime] = _now,
    context: RenderContext | None = None,
    group_by: str = "cluster",
    decisions: Mapping[str, RuleDecision] | None = None,
    workers: int = 0,
    record_in: Path | None = None,
    record_batch: Callable[[list[str]], None] | None = None,
) -> BatchResults:
    """Cluster the rules of ``rules_jsonl`` and (re)write the whole tree under ``out_dir``.

    ``rules_jsonl`` is a rules.jsonl file (copied into the tree with each rule's cluster), rules in
    memory, or any ``RuleSource`` (a crawl's part files: ``outputs.finalize``); the last two write
    rules.jsonl from the rules they give, technology by technology.

    ``formats`` are names registered in ``writers`` (unknown names raise
    KeyError before anything is written). ``crawl_stats`` is described in
    ``outputs.batch_results``; ``previous_run`` is what the build replaces
    (``stored_run``, read inside the build's lock; or ``load_previous_run``, read
    before) for ``improvement_score``; ``pages`` are the run's page records, written to
    pages.jsonl (None: no page records, so no ``semantic_richness``). ``workers``: processes for
    the technology passes of a build of more than ``PARALLEL_ABOVE_RULES`` rules (0: this one).
    ``record_in``: a state directory whose feedback store keeps the features of every rule
    written to rules.jsonl (not for a copied rules.jsonl); ``record_batch`` is called, once the
    tree is in place, with the id of every rule rules.jsonl lists.
    """
    build_started = clock()
    selected = writers.select(formats)
    if isinstance(rules_jsonl, (str, Path)):
        source: RuleSource = RulesFileSource(Path(rules_jsonl))
    elif isinstance(rules_jsonl, Sequence):
        source = RuleListSource(rules_jsonl)
    else:
        source = rules_jsonl
    out_path = Path(out_dir)
    improvement = None
    if previous_run is not None and pages is not None:
        improvement = ImprovementSums(pages, previous_run.pages, catalog.technologies,
                                      max_clusters=max_clusters, random_state=random_state)  # fmt: skip
    previous = None
    if previous_run is not None and improvement is not None and improvement.shared:
        previous = _previous_source(previous_run, improvement)
    with staged_tree(out_path) as staged:
        with paused_gc():
            technologies = source.open(staged.scratch)
            previous_technologies = previous.open(staged.scratch) if previous is not None else []
        tech_slugs = unique_slugs(technologies)
        plan = PassPlan(
            source=source, previous=previous, staged=staged, writers=tuple(selected),
            context=context or RenderContext(catalog=catalog.name), group_by=group_by, decisions=decisions or {},
            max_clusters=max_clusters, random_state=random_state, tech_slugs=tech_slugs,
            metrics=MetricSums(catalog.technologies, pages), improvement=improvement,
            record_in=record_in if source.rules_path is None else None,
        )  # fmt: skip
        totals = _Totals(plan.metrics.fresh(), improvement.fresh() if improvement is not None else None)
        # Technologies in sorted order (those only the previous run had too: its metric sums need them).
        everything = sorted(set(technologies) | set(previous_technologies))
        parallel = workers > 0 and len(everything) > 1 and source.size() > PARALLEL_ABOVE_RULES
        rules_file = None if source.rules_path is not None else staged.root / RULES_FILE
        if rules_file is not None:
            rules_file.touch()
        # closing: an error here stops the workers before the staged tree is removed.
        with closing(_outcomes(plan, everything, rules_file, min(workers, len(everything)) if parallel else 0)) as outcomes:
            for outcome in outcomes:
                totals.add(outcome, tech_slugs.get(outcome.technology, ""))
        staged.owned |= totals.written
        if source.rules_path is not None:
            write_annotated_rules(source.rules_path, staged.root / RULES_FILE, totals.cluster_of)
        if pages is not None:
            staged.write_text(staged.root / PAGES_FILE, pages_text(pages))
            staged.owned.add(PAGES_FILE)
        logger.info("Clustered %d rules into %d clusters in %.2fs", totals.rules, totals.clusters,
                    totals.clustering_seconds)  # fmt: skip
        results = _batch_results(catalog, crawl_stats, totals, source, selected, build_started, clock)
        staged.write_text(staged.root / BATCH_RESULTS, results.model_dump_json(indent=2) + "\n")
        staged.owned.add(BATCH_RESULTS)
        if report:
            from rules_spider.outputs.report import render_report

            staged.write_text(staged.root / REPORT_FILE, render_report(results, totals.report))
            staged.owned.add(REPORT_FILE)
    logger.info(
        "Wrote %d clusters x %d formats for catalog %s to %s",
        len(results.clusters),
        len(selected),
        catalog.name,
        out_path,
    )
    if record_batch is not None:
        record_batch(totals.rule_ids)
    return results


def _batch_results(
    catalog: CatalogInfo,
    crawl_stats: Mapping[str, Any] | None,
    totals: _Totals,
    source: RuleSource,
    selected: Sequence[Writer],
    build_started: datetime,
    clock: Callable[[], datetime],
) -> BatchResults:
    rows = source_rows(catalog, totals.rules_per_source, crawl_stats)
    failures = [SourceFailure(name=r.name, reason=r.reason) for r in rows if r.failed and r.reason]
    if crawl_stats:
        in_run = {s.name for s in catalog.sources}
        processed = sum(1 for r in rows if not r.failed and r.name in in_run)
    else:
        processed = sum(1 for r in rows if r.rules > 0)
    file_stats = source.file_stats(len(totals.rule_ids), totals.duplicates)
    improvement = totals.improvement.score() if totals.improvement is not None else None
    return BatchResults(
        catalog=catalog.name,
        sources_processed=processed,
        sources_failed=failures,
        sources=rows,
        pages_crawled=pages_crawled(crawl_stats, rows),
        total_rules_generated=totals.rules,
        technologies=list(catalog.technologies),
        clusters=totals.summaries,
        quality_metrics=metrics_from(totals.metrics, improvement),
        generator=totals.generator(crawl_stats),
        quality_model=(crawl_stats or {}).get("quality_model"),
        formats=[w.name for w in selected],
        started_at=iso((crawl_stats or {}).get("started_at")) or iso(build_started),
        finished_at=iso((crawl_stats or {}).get("finished_at")) or iso(clock()),
        built_at=iso(build_started),
        clustering_seconds=round(totals.clustering_seconds, 4),
        rules_file=RulesFileSummary(
            lines=file_stats.lines,
            rules=file_stats.rules,
            invalid=file_stats.invalid,
            duplicates=file_stats.duplicates,
        ),
    )
