"""The one generic documentation spider.

``scrapy crawl docs -a catalog=frameworks [-a sources=React,FastAPI] [-a max_pages=50]``
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import scrapy
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from rules_spider.accounting import SourceBook, failure_reason
from rules_spider.catalog import Catalog, DocumentationSource, load_catalog
from rules_spider.extraction import is_html
from rules_spider.items import DocPage
from rules_spider.scope import SourceScope, canonical_url, is_followable_href

logger = logging.getLogger(__name__)

PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# Chromium flags for a closed network: without them it keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class SpiderArgumentError(ValueError):
    """A bad ``-a`` value; raised before any request is made."""


class DocsSpiderArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalog: str = Field(min_length=1)
    sources: list[str] = []
    max_pages: int | None = Field(default=None, ge=1)
    max_depth: int | None = Field(default=None, ge=0)

    @field_validator("sources", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value


class DocsSpider(scrapy.Spider):
    name = "docs"
    custom_settings = {
        # Breadth-first across many hosts: keep every documentation host busy.
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
    }

    catalog: Catalog
    sources: tuple[DocumentationSource, ...]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DocsSpider:
        try:
            parsed = DocsSpiderArgs.model_validate(kwargs)
        except ValidationError as exc:
            reasons = "; ".join(f"-a {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise SpiderArgumentError(f"bad spider arguments: {reasons}") from None
        catalog = load_catalog(parsed.catalog, crawler.settings.getlist("RULES_CATALOG_DIRS"))
        if parsed.sources:
            catalog = catalog.select(parsed.sources)
        spider = super().from_crawler(crawler, catalog=catalog)
        spider.args = parsed
        spider._configure(crawler)
        return spider

    def _configure(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.sources = tuple(sorted(self.catalog.sources, key=lambda s: -s.priority))
        self.scopes = {s.name: SourceScope.for_source(s) for s in self.sources}
        default_pages = self.args.max_pages or settings.getint("RULES_MAX_PAGES_PER_SOURCE")
        default_depth = self.args.max_depth if self.args.max_depth is not None else settings.getint("RULES_MAX_DEPTH")
        self.page_caps = {s.name: s.max_pages or default_pages for s in self.sources}
        self.depth_caps = {s.name: s.max_depth if s.max_depth is not None else default_depth for s in self.sources}
        self.book = SourceBook(crawler, [s.name for s in self.sources])
        # Raw absolute href -> canonical URL or None (out of scope), per source. Sidebars repeat
        # the same links on every page; resolving each once is most of the spider's speed.
        self._href_memo: dict[str, dict[str, str | None]] = {s.name: {} for s in self.sources}
        if any(s.render == "js" for s in self.sources):
            self._enable_playwright(crawler)

    def _enable_playwright(self, crawler: Crawler) -> None:
        try:
            import scrapy_playwright  # noqa: F401
        except ImportError:
            raise SpiderArgumentError(
                "a selected source has render: js but scrapy-playwright is not installed (pip install rules-spider[js])"
            ) from None
        chromium = crawler.settings.get("RULES_CHROMIUM_PATH")
        if not chromium or not Path(chromium).is_file():
            raise SpiderArgumentError(
                f"a selected source has render: js but RULES_CHROMIUM_PATH={chromium!r} is not a file "
                "(on Debian: apt-get install chromium)"
            )
        settings = crawler.settings
        handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
        handlers.update({"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER})
        settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="spider")
        settings.set(
            "PLAYWRIGHT_LAUNCH_OPTIONS",
            {"executable_path": chromium, "headless": True, "args": CHROMIUM_ARGS},
            priority="spider",
        )
        settings.set(
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", settings.getint("RULES_PLAYWRIGHT_TIMEOUT_MS"), priority="spider"
        )
        # Only the pages of js sources go through the browser; the rest use Scrapy's HTTP client.
        settings.set("PLAYWRIGHT_PROCESS_REQUEST_HEADERS", None, priority="spider")

    # --- persistent crawl state (JOBDIR-safe: Scrapy's SpiderState pickles self.state) ----

    @property
    def run_id(self) -> str:
        """This run's id; a run resumed from JOBDIR keeps it (and so appends to the same part file)."""
        state = self.__dict__.setdefault("state", {})
        return state.setdefault("run_id", f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}")

    @property
    def _scheduled(self) -> dict[str, int]:
        state = self.__dict__.setdefault("state", {})
        return state.setdefault("scheduled", {})

    @property
    def _seen(self) -> set[str]:
        state = self.__dict__.setdefault("state", {})
        return state.setdefault("seen", set())

    # --- requests ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        logger.info(
            "Crawling %d source(s) of catalog %r: %s",
            len(self.sources),
            self.catalog.name,
            ", ".join(f"{s.name} (p{s.priority})" for s in self.sources),
        )
        for source in self.sources:
            if source.sitemap:
                yield self._sitemap_request(source)
            request = self._page_request(source, canonical_url(source.url), depth=0, start=True)
            if request is not None:
                yield request

    def _page_request(self, source: DocumentationSource, url: str, depth: int, start: bool = False) -> Request | None:
        seen = self._seen
        if url in seen:
            return None
        scheduled = self._scheduled
        count = scheduled.get(source.name, 0)
        if count >= self.page_caps[source.name]:
            self.book.count(source.name, "capped/max_pages")
            return None
        seen.add(url)
        scheduled[source.name] = count + 1
        meta: dict[str, Any] = {"source": source.name, "source_depth": depth, "is_start": start}
        if source.render == "js":
            meta["playwright"] = True
        return Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            meta=meta,
            priority=source.priority * 1000 - depth,
            dont_filter=start,
        )

    def _sitemap_request(self, source: DocumentationSource) -> Request:
        scope = self.scopes[source.name]
        scheme, host = scope.scheme_host
        return Request(
            f"{scheme}://{host}{scope.path_prefix}sitemap.xml",
            callback=self.parse_sitemap,
            errback=self.on_error,
            meta={"source": source.name, "source_depth": 0, "is_sitemap": True},
            priority=source.priority * 1000 + 1,
        )

    def _source(self, name: str) -> DocumentationSource:
        return next(s for s in self.sources if s.name == name)

    # --- callbacks ----------------------------------------------------------------------------

    def parse_sitemap(self, response: Response) -> Iterable[Request]:
        source = self._source(response.meta["source"])
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types for broken XML
            self.book.count(source.name, "sitemap/invalid")
            logger.warning("Ignoring invalid sitemap %s: %s", response.url, exc)
            return
        scope = self.scopes[source.name]
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            url = canonical_url(loc)
            if scope.contains(url):
                request = self._page_request(source, url, depth=1)
                if request is not None:
                    yield request

    def parse_page(self, response: Response) -> Iterable[DocPage | Request]:
        source = self._source(response.meta["source"])
        depth = response.meta["source_depth"]
        if not isinstance(response, TextResponse) or not is_html(
            response.headers.get("Content-Type", b"").decode("latin-1"), response.body[:1024]
        ):
            self.book.count(source.name, "dropped/non_html")
            if response.meta.get("is_start"):
                self.book.fail(source.name, "start page is not HTML")
            return
        self.book.page_fetched(source.name)
        yield DocPage(
            url=canonical_url(response.url),
            source_name=source.name,
            technology=source.technology,
            framework=source.framework,
            source_priority=source.priority,
            depth=depth,
            html=response.text,
            rendered=bool(response.meta.get("playwright")),
        )
        if depth < self.depth_caps[source.name]:
            yield from self._follow_links(source, response, depth + 1)

    def _follow_links(self, source: DocumentationSource, response: TextResponse, depth: int) -> Iterable[Request]:
        memo = self._href_memo[source.name]
        scope = self.scopes[source.name]
        seen = self._seen
        base = response.url
        for href in response.xpath("//a/@href").getall():
            if not is_followable_href(href):
                continue
            absolute = response.urljoin(href.strip())
            if absolute in memo:
                url = memo[absolute]
            else:
                candidate = canonical_url(absolute)
                url = candidate if scope.contains(candidate) else None
                memo[absolute] = url
            if url is None or url in seen:
                continue
            request = self._page_request(source, url, depth)
            if request is not None:
                request.meta["referer_url"] = base
                yield request

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        source_name = request.meta.get("source", "?")
        reason = failure_reason(failure)
        if request.meta.get("is_sitemap"):
            self.book.count(source_name, f"sitemap/{reason}")
            return
        self.book.count(source_name, f"errors/{reason}")
        if request.meta.get("is_start"):
            self.book.fail(source_name, f"start URL {request.url}: {reason}")
        else:
            logger.info("Failed %s (%s): %s", request.url, source_name, reason)
