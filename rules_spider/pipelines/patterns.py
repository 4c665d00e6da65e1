"""Pipeline: find directives, code patterns, anti-patterns and keywords on each page."""

from __future__ import annotations

from scrapy.crawler import Crawler

from rules_spider.analysis.patterns import find_patterns
from rules_spider.items import DocPage


class PatternExtractionPipeline:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PatternExtractionPipeline:
        return cls(crawler)

    def process_item(self, item: object) -> object:
        if isinstance(item, DocPage):
            item.patterns = find_patterns(item)
            self.stats.inc_value("pages/analysed")
        return item
