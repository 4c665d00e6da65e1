"""Worker processes for a big build's technology passes (``RULES_CLOSE_WORKERS``).

A pass (``outputs.technology_pass``) is CPU work in Python, so threads would not share it out; these
processes run one technology each, side by side. The process that builds (a finished crawl, or
``scrapy build-rules``) then only sorts the input and merges the outcomes: it holds no technology's
rules at all. Workers are spawned (forking a process that runs a reactor and threads is unsafe) and
end when the process that started them dies (``rules_spider.workers.watch_parent``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


def _warm_up() -> None:
    """Import what a pass needs while the building process is still sorting the input."""
    import sklearn.cluster  # noqa: F401
    import sklearn.decomposition  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401

    import rules_spider.clustering  # noqa: F401
    import rules_spider.outputs.technology_pass  # noqa: F401


@contextmanager
def pass_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """``workers`` processes, started (and importing) at once.

    On an error the pool waits for the passes still running (they write into the staged tree the
    caller is about to remove). Once every pass is done the processes are waited for too: the build's
    last steps (batch results, report, the fsync of the tree) would otherwise run beside idle workers
    that still hold their last technology's memory.
    """
    from rules_spider.workers import watch_parent

    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=watch_parent, initargs=(os.getpid(),)
    )
    try:
        for _ in range(workers):  # each submit starts one more process while none is idle
            pool.submit(_warm_up)
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
