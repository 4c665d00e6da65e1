"""The one generic documentation spider.

``scrapy crawl docs -a catalog=frameworks [-a sources=React,FastAPI] [-a max_pages=50]``
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from rules_spider.accounting import SourceBook, failure_reason
from rules_spider.catalog import Catalog, DocumentationSource, load_catalog
from rules_spider.charset import redecode_mislabelled
from rules_spider.distributed import Claim, SharedCrawl
from rules_spider.extraction import is_html
from rules_spider.items import DocPage
from rules_spider.journal import (
    PAGE,
    CrawlJournal,
    JournalState,
    ScheduledPage,
    discard_stale_jobdir,
    journal_path,
    read_journal,
)
from rules_spider.scope import SourceScope, canonical_url, is_followable_href
from rules_spider.links import page_hrefs

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
    # scrapyd passes every job its id as ``-a _job=<id>``.
    scrapyd_job: str | None = Field(default=None, alias="_job")

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
    # Set when RULES_REDIS_URL makes this process one of several scrapy-redis workers.
    shared: SharedCrawl | None = None

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
        if crawler.settings.get("RULES_REDIS_URL"):
            spider.shared = SharedCrawl.from_crawler(crawler, catalog.name)
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
        self._configure_reliability(crawler)

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
        # The random suffix keeps workers apart whose clocks and pids agree (containers).
        return state.setdefault("run_id", f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}-{secrets.token_hex(3)}")

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
        for request in self._resume_from_journal():
            yield request
        for source in self.sources:
            if source.sitemap:
                yield self._sitemap_request(source)
            request = self._page_request(source, canonical_url(source.url), depth=0, start=True)
            if request is not None:
                yield request

    def _page_request(self, source: DocumentationSource, url: str, depth: int, start: bool = False) -> Request | None:
        if url in self._seen or not self._within_url_limits(source, url) or not self._admit(source, url):
            return None
        self._note_scheduled(source, url, depth, start)
        meta: dict[str, Any] = {"source": source.name, "source_depth": depth, "is_start": start}
        if source.render == "js":
            meta["playwright"] = True
        return Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            meta=meta,
            priority=source.priority * 1000 - depth,
            # Shared crawl: start requests too go through the shared dupefilter, so one worker seeds.
            dont_filter=start and self.shared is None,
        )

    def _admit(self, source: DocumentationSource, url: str) -> bool:
        """Mark ``url`` seen and count it against its source's page cap; False when capped or taken."""
        if self.shared is not None:
            # The local set is only a cache: whatever redis answers, this worker never asks again.
            self._seen.add(url)
            claim = self.shared.claim(url, source.name, self.page_caps[source.name])
            if claim is Claim.CAPPED:
                self.book.count(source.name, "capped/max_pages")
            return claim is Claim.ADMITTED
        scheduled = self._scheduled
        count = scheduled.get(source.name, 0)
        if count >= self.page_caps[source.name]:
            self.book.count(source.name, "capped/max_pages")
            return False
        self._seen.add(url)
        scheduled[source.name] = count + 1
        return True

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
            self._page_done(response.request, "dropped/non_html")
            return
        self.book.page_fetched(source.name)
        yield DocPage(
            url=canonical_url(response.url),
            source_name=source.name,
            technology=source.technology,
            framework=source.framework,
            source_priority=source.priority,
            depth=depth,
            html=self._page_html(source, response),
            rendered=bool(response.meta.get("playwright")),
        )
        if depth < self.depth_caps[source.name]:
            yield from self._follow_links(source, response, depth + 1)

    def _follow_links(self, source: DocumentationSource, response: TextResponse, depth: int) -> Iterable[Request]:
        memo = self._href_memo[source.name]
        scope = self.scopes[source.name]
        seen = self._seen
        base = response.url
        for href in page_hrefs(response.text):
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
        self._page_done(request, f"errors/{reason}")
        if request.meta.get("is_start"):
            self.book.fail(source_name, f"start URL {request.url}: {reason}")
        else:
            logger.info("Failed %s (%s): %s", request.url, source_name, reason)

    # --- URL traps and crash safety -----------------------------------------------------------

    def _configure_reliability(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.max_query_variants = settings.getint("RULES_MAX_QUERY_VARIANTS")
        self.max_url_length = settings.getint("URLLENGTH_LIMIT")
        crawler.signals.connect(self._request_dropped, signal=signals.request_dropped)
        self.journal: CrawlJournal | None = None
        self._history: JournalState | None = None
        jobdir = settings.get("JOBDIR")
        if not jobdir:
            return
        path = journal_path(jobdir)
        previous = read_journal(path)
        self._history = previous
        if not previous.clean:
            # Killed mid-run: Scrapy's queue is lost and its dupefilter would skip every pending page.
            discard_stale_jobdir(jobdir)
            logger.warning(
                "Resuming a crawl that was killed mid-run (JOBDIR %s): %d page(s) done, %d to fetch again",
                jobdir,
                len(previous.done),
                len(previous.pending),
            )
        self.journal = CrawlJournal(path)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._item_finished, signal=signal)
        crawler.signals.connect(self._close_journal, signal=signals.spider_closed)

    @property
    def _query_variants(self) -> dict[str, dict[str, int]]:
        """Per source: URL without its query -> distinct query strings scheduled."""
        state = self.__dict__.setdefault("state", {})
        return state.setdefault("query_variants", {})

    def _within_url_limits(self, source: DocumentationSource, url: str) -> bool:
        """False (and counted) for URLs over URLLENGTH_LIMIT and query strings past the per-path cap."""
        if len(url) > self.max_url_length:
            self.book.count(source.name, "capped/url_length")
            return False
        base, _, query = url.partition("?")
        if query and self._query_variants.get(source.name, {}).get(base, 0) >= self.max_query_variants:
            self.book.count(source.name, "capped/query_variants")
            return False
        return True

    def _note_scheduled(self, source: DocumentationSource, url: str, depth: int, start: bool) -> None:
        base, _, query = url.partition("?")
        if query:
            variants = self._query_variants.setdefault(source.name, {})
            variants[base] = variants.get(base, 0) + 1
        if self.journal is not None:
            self.journal.scheduled(url, source.name, depth, start)

    def _resume_from_journal(self) -> list[Request]:
        """Write this session into the journal and count what earlier sessions did;
        after a kill, also rebuild the crawl state and re-request the pending pages."""
        if self.journal is None or self._history is None:
            return []
        recovered, self._history = self._history, None
        known = {s.name for s in self.sources}
        for page, outcome in recovered.outcomes:
            if page.source in known:
                self._count_outcome(page, outcome)
        if recovered.clean:
            self.journal.started(self.run_id)
            return []
        pending = recovered.pending
        pending_urls = {page.url for page in pending}
        seen: set[str] = set()
        scheduled: dict[str, int] = {}
        variants: dict[str, dict[str, int]] = {}
        for url, page in recovered.scheduled.items():
            if url in pending_urls:
                continue  # admitted again below, through the usual caps
            seen.add(url)
            scheduled[page.source] = scheduled.get(page.source, 0) + 1
            base, _, query = url.partition("?")
            if query:
                per_source = variants.setdefault(page.source, {})
                per_source[base] = per_source.get(base, 0) + 1
        self.state = {
            "run_id": recovered.run_id or self.run_id,
            "seen": seen,
            "scheduled": scheduled,
            "query_variants": variants,
        }
        self.journal.started(self.run_id)
        requests = []
        for page in pending:
            if page.source in known:
                request = self._page_request(self._source(page.source), page.url, page.depth, start=page.start)
                if request is not None:
                    requests.append(request)
        return requests

    def _page_html(self, source: DocumentationSource, response: TextResponse) -> str:
        """The page's text; Windows-1252 bytes labelled UTF-8 are decoded again (counted)."""
        repaired = redecode_mislabelled(response.body, response.text, response.encoding)
        if repaired is None:
            return response.text
        self.book.count(source.name, "repaired/charset")
        return repaired

    @staticmethod
    def _journal_key(request: Request) -> str:
        """The URL this page was scheduled under (before any redirect)."""
        return canonical_url((request.meta.get("redirect_urls") or [request.url])[0])

    def _count_outcome(self, page: ScheduledPage, outcome: str) -> None:
        """Count a page an earlier session of this JOBDIR finished, as that session did."""
        if outcome == PAGE:
            self.book.page_fetched(page.source)
            return
        self.book.count(page.source, outcome)
        if page.start and outcome.startswith("errors/"):
            self.book.fail(page.source, f"start URL {page.url}: {outcome.removeprefix('errors/')}")
        elif page.start and outcome == "dropped/non_html":
            self.book.fail(page.source, "start page is not HTML")

    def _page_done(self, request: Request | None, outcome: str = PAGE) -> None:
        if self.journal is not None and request is not None and "source_depth" in request.meta:
            if not request.meta.get("is_sitemap"):
                self.journal.done(self._journal_key(request), outcome)

    def _item_finished(self, item: Any, response: Response | None = None) -> None:
        # Fired once the item has left every pipeline: its rules are in the part file.
        if response is not None:
            self._page_done(response.request)

    def _close_journal(self, spider: scrapy.Spider, reason: str) -> None:
        if self.journal is not None:
            self.journal.close(clean=True)
            self.journal = None

    def _request_dropped(self, request: Request) -> None:
        """A redirect the scheduler refused: its target was already requested (a loop, or an alias).

        Other refusals are not faults (in a shared crawl, another worker took the URL).
        """
        source = request.meta.get("source")
        if source is None or not request.meta.get("redirect_urls"):
            return
        self.book.count(source, "dropped/redirected_to_seen")
        self._page_done(request, "dropped/redirected_to_seen")
