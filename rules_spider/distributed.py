"""Crawl state shared by the scrapy-redis workers of one catalog (``RULES_REDIS_URL`` set).

Every worker runs the same ``scrapy crawl docs -a catalog=C``. Redis holds, under
``rules_spider:<catalog>:``:

``requests``, ``dupefilter``
    scrapy-redis' shared request queue and request fingerprints.
``seen``
    canonical page URLs some worker has claimed: the shared form of the
    spider's per-process ``seen`` set, which is only a cache in front of it.
``scheduled:<source>``
    pages scheduled per source (INCR on each claim), so ``max_pages`` holds
    across workers.
``busy:<worker>``
    present, with a TTL, while that worker has requests or items in progress.

A worker whose queue runs dry stays open while another worker is busy (that one
may still add requests) and closes once its idle checks have seen no busy worker
for ``QUIET_SECONDS``. The workers that close with reason ``finished`` delete
the catalog's keys, so the next crawl of the catalog starts afresh; a crawl
stopped any other way keeps them, and workers started again resume it.
"""

from __future__ import annotations

import enum
import logging
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.spiders import Spider
from twisted.internet import task

from rules_spider.outputs.paths import slugify

logger = logging.getLogger(__name__)

KEY_ROOT = "rules_spider"
# A worker that died without cleaning up stops counting as busy after this long.
BUSY_TTL_SECONDS = 60
# How long a worker must see no busy worker before it concludes the crawl is done. It covers the
# moment between another worker popping a request and marking itself busy again; Scrapy re-checks
# an idle spider every 5 s, so in practice a worker closes one or two checks after the last page.
QUIET_SECONDS = 2.0


class Claim(enum.Enum):
    ADMITTED = "admitted"
    SEEN = "seen"
    CAPPED = "capped"


def key_prefix(catalog_name: str) -> str:
    return f"{KEY_ROOT}:{slugify(catalog_name)}:"


def scheduler_keys(catalog_name: str) -> dict[str, str]:
    """scrapy-redis queue and dupefilter keys of one catalog (not shared between catalogs)."""
    prefix = key_prefix(catalog_name)
    return {"SCHEDULER_QUEUE_KEY": f"{prefix}requests", "SCHEDULER_DUPEFILTER_KEY": f"{prefix}dupefilter"}


class SharedCrawl:
    """One worker's view of the shared crawl; the spider asks it before scheduling a page."""

    def __init__(self, crawler: Crawler, catalog_name: str):
        self.crawler = crawler
        self.catalog_name = catalog_name
        self.prefix = key_prefix(catalog_name)
        self.server: Any = None
        self.worker = ""
        self._idle = False
        self._quiet_since: float | None = None
        self._done = False
        self._refresh = task.LoopingCall(self._refresh_busy)

    @classmethod
    def from_crawler(cls, crawler: Crawler, catalog_name: str) -> SharedCrawl:
        # Called from the spider's from_crawler, before add-ons run: settings are still mutable.
        for name, value in scheduler_keys(catalog_name).items():
            crawler.settings.set(name, value, priority="spider")
        shared = cls(crawler, catalog_name)
        crawler.signals.connect(shared.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(shared.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(shared.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(shared.request_reached_downloader, signal=signals.request_reached_downloader)
        return shared

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    # --- claims -----------------------------------------------------------------------------

    def claim(self, url: str, source_name: str, max_pages: int) -> Claim:
        """Claim ``url`` for this crawl: SEEN if any worker claimed it, CAPPED past the source's cap."""
        if not self.server.sadd(self.key("seen"), url):
            return Claim.SEEN
        if self.server.incr(self.key("scheduled", source_name)) > max_pages:
            return Claim.CAPPED
        return Claim.ADMITTED

    # --- liveness ---------------------------------------------------------------------------

    def _mark_busy(self) -> None:
        self.server.set(self.key("busy", self.worker), 1, ex=BUSY_TTL_SECONDS)

    def _refresh_busy(self) -> None:
        if not self._idle:
            self._mark_busy()

    def busy_workers(self) -> list[str]:
        mine = self.key("busy", self.worker)
        keys = (k.decode() if isinstance(k, bytes) else k for k in self.server.scan_iter(match=self.key("busy", "*")))
        return sorted(k[len(self.key("busy", "")):] for k in keys if k != mine)

    # --- signals ----------------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        from scrapy_redis.connection import get_redis_from_settings

        self.server = get_redis_from_settings(self.crawler.settings)
        self.worker = spider.run_id  # type: ignore[attr-defined]
        self._mark_busy()
        self._refresh.start(BUSY_TTL_SECONDS / 4, now=False)
        logger.info(
            "Worker %s joined the shared crawl of %r (redis keys %s*)", self.worker, self.catalog_name, self.prefix
        )

    def request_reached_downloader(self, request: Any, spider: Spider) -> None:
        if self._idle:
            self._idle = False
            self._mark_busy()
        self._quiet_since = None

    def spider_idle(self, spider: Spider) -> None:
        """Keep the worker open while the shared crawl may still produce requests."""
        if not self._idle:
            self._idle = True
            self.server.delete(self.key("busy", self.worker))
        busy = self.busy_workers()
        if busy:
            self._quiet_since = None
            self.crawler.stats.inc_value("distributed/idle_waits")
            logger.debug("Queue empty; waiting for busy worker(s) %s", ", ".join(busy))
            raise DontCloseSpider
        now = time.monotonic()
        if self._quiet_since is None:
            self._quiet_since = now
        if now - self._quiet_since < QUIET_SECONDS:
            raise DontCloseSpider
        self._done = True

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._refresh.running:
            self._refresh.stop()
        if self.server is None:
            return
        self.server.delete(self.key("busy", self.worker))
        if reason == "finished" and self._done:
            keys = list(self.server.scan_iter(match=self.prefix + "*"))
            if keys:
                self.server.delete(*keys)
            logger.info("Shared crawl of %r is done; cleared its redis keys", self.catalog_name)
