"""Pipeline: stream kept rules to this run's part file, so no rule waits in memory for the end.

Each process (one crawl, or one scrapy-redis worker) writes
``<output>/<catalog>/.parts/<run_id>.jsonl``; the close extension (or
``scrapy build-rules``) merges parts into ``rules.jsonl``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from typing import IO

from scrapy.crawler import Crawler

from rules_spider.config import rules_config
from rules_spider.items import DocPage
from rules_spider.journal import drop_torn_tail
from rules_spider.outputs.parts import run_parts_path

logger = logging.getLogger(__name__)


class RulesStorePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.config = rules_config(crawler)
        self._file: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RulesStorePipeline:
        return cls(crawler)

    def _open(self) -> IO[str]:
        # Opened on the first item, once Scrapy's SpiderState has restored a resumed run's id.
        spider = self.crawler.spider
        path = run_parts_path(self.config.catalog_dir(spider.catalog.name), spider.run_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        # A run killed mid-write leaves half a line; a resumed run (same run id) appends after it.
        drop_torn_tail(path)
        self.crawler.stats.set_value("rules/part_file", str(path))
        return path.open("a", encoding="utf-8")

    def close_spider(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def process_item(self, item: object) -> object:
        if isinstance(item, DocPage) and item.rules:
            if self._file is None:
                self._file = self._open()
            for rule in item.rules:
                self._file.write(json.dumps(asdict(rule), ensure_ascii=False) + "\n")
            self._file.flush()
        return item
