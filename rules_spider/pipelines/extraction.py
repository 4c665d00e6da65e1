"""Pipeline: raw page HTML -> structured DocPage (title, sections, text); drops empty and duplicate pages.

A page is empty when extraction found no content block in it (headings alone, or nothing):
a page whose main content is one sentence still carries guidance.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from rules_spider.extraction import extract_page
from rules_spider.ids import content_hash
from rules_spider.items import DocPage
from rules_spider.workers import page_pool

logger = logging.getLogger(__name__)


def structure_page(page: DocPage) -> DocPage:
    """Fill a page's structure from its HTML (runs in a worker process)."""
    extracted = extract_page(page.html, page.url)
    page.html = ""
    page.title = extracted.title
    page.sections = list(extracted.sections)
    page.text = extracted.text
    page.language = extracted.language
    page.content_hash = content_hash(page.text)
    return page


def has_content(page: DocPage) -> bool:
    """True when extraction found at least one content block: one sentence is a page, a heading alone is not."""
    return any(section.blocks for section in page.sections)


class ContentExtractionPipeline:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.pool = page_pool(crawler)
        self._seen_hashes: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentExtractionPipeline:
        return cls(crawler)

    async def process_item(self, item: object) -> object:
        if not isinstance(item, DocPage):
            return item
        item = await self.pool.run(structure_page, item)
        if not has_content(item):
            self._drop(item, "empty")
        first = self._seen_hashes.setdefault(item.content_hash, item.url)
        if first != item.url:
            self._drop(item, "duplicate", f"same content as {first}")
        self.stats.inc_value("pages/extracted")
        return item

    def _drop(self, page: DocPage, reason: str, detail: str = "") -> None:
        self.stats.inc_value(f"pages/dropped/{reason}")
        self.stats.inc_value(f"source/{page.source_name}/dropped/{reason}")
        # Expected on every docs site (empty stubs, printable copies): counted, logged at INFO.
        raise DropItem(f"{reason} page {page.url}{': ' + detail if detail else ''}", log_level="INFO")
