"""Soak: a generated 2,000-page site at 16 concurrent requests, in bounded time and flat memory.

Every page must be crawled exactly once (server hit counts), and the resident memory
of the crawl (this process and its page-analysis worker processes) must not keep
growing: RSS is sampled from /proc/<pid>/statm every 0.2 s; growth over the second half of the crawl must stay under both bounds
below. The numbers are printed (``pytest -s``) so they can be compared between runs.
The docs server runs in a child process so that it does not compete with the crawl
for the GIL (in-process it halves the crawl rate on two cores).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_twisted import ensureDeferred
from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from tests.crawling import make_crawler
from tests.faults import ServerProcess, build_generated_site

N_PAGES = 2000
TIME_LIMIT_S = 120
MAX_GROWTH_MB = 40
MAX_GROWTH_RATIO = 0.15
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SOAK_SETTINGS = {
    "RULES_MAX_CONCURRENT": 16,
    "RULES_MAX_CONCURRENT_PER_DOMAIN": 16,
    "RULES_MAX_PAGES_PER_SOURCE": 5000,
    "AUTOTHROTTLE_ENABLED": False,
    "RULES_PROGRESS_INTERVAL": 3600,
    "MEMUSAGE_ENABLED": True,
    # Every page goes through every pipeline (rules streamed to the part file); building the
    # output tree at the close is a separate phase, measured by tests/test_clustering.py.
    "RULES_BUILD_ON_CLOSE": False,
}


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except FileNotFoundError:  # the process ended between listing and reading
        return 0


def children(pid: int) -> list[int]:
    pids: list[int] = []
    for task_dir in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(c) for c in (task_dir / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return pids


def crawl_rss(exclude: set[int]) -> int:
    """RSS of this process and its descendants (page-analysis workers), less ``exclude`` (the server)."""
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        if pid in exclude:
            continue
        total += rss_bytes(pid)
        todo += children(pid)
    return total


@dataclass
class MemoryTrace:
    """(pages crawled so far, RSS) samples taken while the crawl runs."""

    samples: list[tuple[int, int]] = field(default_factory=list)

    def rss_at(self, pages: int) -> int:
        return next(rss for crawled, rss in self.samples if crawled >= pages)

    def peak_between(self, start: int, stop: int) -> int:
        return max(rss for crawled, rss in self.samples if start <= crawled < stop)


async def soak_crawl(
    settings: dict, trace: MemoryTrace, server_pid: int, **spider_args
) -> tuple[Crawler, list[str]]:
    """Crawl while sampling RSS; keep only the scraped URLs (not the pages)."""
    crawler = make_crawler(settings)
    urls: list[str] = []

    def on_item(item) -> None:
        urls.append(item.url)

    def sample() -> None:
        if crawler.stats is not None:
            trace.samples.append((int(crawler.stats.get_value("pages/crawled", 0)), crawl_rss({server_pid})))

    crawler._soak_receiver = on_item  # type: ignore[attr-defined]  (signals hold receivers weakly)
    crawler.signals.connect(on_item, signal=signals.item_scraped)
    sampler = task.LoopingCall(sample)
    sampler.start(0.2, now=False)
    try:
        await crawler.crawl(**spider_args)
    finally:
        sampler.stop()
    return crawler, urls


@pytest.mark.timeout(TIME_LIMIT_S + 60)
@ensureDeferred
async def test_two_thousand_pages_once_each_in_bounded_time_and_flat_memory(write_catalog, tmp_path):
    site = tmp_path / "site"
    pages = build_generated_site(site, N_PAGES)
    trace = MemoryTrace()
    server = ServerProcess(site)
    try:
        catalog = write_catalog(
            f"name: soak\nsources:\n  - url: {server.url('/gen/')}\n    name: Soak\n    technology: go\n"
        )
        started = time.monotonic()
        crawler, urls = await soak_crawl(
            {**SOAK_SETTINGS, "RULES_OUTPUT_DIR": str(tmp_path / "out")}, trace, server.pid, catalog=str(catalog)
        )
        elapsed = time.monotonic() - started
        hits = server.stop()
    finally:
        server.kill()

    stats = crawler.stats.get_stats()
    assert stats["finish_reason"] == "finished"
    assert stats["pages/crawled"] == N_PAGES
    assert [p for p in pages if hits.get(p) != 1] == []  # every page requested exactly once
    assert sorted(urls) == sorted(server.url(p) for p in pages)  # and every one scraped

    # The second half of the crawl itself; building the outputs at the close is another phase.
    half, end = trace.rss_at(N_PAGES // 2), trace.peak_between(N_PAGES // 2, N_PAGES)
    first = trace.rss_at(N_PAGES // 10)
    growth = end - half
    print(
        f"\nsoak: {N_PAGES} pages in {elapsed:.1f} s ({N_PAGES / elapsed:.0f} pages/s); RSS at 10%: {first / 2**20:.0f} MB, "
        f"at 50%: {half / 2**20:.0f} MB, peak in the second half: {end / 2**20:.0f} MB (+{growth / 2**20:.1f} MB, "
        f"{growth / half:+.1%}); memusage/max {stats.get('memusage/max', 0) / 2**20:.0f} MB; "
        f"{len(trace.samples)} samples; {stats.get('rules/process_workers', 0)} page-analysis worker process(es)"
    )
    assert elapsed < TIME_LIMIT_S
    assert growth < MAX_GROWTH_MB * 2**20 and growth < MAX_GROWTH_RATIO * half
