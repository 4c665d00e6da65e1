"""Pipeline: raw page HTML -> structured DocPage (title, sections, text); drops empty and duplicate pages.

A page is empty when extraction found no content block in it (headings alone, or nothing):
a page whose main content is one sentence still carries guidance.

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


def canonical_order(url: str) -> tuple[int, str]:
    """Which of several URLs of the same content is kept: the shortest, then the first alphabetically."""
    return len(url), url


def has_content(page: DocPage) -> bool:
    """True when extraction found at least one content block: one sentence is a page, a heading alone is not."""
    return any(section.blocks for section in page.sections)


class ContentExtractionPipeline:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.pool = page_pool(crawler)
        # content hash -> (URL, source) of the page kept for that content so far
        self._kept: dict[str, tuple[str, str]] = {}
        self.superseded: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentExtractionPipeline:
        return cls(crawler)

    async def process_item(self, item: object) -> object:
        if not isinstance(item, DocPage):
            return item
        item = await self.pool.run(structure_page, item)
        if not has_content(item):
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
        return item

    def _count_drop(self, source_name: str, reason: str) -> None:
        self.stats.inc_value(f"pages/dropped/{reason}")
        self.stats.inc_value(f"source/{source_name}/dropped/{reason}")

    def _drop(self, page: DocPage, reason: str, detail: str = "") -> None:
        self._count_drop(page.source_name, reason)
        # Expected on every docs site (empty stubs, printable copies): counted, logged at INFO.
        raise DropItem(f"{reason} page {page.url}{': ' + detail if detail else ''}", log_level="INFO")
