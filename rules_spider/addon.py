"""Maps the project's RULES_* settings onto Scrapy's own, once, before the crawl starts,
and holds the crawl's parsed RulesConfig (``rules_spider.config.rules_config``)."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from rules_spider.config import RulesConfig

logger = logging.getLogger(__name__)

REDIS_SCHEDULER = "scrapy_redis.scheduler.Scheduler"
REDIS_DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"


class RulesAddon:
    """Scrapy add-on: concurrency, HTTP cache and scrapy-redis switches.

    Values are set at ``addon`` priority, so a Scrapy setting given in the
    project settings or on the command line still wins over the mapping.
    ``config`` is the crawl's RulesConfig, parsed on first use: components ask
    for it once the add-ons have run, so it sees the settings as they are
    for the crawl.
    """

    def __init__(self, crawler: Crawler | None = None):
        self._crawler = crawler
        self._config: RulesConfig | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RulesAddon:
        return cls(crawler)

    @property
    def config(self) -> RulesConfig:
        if self._config is None:
            if self._crawler is None:
                raise RuntimeError("RulesAddon built without a crawler has no crawl config")
            self._config = RulesConfig.from_settings(self._crawler.settings)
        return self._config

    def update_settings(self, settings: BaseSettings) -> None:
        max_concurrent = settings.getint("RULES_MAX_CONCURRENT")
        if max_concurrent < 1:
            raise ValueError(f"RULES_MAX_CONCURRENT must be >= 1, got {max_concurrent}")
        per_domain = min(max_concurrent, settings.getint("RULES_MAX_CONCURRENT_PER_DOMAIN"))
        settings.set("CONCURRENT_REQUESTS", max_concurrent, priority="addon")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", per_domain, priority="addon")
        # Thread pool for blocking work (LLM calls, clustering) sized to what may run at once.
        threads = max(10, settings.getint("RULES_LLM_MAX_CONCURRENT") + 4)
        settings.set("REACTOR_THREADPOOL_MAXSIZE", threads, priority="addon")
        if settings.getbool("RULES_HTTP_CACHE"):
            settings.set("HTTPCACHE_ENABLED", True, priority="addon")
        redis_url = settings.get("RULES_REDIS_URL")
        if redis_url:
            self._use_redis(settings, redis_url)

    @staticmethod
    def _use_redis(settings: BaseSettings, redis_url: str) -> None:
        try:
            import scrapy_redis  # noqa: F401
        except ImportError:
            raise ValueError("RULES_REDIS_URL is set but scrapy-redis is not installed (pip install rules-spider[distributed])") from None
        settings.set("SCHEDULER", REDIS_SCHEDULER, priority="addon")
        settings.set("DUPEFILTER_CLASS", REDIS_DUPEFILTER, priority="addon")
        settings.set("REDIS_URL", redis_url, priority="addon")
        # Keep the shared queue when a worker closes: the others still use it. Workers that
        # finish the crawl clear it (rules_spider.distributed), so the next crawl starts afresh.
        settings.set("SCHEDULER_PERSIST", True, priority="addon")
        # Each worker leaves its part and stats files; `scrapy build-rules` merges them all.
        # The project default (True) sits above add-on priority, so it is replaced at its
        # own priority: a value given with -s or in custom_settings still wins.
        priority = settings.getpriority("RULES_BUILD_ON_CLOSE")
        if priority is None or priority <= SETTINGS_PRIORITIES["project"]:
            settings.set("RULES_BUILD_ON_CLOSE", False, priority="project")
        logger.info("Distributed crawl: scheduler and dupefilter in redis at %s", redis_url)
