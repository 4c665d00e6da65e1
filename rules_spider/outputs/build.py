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
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rules_spider import settings as defaults
from rules_spider.clustering import Clustering, RuleCluster, cluster_rules
from rules_spider.outputs.atomic import staged_tree
from rules_spider.outputs.metrics import PreviousRun, quality_metrics
from rules_spider.outputs.pages import PAGES_FILE, PageRecord, pages_text, read_page_records
from rules_spider.outputs.paths import safe_join, unique_slugs
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
from rules_spider.items import Rule, rule_dict
from rules_spider.outputs.rules_io import RulesFileStats, read_rules, write_annotated_rules
from rules_spider.review.decisions import RuleDecision, apply_decisions
from rules_spider.writers.base import RenderContext, Rendered, Writer, WriterRegistry
from rules_spider.writers.groups import RuleGroup, cluster_groups, source_groups

logger = logging.getLogger(__name__)

BATCH_RESULTS = "batch_results.json"
RULES_FILE = "rules.jsonl"
REPORT_FILE = "report.html"


def _now() -> datetime:
    return datetime.now(UTC)


def _write_synced(path: Path, text: str) -> None:
    """Write a staged file and flush it to disk before the swap makes it visible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


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


def load_previous_run(out_dir: Path) -> PreviousRun | None:
    """The rules and page records now in ``out_dir`` (what a build there replaces), or None
    when there are no page records to compare over."""
    pages_path = Path(out_dir) / PAGES_FILE
    if not pages_path.is_file():
        return None
    rules, _ = read_rules(Path(out_dir) / RULES_FILE)
    return PreviousRun(rules=rules, pages=read_page_records([pages_path]))


def part_file_name(tech_slug: str, fmt: str, part: int, suffix: str = ".md") -> str:
    """``<tech>_<fmt>_rules[_part<i>]<suffix>``, the suffix the assistant needs (``.mdc``, ...)."""
    stem = "" if part == 1 else f"_part{part}"
    return f"{tech_slug}_{fmt}_rules{stem}{suffix}"


def _cluster_metadata(group: RuleGroup, fmt: str, files: list[str], parts: list[Rendered]) -> dict[str, Any]:
    cluster = group.clusters[0]
    return {
        "cluster_id": cluster.index,
        "technology": cluster.technology,
        "name": cluster.name,
        "format": fmt,
        "coherence_score": cluster.coherence,
        "mean_similarity": cluster.mean_similarity,
        "mean_quality": cluster.mean_quality,
        "rules_count": len(group.rules),
        "keywords": list(cluster.keywords),
        "sources": list(group.sources),
        "rule_ids": [r.id for r in group.rules],
        "files": files,
        "left_out_rule_ids": [o.rule.id for p in parts for o in p.left_out],
    }


def _tree_groups(cluster: RuleCluster, group_by: str) -> list[tuple[str, RuleGroup]]:
    """(directory suffix, group) pairs: the whole cluster, or one per source of it."""
    if group_by == "source":
        return [(f"source_{g.key}_{cluster.index}", g) for g in source_groups([cluster])]
    (group,) = cluster_groups([cluster])
    return [(f"cluster_{cluster.index}", group)]


def _write_clusters(
    root: Path,
    clustering: Clustering,
    writers: Sequence[Writer],
    context: RenderContext,
    group_by: str = "cluster",
) -> tuple[list[ClusterSummary], set[str]]:
    tech_slugs = unique_slugs(c.technology for c in clustering.clusters)
    summaries = []
    for cluster in clustering.clusters:
        tech = tech_slugs[cluster.technology]
        files: dict[str, list[str]] = {}
        left_out: dict[str, list[str]] = {}
        for writer in writers:
            fmt = writer.name
            files[fmt], left_out[fmt] = [], []
            for label, group in _tree_groups(cluster, group_by):
                directory = f"{tech}_{fmt}_{label}"
                parts = writer.render_group(group, context)
                names = [part_file_name(tech, fmt, i, writer.tree_suffix) for i in range(1, len(parts) + 1)]
                for name, part in zip(names, parts, strict=True):
                    _write_synced(safe_join(root, tech, directory, name), part.text)
                metadata = _cluster_metadata(group, fmt, names, parts)
                _write_synced(
                    safe_join(root, tech, directory, "metadata.json"),
                    json.dumps(metadata, indent=2, ensure_ascii=False) + "\n",
                )
                files[fmt].extend(f"{tech}/{directory}/{n}" for n in names)
                left_out[fmt].extend(metadata["left_out_rule_ids"])
        summaries.append(
            ClusterSummary(
                technology=cluster.technology,
                cluster_id=cluster.index,
                name=cluster.name,
                rules_count=cluster.size,
                coherence_score=cluster.coherence,
                mean_similarity=cluster.mean_similarity,
                mean_quality=cluster.mean_quality,
                keywords=list(cluster.keywords),
                sources=list(cluster.sources),
                files=files,
                left_out=left_out,
            )
        )
    return summaries, set(tech_slugs.values())


def _generator(crawl_stats: Mapping[str, Any] | None, clustering: Clustering) -> str | None:
    if crawl_stats and crawl_stats.get("generator"):
        return str(crawl_stats["generator"])
    counts = Counter(r.generator for r in clustering.rules if r.generator)
    return min(counts, key=lambda g: (-counts[g], g)) if counts else None


def build_outputs(
    rules_jsonl: Path | Sequence[Rule],
    out_dir: Path,
    catalog: CatalogInfo,
    formats: Sequence[str] | str,
    crawl_stats: Mapping[str, Any] | None,
    previous_run: PreviousRun | None,
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
) -> BatchResults:
    """Cluster the rules of ``rules_jsonl`` and (re)write the whole tree under ``out_dir``.

    ``rules_jsonl`` is a rules.jsonl file, or the rules themselves (a crawl's merged rules: they are not
    read back from disk, and rules.jsonl is written once, into the staged tree).

    ``formats`` are names registered in ``writers`` (unknown names raise
    KeyError before anything is written). ``crawl_stats`` is described in
    ``outputs.batch_results``; ``previous_run`` is what the build replaces
    (``load_previous_run``, read before rules.jsonl is rewritten) for
    ``improvement_score``; ``pages`` are the run's page records, written to
    pages.jsonl (None: no page records, so no ``semantic_richness``).
    """
    build_started = clock()
    selected = writers.select(formats)
    out_path = Path(out_dir)
    if isinstance(rules_jsonl, (str, Path)):
        rules_path: Path | None = Path(rules_jsonl)
        rules, file_stats = read_rules(rules_path)
    else:
        rules_path, rules = None, list(rules_jsonl)
        file_stats = RulesFileStats(lines=len(rules), rules=len(rules), invalid=0, duplicates=0)
    crawled = rules  # rules.jsonl keeps rejected rules too, so a decision can be undone
    reviewed = apply_decisions(rules, decisions or {})
    rules = reviewed.rules
    tick = time.perf_counter()
    clustering = cluster_rules(rules, max_clusters=max_clusters, random_state=random_state)
    clustering_seconds = time.perf_counter() - tick
    logger.info(
        "Clustered %d rules into %d clusters in %.2fs",
        len(rules),
        len(clustering.clusters),
        clustering_seconds,
    )
    context = context or RenderContext(catalog=catalog.name)
    context = dataclasses.replace(context, pinned=context.pinned | reviewed.pinned)
    with staged_tree(out_path) as staged:
        summaries, tech_dirs = _write_clusters(staged.root, clustering, selected, context, group_by)
        staged.owned |= tech_dirs
        cluster_of = {(r.technology, r.id): r.cluster for r in clustering.rules if r.cluster is not None}
        if rules_path is not None:
            write_annotated_rules(rules_path, staged.root / RULES_FILE, cluster_of)
        else:
            _write_synced(staged.root / RULES_FILE, "".join(
                json.dumps({**rule_dict(rule), "cluster": cluster_of.get((rule.technology, rule.id))},
                           ensure_ascii=False) + "\n" for rule in crawled))
        if pages is not None:
            _write_synced(staged.root / PAGES_FILE, pages_text(pages))
            staged.owned.add(PAGES_FILE)

        rules_per_source = Counter(r.source_name for r in clustering.rules)
        rows = source_rows(catalog, rules_per_source, crawl_stats)
        failures = [SourceFailure(name=r.name, reason=r.reason) for r in rows if r.failed and r.reason]
        if crawl_stats:
            in_run = {s.name for s in catalog.sources}
            processed = sum(1 for r in rows if not r.failed and r.name in in_run)
        else:
            processed = sum(1 for r in rows if r.rules > 0)
        results = BatchResults(
            catalog=catalog.name,
            sources_processed=processed,
            sources_failed=failures,
            sources=rows,
            pages_crawled=pages_crawled(crawl_stats, rows),
            total_rules_generated=len(clustering.rules),
            technologies=list(catalog.technologies),
            clusters=summaries,
            quality_metrics=quality_metrics(
                clustering,
                catalog.technologies,
                pages,
                previous_run,
                max_clusters=max_clusters,
                random_state=random_state,
            ),
            generator=_generator(crawl_stats, clustering),
            quality_model=(crawl_stats or {}).get("quality_model"),
            formats=[w.name for w in selected],
            started_at=iso((crawl_stats or {}).get("started_at")) or iso(build_started),
            finished_at=iso((crawl_stats or {}).get("finished_at")) or iso(clock()),
            built_at=iso(build_started),
            clustering_seconds=round(clustering_seconds, 4),
            rules_file=RulesFileSummary(
                lines=file_stats.lines,
                rules=file_stats.rules,
                invalid=file_stats.invalid,
                duplicates=file_stats.duplicates,
            ),
        )
        _write_synced(staged.root / BATCH_RESULTS, results.model_dump_json(indent=2) + "\n")
        staged.owned.add(BATCH_RESULTS)
        if report:
            from rules_spider.outputs.report import render_report

            _write_synced(staged.root / REPORT_FILE, render_report(results, clustering))
            staged.owned.add(REPORT_FILE)
    logger.info(
        "Wrote %d clusters x %d formats for catalog %s to %s",
        len(clustering.clusters),
        len(selected),
        catalog.name,
        out_path,
    )
    return results
