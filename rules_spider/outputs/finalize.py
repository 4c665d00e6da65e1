"""From part files to the finished output tree: merge near-duplicates, write rules.jsonl, build everything.

Shared by the spider_closed extension (one process) and ``scrapy build-rules``
(parts of several scrapy-redis workers), so both produce the same files.

The part lines are read once and sorted into per-technology scratch files; the build then
takes one technology at a time (``CrawlPartsSource.rules``): its rules are parsed, put in an
order that depends on the rules alone, merged (near-duplicates never cross technologies) and
recorded in the feedback store, then clustered and written by ``outputs.build``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rules_spider.catalog import Catalog
from rules_spider.config import RulesConfig
from rules_spider.items import Rule, rule_dict
from rules_spider.outputs.atomic import write_text_atomic
from rules_spider.outputs.build import build_outputs, stored_run
from rules_spider.outputs.pages import read_page_records
from rules_spider.outputs.parts import PAGES_SUFFIX, iter_part_lines, run_stats_path
from rules_spider.outputs.batch_results import BatchResults, CatalogInfo, page_counts
from rules_spider.outputs.rule_sources import SpilledSource, parse_pass_rule_line
from rules_spider.outputs.rules_io import RulesFileStats
from rules_spider.outputs.summary import CrawlSummary, merge_summaries
from rules_spider.review.decisions import decisions_in
from rules_spider.writers.base import WriterRegistry

logger = logging.getLogger(__name__)

RULES_FILE = "rules.jsonl"
_TECHNOLOGY = re.compile(r'"technology"\s*:\s*"((?:[^"\\]|\\.)*)"')


def line_technology(line: str) -> str | None:
    """The ``technology`` of one part line (a rule as JSON), or None when it has none.

    Sorting a part line needs its technology only, not the whole object parsed (that is done once,
    for its technology's pass). A JSON string cannot hold an unescaped quote, so each match is a key
    of some object of the line: found once, it is the rule's own (or a nested one when the rule has
    none, which the rule's validation then refuses). Otherwise the line is parsed.
    """
    found = _TECHNOLOGY.findall(line)
    if len(found) == 1:
        return json.loads(f'"{found[0]}"') if "\\" in found[0] else found[0]
    try:
        data = json.loads(line)
    except ValueError:
        return None
    technology = data.get("technology") if isinstance(data, dict) else None
    return technology if isinstance(technology, str) else None


def save_run_summary(catalog_dir: Path, run_id: str, summary: CrawlSummary) -> Path:
    path = run_stats_path(catalog_dir, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, summary.model_dump_json(indent=2))
    return path


def crawl_stats_for_build(summary: CrawlSummary) -> dict[str, Any]:
    """The crawl figures ``build_outputs`` puts into batch_results.json."""
    return {
        "started_at": summary.started_at.isoformat(),
        "finished_at": summary.finished_at.isoformat(),
        "generator": summary.generator,
        "quality_model": summary.quality_model,
        "pages_crawled": summary.pages_crawled,
        "sources": {
            name: {"pages_crawled": int(fig.get("pages", 0)), **page_counts(fig)}
            for name, fig in summary.sources.items()
        },
        "sources_failed": dict(summary.sources_failed),
    }


def stable_order(rule: Rule) -> tuple[str, str]:
    """Sort key of a rule that depends on nothing but the rule: its page and id (see ``sorted_rules``)."""
    return rule.url, rule.id


def sorted_rules(rules: list[Rule]) -> list[Rule]:
    """Rules in an order that depends on the rules alone: by page and id, and rules sharing both (the same
    page seen twice, by a resumed crawl or two redis workers) by every field."""
    rules = sorted(rules, key=stable_order)
    out: list[Rule] = []
    start = 0
    for end in range(1, len(rules) + 1):
        if end == len(rules) or stable_order(rules[end]) != stable_order(rules[start]):
            tied = rules[start:end]
            if len(tied) > 1:
                tied.sort(key=lambda r: json.dumps(rule_dict(r), sort_keys=True, ensure_ascii=False))
            out.extend(tied)
            start = end
    return out


class CrawlPartsSource(SpilledSource):
    """A crawl's part files as a build's rule source (``outputs.rule_sources``): per technology, the
    rules of pages not superseded, merged across pages, in an order that depends on the rules alone."""

    rules_path = None

    def __init__(self, parts: Iterable[Path], superseded: set[str]) -> None:
        self.parts = [p for p in parts if p.is_file()]
        self.superseded = frozenset(superseded)

    def open(self, scratch: Path) -> list[str]:
        return self._spill_lines(scratch / "parts", self._rule_lines())

    def _rule_lines(self) -> Iterator[tuple[str, str]]:
        for path, line in iter_part_lines(self.parts):
            technology = line_technology(line)
            if technology is None or not technology.strip():
                # One bad rule must not cost the run its outputs: skip it, say which.
                logger.warning("Skipping a line of %s that is no rule with a technology: %.200s", path, line)
                continue
            yield technology, line

    def rules(self, technology: str) -> tuple[list[Rule], int]:
        if self._spill is None:
            return [], 0
        rules = []
        for line in self._spill.lines(technology):
            rule = parse_pass_rule_line(line, "a part file")
            if rule is not None and rule.url not in self.superseded:
                rules.append(rule)
        # Part files hold rules in the order pages happened to arrive; the merge keeps the first of
        # equally good near-duplicates, so it gets them in an order that depends on the rules alone.
        # Imported where the merge runs (a build worker, when there are any): the crawl process that sorts
        # the part files has no use for scikit-learn.
        from rules_spider.analysis.dedupe import merge_near_duplicates

        merged = merge_near_duplicates(sorted_rules(rules))
        logger.info("Merged %d %s rules into %d (near-duplicates across pages)", len(rules), technology, len(merged))
        return merged, 0

    def file_stats(self, rules: int, duplicates: int) -> RulesFileStats:
        return RulesFileStats(lines=rules, rules=rules, invalid=0, duplicates=0)


def configured_build(config: RulesConfig, catalog_name: str) -> dict[str, Any]:
    """The ``build_outputs`` keywords the settings decide, for a crawl's close step and ``scrapy build-rules``."""
    return {
        "max_clusters": config.max_clusters,
        "random_state": config.cluster_random_state,
        "report": config.report,
        "context": config.render_context(catalog_name),
        "group_by": config.tree_group_by,
        "decisions": decisions_in(config.state_dir),
        "workers": config.close_workers,
    }


def finalize_run(
    catalog: Catalog,
    config: RulesConfig,
    part_paths: list[Path],
    summaries: list[CrawlSummary],
) -> BatchResults:
    catalog_dir = config.catalog_dir(catalog.name)
    superseded = {url for summary in summaries for url in summary.superseded_pages}
    page_parts = [part.with_suffix(PAGES_SUFFIX) for part in part_paths]
    pages = [page for page in read_page_records(page_parts) if page.url not in superseded]
    summary = merge_summaries(summaries) if summaries else None
    batch_id = summary.run_id if summary else catalog.name

    def record_batch(rule_ids: list[str]) -> None:
        # Earns a global reward when the batch's observed quality beats the last one (what
        # SelfImprovingEngine.record_batch does), without the engine: it imports scikit-learn and
        # SciPy, seconds of a close step whose process need not hold them.
        from rules_spider.learning.batches import record_batch as record
        from rules_spider.learning.scoring import window_start
        from rules_spider.learning.store import FeedbackStore

        with FeedbackStore(config.state_dir) as store:
            record(store, batch_id, rule_ids, since=window_start(config.feedback_window_hours),
                   min_signals=config.min_feedback_signals, learning_rate=config.feedback_learning_rate)

    results = build_outputs(
        CrawlPartsSource(part_paths, superseded),
        catalog_dir,
        CatalogInfo.from_catalog(catalog),
        list(config.formats),
        crawl_stats_for_build(summary) if summary else None,
        stored_run(catalog_dir),  # read inside the build's lock, before rules.jsonl is replaced
        WriterRegistry(config.writers),
        pages=pages,
        **configured_build(config, catalog.name),
        # The features of this batch's rules are kept: feedback can train on rules no longer in memory.
        record_in=config.state_dir,
        record_batch=record_batch,
    )
    for part in part_paths:
        part.unlink(missing_ok=True)
        part.with_suffix(PAGES_SUFFIX).unlink(missing_ok=True)
        part.with_suffix(".stats.json").unlink(missing_ok=True)
    return results
