"""Pipeline: one trip to the worker pool per page, from its HTML to its rules (``rules_spider.page_rules``).

The crawl process only routes the page, adds the worker's counts to the stats, and drops empty and
duplicate pages. A page is empty when extraction found no content block in it (headings alone, or
nothing): a page whose main content is one sentence still carries guidance.

Of pages with the same content (a printable copy, an alias), the one whose URL comes first in
``canonical_order`` is kept, whatever order they arrive in: a later page that comes after the
kept one is dropped at once; one that comes before it replaces it, and the replaced page is
listed in ``superseded`` (its URL -> the kept URL) so its rules, already under way, are left
out when the run's rules are merged.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from rules_spider.compose import PageInfo
from rules_spider.config import rules_config
from rules_spider.items import DocPage
from rules_spider.page_task import PageResult, Selection, model_summary, run
from rules_spider.workers import page_pool

logger = logging.getLogger(__name__)

RERANKER_CACHE_DIR = "reranker_cache"


def canonical_order(url: str) -> tuple[int, str]:
    """Which of several URLs of the same content is kept: the shortest, then the first alphabetically."""
    return len(url), url


def page_info(page: DocPage) -> PageInfo:
    return PageInfo(url=page.url, source_name=page.source_name, technology=page.technology,
                    framework=page.framework, source_priority=page.source_priority)


class PageRulesPipeline:
    def __init__(self, crawler: Crawler):
        config = rules_config(crawler)
        self.stats = crawler.stats
        self.pool = page_pool(crawler)
        self.selection = Selection(
            threshold=config.rule_threshold,
            max_rules=config.max_rules_per_page,
            state_dir=config.state_dir if config.use_learned_model else None,
            keep_units=config.generator != "extractive",
            candidate_threshold=config.llm_candidate_threshold,
            skip_page_kinds=frozenset(config.skip_page_kinds),
            reranker=config.reranker,
            reranker_cache=config.state_dir / RERANKER_CACHE_DIR if config.reranker else None,
        )
        # content hash -> (URL, source) of the page kept for that content so far
        self._kept: dict[str, tuple[str, str]] = {}
        self.superseded: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageRulesPipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        # A worker loads the model now, so a missing or unusable one stops the crawl at its start, not
        # per page; the crawl process itself never loads it (nor scikit-learn).
        version, threshold, path = await self.pool.run(model_summary, self.selection.state_dir,
                                                     self.selection.reranker)
        self.stats.set_value("rules/quality_model", version)
        chosen = threshold if self.selection.threshold is None else self.selection.threshold
        logger.info("Selecting rules with rule model %s (threshold %.3f) from %s", version, chosen, path)

    async def process_item(self, item: object) -> object:
        if not isinstance(item, DocPage):
            return item
        html, item.html = item.html, ""
        result: PageResult = await self.pool.run(run, html, page_info(item), self.selection)
        for key, count in result.counts.items():
            self.stats.inc_value(key, count)
        item.title, item.content_hash, item.language = result.title, result.content_hash, result.language
        item.keywords, item.rules = result.keywords, result.rules
        item.units, item.text, item.sections = result.units, result.text, result.sections
        if result.model_version:  # a retrain during the crawl is picked up by the workers
            self.stats.set_value("rules/quality_model", result.model_version)
        if not result.has_content:
            self._drop(item, "empty")
        kept_url, kept_source = self._kept.setdefault(item.content_hash, (item.url, item.source_name))
        if kept_url != item.url:
            if canonical_order(kept_url) < canonical_order(item.url):
                self._drop(item, "duplicate", f"same content as {kept_url}")
            self._kept[item.content_hash] = (item.url, item.source_name)
            self.superseded[kept_url] = item.url
            self._count_drop(kept_source, "duplicate")
            self.stats.inc_value("pages/extracted", -1)
            logger.info("duplicate page %s: same content as %s, which replaces it", kept_url, item.url)
        self.stats.inc_value("pages/extracted")
        self.stats.inc_value("rules/generated", len(item.rules))
        self.stats.inc_value(f"source/{item.source_name}/rules_generated", len(item.rules))
        return item

    def _count_drop(self, source_name: str, reason: str) -> None:
        self.stats.inc_value(f"pages/dropped/{reason}")
        self.stats.inc_value(f"source/{source_name}/dropped/{reason}")

    def _drop(self, page: DocPage, reason: str, detail: str = "") -> None:
        self._count_drop(page.source_name, reason)
        # Expected on every docs site (empty stubs, printable copies): counted, logged at INFO.
        raise DropItem(f"{reason} page {page.url}{': ' + detail if detail else ''}", log_level="INFO")
