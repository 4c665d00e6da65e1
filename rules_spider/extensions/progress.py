"""Extension: per-source progress (pages, rules, ETA) every RULES_PROGRESS_INTERVAL seconds (0: none),
and a final summary table."""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from scrapy.utils.asyncio import create_looping_call

from rules_spider.config import rules_config
from rules_spider.progress import format_progress, format_summary

logger = logging.getLogger(__name__)


class ProgressLog:
    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self._task = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLog:
        extension = cls(crawler, rules_config(crawler).progress_interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        if not hasattr(spider, "book"):
            return
        self.started = time.monotonic()
        if not self.interval:  # RULES_PROGRESS_INTERVAL=0: no progress lines, the summary still comes
            return
        self._task = create_looping_call(self.log_progress, spider)
        self._task.start(self.interval, now=False)

    def log_progress(self, spider: Spider) -> None:
        lines = format_progress(spider, self.crawler.stats.get_stats(), time.monotonic() - self.started)
        logger.info("Progress:\n%s", lines)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
        if hasattr(spider, "book"):
            logger.info(
                "Crawl of %r %s in %.1fs:\n%s",
                spider.catalog.name,
                reason,
                time.monotonic() - self.started,
                format_summary(spider.book),
            )
