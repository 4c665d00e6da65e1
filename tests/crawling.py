"""Run a real Scrapy crawl of the docs spider inside pytest (pytest-twisted, asyncio reactor)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import Settings

from rules_spider.spiders.docs import DocsSpider

# Fast, quiet defaults for loopback crawls; individual tests override.
TEST_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "RULES_PROGRESS_INTERVAL": 3600,
    "RETRY_TIMES": 1,
    "DOWNLOAD_TIMEOUT": 10,
    # Inline page analysis: spawning worker processes per test crawl costs seconds;
    # tests/test_end_to_end.py covers the worker pool.
    "RULES_PROCESS_WORKERS": 0,
}


@dataclass
class CrawlResult:
    crawler: Crawler
    items: list[Any] = field(default_factory=list)
    dropped: list[tuple[Any, str]] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)

    @property
    def stats(self) -> dict[str, Any]:
        return self.crawler.stats.get_stats()

    @property
    def urls(self) -> list[str]:
        return [item.url for item in self.items]


def make_crawler(settings: dict[str, Any] | None = None) -> Crawler:
    merged = Settings()
    merged.setmodule("rules_spider.settings", priority="project")
    merged.update({**TEST_SETTINGS, **(settings or {})}, priority="cmdline")
    return Crawler(DocsSpider, merged)


async def run_crawl(settings: dict[str, Any] | None = None, **spider_args: Any) -> CrawlResult:
    """Crawl for real and collect scraped items, dropped items and requested URLs via signals.

    Call it from a test decorated with ``@pytest_twisted.ensureDeferred`` (tests run in the reactor).
    """
    crawler = make_crawler(settings)
    result = CrawlResult(crawler)

    def on_item(item: Any) -> None:
        result.items.append(item)

    def on_dropped(item: Any, exception: BaseException) -> None:
        result.dropped.append((item, str(exception)))

    def on_request(request: Any) -> None:
        result.requested.append(request.url)

    # Keep references: Scrapy's signal dispatcher holds receivers weakly.
    result._receivers = (on_item, on_dropped, on_request)  # type: ignore[attr-defined]
    crawler.signals.connect(on_item, signal=signals.item_scraped)
    crawler.signals.connect(on_dropped, signal=signals.item_dropped)
    crawler.signals.connect(on_request, signal=signals.request_reached_downloader)
    await crawler.crawl(**spider_args)
    return result
