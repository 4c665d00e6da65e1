"""Extension: when a crawl finishes, merge its rules and build every output (off the reactor thread).

Every crawl process leaves its summary (pages, failures, stats) beside its part
file. Only a crawl that closed with reason ``finished`` and has
``RULES_BUILD_ON_CLOSE`` on (off for scrapy-redis workers) then rebuilds the
outputs: a crawl stopped early (Ctrl-C, close on a limit) or killed leaves the
previous output untouched, and its part file stays for a ``JOBDIR`` resume or
``scrapy build-rules``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from scrapy.utils.asyncio import run_in_thread

from rules_spider.config import rules_config
from rules_spider.pipelines.page_rules import PageRulesPipeline
from rules_spider.outputs.summary import CrawlSummary
from rules_spider.outputs.parts import run_parts_path

logger = logging.getLogger(__name__)


class BuildOutputsOnClose:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.config = rules_config(crawler)
        self.started_at = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BuildOutputsOnClose:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = datetime.now(UTC)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if not hasattr(spider, "catalog"):
            return
        # Imported at close: the crawl process has no use for the build (nor scikit-learn) before.
        from rules_spider.outputs.finalize import finalize_run, save_run_summary

        stats = {**self.crawler.stats.get_stats(), "finish_reason": reason}
        extraction = self.crawler.get_item_pipeline(PageRulesPipeline)
        superseded = extraction.superseded if extraction is not None else {}
        summary = CrawlSummary.from_crawl(spider, stats, self.started_at, datetime.now(UTC), superseded)
        catalog_dir = self.config.catalog_dir(spider.catalog.name)
        save_run_summary(catalog_dir, spider.run_id, summary)
        if not self.config.build_on_close:
            logger.info(
                "RULES_BUILD_ON_CLOSE is off: run `scrapy build-rules -a catalog=%s` once every worker has stopped",
                spider.catalog.name,
            )
            return
        if reason != "finished":
            logger.warning(
                "Crawl closed with reason %r: outputs under %s left as they were; "
                "resume with the same JOBDIR or run `scrapy build-rules -a catalog=%s`",
                reason,
                catalog_dir,
                spider.catalog.name,
            )
            return
        parts = [run_parts_path(catalog_dir, spider.run_id)]
        results = await run_in_thread(finalize_run, spider.catalog, self.config, parts, [summary])
        self.crawler.stats.set_value("rules/written", results.total_rules_generated)
        logger.info("Wrote %d rules in %d clusters to %s", results.total_rules_generated, len(results.clusters), catalog_dir)
