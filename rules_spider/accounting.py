"""Per-source accounting: pages, drops and errors by reason, and sources that failed entirely.

Everything is counted in Scrapy stats under ``source/<name>/...`` (and ``pages/...``
for the whole crawl) so it shows in the crawl's final stats and feeds
``batch_results.json``.
"""

from __future__ import annotations

import re

from scrapy.crawler import Crawler
from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.statscollectors import StatsCollector
from twisted.internet import error as net_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
# Scrapy >= 2.15 wraps Twisted's errors in its own Download* exceptions; both are mapped.
_NETWORK_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((net_error.DNSLookupError, scrapy_errors.CannotResolveHostError), "dns"),
    ((net_error.TimeoutError, net_error.TCPTimedOutError, scrapy_errors.DownloadTimeoutError), "timeout"),
    ((net_error.ConnectionRefusedError, scrapy_errors.DownloadConnectionRefusedError), "connection_refused"),
    (
        (
            ResponseNeverReceived,
            ResponseFailed,
            net_error.ConnectionLost,
            net_error.ConnectionDone,
            scrapy_errors.ResponseDataLossError,
            scrapy_errors.DownloadFailedError,
        ),
        "connection_lost",
    ),
)


def failure_reason(failure: Failure) -> str:
    """A short, stable reason for a failed request, usable in a stats key."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    # DOWNLOAD_MAXSIZE: Scrapy 2.19 aborts the download and raises DownloadCancelledError, naming
    # the "download max size" when the declared length is over it, and with no message when the
    # bytes received pass it (the HTTP/1.1 handler cancels the body; timeouts raise their own error).
    if isinstance(exc, scrapy_errors.DownloadCancelledError):
        text = str(exc)
        return "too_large" if not text or "max size" in text else "cancelled"
    for kinds, reason in _NETWORK_REASONS:
        if isinstance(exc, kinds):
            return reason
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots.txt" in text:
            return "robots_disallowed"
        if "max" in text and "size" in text:
            return "too_large"
        if "max redirections" in text:  # REDIRECT_MAX_TIMES reached
            return "too_many_redirects"
        return "ignored"
    return _CAMEL.sub("_", type(exc).__name__).lower()


class SourceBook:
    """Counts what happened to each source of a crawl."""

    def __init__(self, crawler: Crawler, source_names: list[str]):
        self._crawler = crawler
        self.source_names = list(source_names)
        self.failed: dict[str, str] = {}

    @property
    def stats(self) -> StatsCollector:
        # Scrapy creates the stats collector when the crawl starts, after the spider.
        return self._crawler.stats

    def count(self, source: str, key: str, n: int = 1) -> None:
        self.stats.inc_value(f"source/{source}/{key}", n)
        self.stats.inc_value(f"pages/{key}", n)

    def page_fetched(self, source: str) -> None:
        self.stats.inc_value(f"source/{source}/pages")
        self.stats.inc_value("pages/crawled")

    def fail(self, source: str, reason: str) -> None:
        if source not in self.failed:
            self.failed[source] = reason
            self.stats.set_value(f"source/{source}/failed", reason)
            self.stats.inc_value("sources/failed")

    def pages(self, source: str) -> int:
        return int(self.stats.get_value(f"source/{source}/pages", 0))

    def summary(self) -> dict[str, dict[str, object]]:
        """Per-source figures: pages, rules, failure and every counted reason."""
        all_stats = self.stats.get_stats()
        result: dict[str, dict[str, object]] = {}
        for name in self.source_names:
            prefix = f"source/{name}/"
            figures: dict[str, object] = {k[len(prefix):]: v for k, v in all_stats.items() if k.startswith(prefix)}
            figures.setdefault("pages", 0)
            result[name] = figures
        return result
