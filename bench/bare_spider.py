"""The baseline: a bare Scrapy spider that fetches the same pages as the project's crawl.

It reads the same catalog YAML (only each source's ``url``), follows every
``<a href>`` that stays on the source's host and under its path prefix, and
relies on Scrapy's default dupefilter to drop pages already seen. It yields no
items: no pipelines, no extraction, no outputs. Run it through
``bench/crawl_runner.py bare --catalog FILE``.

``-a dedupe=spider`` (``crawl_runner.py bare-seen``) also keeps a set of URLs it
already requested and makes no Request for them, as the project's spider does.
On sidebar-heavy docs most links are already known, and a Request dropped by the
dupefilter still costs its trip through the spider middlewares, the scheduler
and a ``request_dropped`` signal: this variant is the stricter baseline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import scrapy
import yaml
from scrapy.http import Request, Response, TextResponse

# Scrapy's defaults plus the project's own scheduling and politeness choices
# (rules_spider/settings.py), so the (b)/(a) ratio isolates the project's per-page work.
BARE_SETTINGS: dict[str, Any] = {
    "ROBOTSTXT_OBEY": False,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "DEPTH_PRIORITY": 1,
    "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
    "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
    "AUTOTHROTTLE_START_DELAY": 0.5,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    "DOWNLOAD_TIMEOUT": 30,
    "LOG_LEVEL": "INFO",
}


def source_prefix(url: str) -> str:
    """Everything a source may link to starts with this: its URL up to the last '/'."""
    return url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, catalog: str, dedupe: str = "dupefilter", **kwargs: Any):
        super().__init__(**kwargs)
        if dedupe not in ("dupefilter", "spider"):
            raise ValueError(f"-a dedupe must be 'dupefilter' or 'spider', got {dedupe!r}")
        data = yaml.safe_load(Path(catalog).read_text(encoding="utf-8"))
        self.start_urls_ = [source["url"] for source in data["sources"]]
        self.prefixes = tuple(source_prefix(url) for url in self.start_urls_)
        self.seen: set[str] | None = set(self.start_urls_) if dedupe == "spider" else None

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls_:
            yield Request(url, callback=self.parse)

    def parse(self, response: Response) -> Iterable[Request]:
        if not isinstance(response, TextResponse):
            return
        prefix = next((p for p in self.prefixes if response.url.startswith(p)), None)
        if prefix is None:
            return
        seen = self.seen
        for href in response.xpath("//a/@href").getall():
            url = response.urljoin(href).split("#", 1)[0]
            if not url.startswith(prefix):
                continue
            if seen is not None:
                if url in seen:
                    continue
                seen.add(url)
            yield Request(url, callback=self.parse)
