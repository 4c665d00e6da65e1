"""Per-page CPU work on the machine's other cores.

Extraction, pattern finding and extractive generation are pure, CPU-bound
functions; on the reactor's thread they would halve the crawl (the GIL makes
threads no help). A process pool runs them beside the crawl instead.
``RULES_PROCESS_WORKERS``: ``auto`` (the CPU count), a number,
or ``0`` to run everything inline in the crawl process.

A crawl killed with SIGKILL (the OOM killer, a scrapyd cancel that escalates)
cannot shut its pool down, so every worker watches its parent: a thread in
the worker checks every ``PARENT_CHECK_SECONDS`` that the process that
started it is still its parent, and ends the worker when it is not.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.asyncio import is_asyncio_available

from rules_spider.config import rules_config

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

PARENT_CHECK_SECONDS = 0.5


def _exit_when_orphaned(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    # Reparented: the crawl process is gone and nobody will collect our results.
    os._exit(1)


def watch_parent(parent_pid: int) -> None:
    """Pool initializer: end this worker process once ``parent_pid`` is no longer its parent."""
    threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), name="watch-parent", daemon=True).start()


def worker_count(setting: str | int | None) -> int:
    if setting in (None, "", "auto"):
        # One worker per core: the crawl process mostly waits on the network and the pool, so its core is
        # better shared than left to it (2 cores, dense bench corpus: 62 pages/s with 1 worker, 72 with 2).
        return os.cpu_count() or 1
    count = int(setting)
    if count < 0:
        raise ValueError(f"RULES_PROCESS_WORKERS must be 'auto' or >= 0, got {setting!r}")
    return count


def close_worker_count(setting: str | int | None) -> int:
    """RULES_CLOSE_WORKERS: ``auto`` is every CPU (the crawl's page pool is gone by then), none on one."""
    if setting in (None, "", "auto"):
        cpus = os.cpu_count() or 1
        return cpus if cpus > 1 else 0
    count = int(setting)
    if count < 0:
        raise ValueError(f"RULES_CLOSE_WORKERS must be 'auto' or >= 0, got {setting!r}")
    return count


class PagePool:
    """Runs pure per-page functions in worker processes, or inline when there are none.

    In a crawl it is an extension (``EXTENSIONS``), shared by the pipelines
    through ``page_pool(crawler)`` and shut down when the spider closes.
    """

    def __init__(self, workers: int):
        self.workers = workers if is_asyncio_available() else 0
        # spawn, not fork: forking a process that runs a reactor and threads is unsafe.
        self._executor = (
            ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=watch_parent,
                initargs=(os.getpid(),),
            )
            if self.workers
            else None
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PagePool:
        pool = cls(rules_config(crawler).process_workers)
        crawler.signals.connect(pool.shutdown, signal=signals.spider_closed)
        crawler.stats.set_value("rules/process_workers", pool.workers)
        logger.info("Page analysis in %s", f"{pool.workers} worker process(es)" if pool.workers else "the crawl process")
        return pool

    async def run(self, fn: Callable[..., _T], *args: Any) -> _T:
        if self._executor is None:
            return fn(*args)
        return await asyncio.wrap_future(self._executor.submit(fn, *args))

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def page_pool(crawler: Crawler) -> PagePool:
    """The crawl's one pool (the PagePool extension), for the pipelines."""
    pool = crawler.get_extension(PagePool)
    if pool is None:
        raise ValueError("rules_spider.workers.PagePool is not in EXTENSIONS: the page pipelines run their work in it")
    return pool
