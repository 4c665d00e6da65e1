"""Pipeline: find directives, code patterns, anti-patterns and keywords on each page."""

from __future__ import annotations

from scrapy.crawler import Crawler

from rules_spider.analysis.patterns import find_patterns
from rules_spider.items import DocPage
from rules_spider.workers import page_pool


def with_patterns(page: DocPage) -> DocPage:
    """Attach the page's patterns (runs in a worker process)."""
    page.patterns = find_patterns(page)
    return page


class PatternExtractionPipeline:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.pool = page_pool(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PatternExtractionPipeline:
        return cls(crawler)

    async def process_item(self, item: object) -> object:
        if isinstance(item, DocPage):
            item = await self.pool.run(with_patterns, item)
            self.stats.inc_value("pages/analysed")
        return item
