"""From part files to the finished output tree: merge near-duplicates, write rules.jsonl, build everything.

Shared by the spider_closed extension (one process) and ``scrapy build-rules``
(parts of several scrapy-redis workers), so both produce the same files.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from rules_spider.analysis.dedupe import merge_near_duplicates
from rules_spider.catalog import Catalog
from rules_spider.config import RulesConfig
from rules_spider.items import Rule, rule_dict
from rules_spider.outputs.atomic import write_text_atomic
from rules_spider.outputs.build import build_outputs, load_previous_run
from rules_spider.outputs.pages import read_page_records
from rules_spider.outputs.parts import PAGES_SUFFIX, iter_rule_dicts, run_stats_path
from rules_spider.outputs.batch_results import BatchResults, CatalogInfo, page_counts
from rules_spider.outputs.rules_io import InvalidRuleError, rule_from_mapping
from rules_spider.outputs.summary import CrawlSummary, merge_summaries
from rules_spider.review.decisions import decisions_in
from rules_spider.writers.base import WriterRegistry

logger = logging.getLogger(__name__)

RULES_FILE = "rules.jsonl"


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


def record_in_feedback_store(config: RulesConfig, rules: list[Any], batch_id: str) -> None:
    """Keep the features of this batch's rules (feedback can train on rules no longer in memory)
    and record the batch, which earns a global reward when its observed quality beats the last one."""
    from rules_spider.learning.engine import SelfImprovingEngine

    with SelfImprovingEngine.from_config(config) as engine:
        engine.record_rules(rules)
        engine.record_batch(batch_id, [rule.id for rule in rules])


def finalize_run(
    catalog: Catalog,
    config: RulesConfig,
    part_paths: list[Path],
    summaries: list[CrawlSummary],
) -> BatchResults:
    catalog_dir = config.catalog_dir(catalog.name)
    superseded = {url for summary in summaries for url in summary.superseded_pages}
    rules = []
    for data in iter_rule_dicts([p for p in part_paths if p.is_file()]):
        try:
            rule = rule_from_mapping(data)
        except InvalidRuleError as exc:
            # One bad rule must not cost the run its outputs: skip it, say which.
            logger.warning("Skipping invalid rule %s from %s: %s", data.get("id"), data.get("url"), exc)
            continue
        if rule.url not in superseded:
            rules.append(rule)
    # Part files hold rules in the order pages happened to arrive; the merge keeps the first of
    # equally good near-duplicates, so it gets them in an order that depends on the rules alone.
    rules = sorted_rules(rules)
    merged = merge_near_duplicates(rules)
    logger.info("Merged %d rules into %d (near-duplicates across pages)", len(rules), len(merged))
    page_parts = [part.with_suffix(PAGES_SUFFIX) for part in part_paths]
    pages = [page for page in read_page_records(page_parts) if page.url not in superseded]
    previous = load_previous_run(catalog_dir)  # before rules.jsonl is replaced
    summary = merge_summaries(summaries) if summaries else None
    results = build_outputs(
        merged,
        catalog_dir,
        CatalogInfo.from_catalog(catalog),
        list(config.formats),
        crawl_stats_for_build(summary) if summary else None,
        previous,
        WriterRegistry(config.writers),
        pages=pages,
        max_clusters=config.max_clusters,
        random_state=config.cluster_random_state,
        report=config.report,
        context=config.render_context(catalog.name),
        group_by=config.tree_group_by,
        decisions=decisions_in(config.state_dir),
    )
    record_in_feedback_store(config, merged, summary.run_id if summary else catalog.name)
    for part in part_paths:
        part.unlink(missing_ok=True)
        part.with_suffix(PAGES_SUFFIX).unlink(missing_ok=True)
        part.with_suffix(".stats.json").unlink(missing_ok=True)
    return results
