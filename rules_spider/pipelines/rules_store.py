"""Pipeline: stream kept rules to this run's part file, so no rule waits in memory for the end.

Each process (one crawl, or one scrapy-redis worker) writes
``<output>/<catalog>/.parts/<run_id>.jsonl``, and a record of every page
that got this far (``outputs.pages``) to ``<run_id>.pages``; the close
extension (or ``scrapy build-rules``) merges parts into ``rules.jsonl`` and
``pages.jsonl``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import IO

from scrapy.crawler import Crawler

from rules_spider.config import rules_config
from rules_spider.items import DocPage, unit_json
from rules_spider.journal import drop_torn_tail
from rules_spider.outputs.pages import PageRecord
from rules_spider.outputs.parts import run_pages_path, run_parts_path
from rules_spider.outputs.rules_io import rule_line

logger = logging.getLogger(__name__)


class RulesStorePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.config = rules_config(crawler)
        self._file: IO[str] | None = None
        self._pages: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RulesStorePipeline:
        return cls(crawler)

    def _open(self, part_path: Callable[[Path, str], Path]) -> IO[str]:
        # Opened on the first item, once Scrapy's SpiderState has restored a resumed run's id.
        spider = self.crawler.spider
        path = part_path(self.config.catalog_dir(spider.catalog.name), spider.run_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        # A run killed mid-write leaves half a line; a resumed run (same run id) appends after it.
        drop_torn_tail(path)
        return path.open("a", encoding="utf-8")

    def close_spider(self) -> None:
        for handle in (self._file, self._pages):
            if handle is not None:
                handle.close()
        self._file = self._pages = None

    def process_item(self, item: object) -> object:
        if not isinstance(item, DocPage):
            return item
        if item.rules:
            if self._file is None:
                self._file = self._open(run_parts_path)
                self.crawler.stats.set_value("rules/part_file", self._file.name)
            for rule in item.rules:
                unit = None if rule.unit is None else unit_json(rule.unit)
                self._file.write(rule_line(rule, cluster=rule.cluster, unit=unit))
            self._file.flush()
        self.crawler.stats.inc_value("rules/kept", len(item.rules))
        self.crawler.stats.inc_value(f"source/{item.source_name}/rules", len(item.rules))
        if self._pages is None:
            self._pages = self._open(run_pages_path)
        self._pages.write(PageRecord.from_page(item).to_json() + "\n")
        self._pages.flush()
        return item
