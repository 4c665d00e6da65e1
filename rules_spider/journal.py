"""A crash-safe journal of a JOBDIR crawl: which pages were scheduled and which are done.

Scrapy's JOBDIR saves the scheduler queue and the spider's state only when the
crawl shuts down cleanly. After a SIGKILL (OOM killer, a lost container) the
queue is gone while the dupefilter still remembers every scheduled URL, so a
plain resume would skip every page that was pending. The journal is appended
line by line as the crawl goes (each line reaches the OS before the next
request is made), so a resumed crawl can rebuild its state from it: pages that
are done are not fetched again, pages that were pending are scheduled again.

``<JOBDIR>/rules_spider.journal`` holds one JSON array per line::

    ["R", run_id]                        a crawl session started (its part file's run id)
    ["S", source, depth, is_start, url]  a page request was scheduled
    ["D", url, outcome]                  that page is done: outcome "page" (its rules are in the
                                         part file) or the stats key it was counted under
                                         ("errors/timeout", "dropped/non_html", ...)
    ["C"]                                the session closed cleanly (Scrapy's JOBDIR state is whole)

A torn last line (the process died mid-write) is ignored. Replaying the
outcomes restores the per-source page and error counts of earlier sessions.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

logger = logging.getLogger(__name__)

JOURNAL_NAME = "rules_spider.journal"
PAGE = "page"
# What Scrapy keeps in JOBDIR that a killed crawl leaves stale.
STALE_JOBDIR_ENTRIES = ("requests.queue", "requests.seen", "spider.state")


@dataclass(frozen=True, slots=True)
class ScheduledPage:
    url: str
    source: str
    depth: int
    start: bool


@dataclass
class JournalState:
    """What a journal says about the crawl so far."""

    run_id: str | None = None
    scheduled: dict[str, ScheduledPage] = field(default_factory=dict)
    done: dict[str, str] = field(default_factory=dict)  # url -> outcome
    clean: bool = True  # no session, or the last one closed cleanly

    @property
    def outcomes(self) -> list[tuple[ScheduledPage, str]]:
        """Each finished page with its outcome."""
        return [(self.scheduled[url], outcome) for url, outcome in self.done.items() if url in self.scheduled]

    @property
    def pending(self) -> list[ScheduledPage]:
        """Scheduled pages that are not done, in the order they were scheduled."""
        return [page for url, page in self.scheduled.items() if url not in self.done]


def journal_path(jobdir: str | Path) -> Path:
    return Path(jobdir) / JOURNAL_NAME


def read_journal(path: Path) -> JournalState:
    """The state a journal describes; an empty state when there is no journal."""
    state = JournalState()
    if not path.is_file():
        return state
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.endswith("\n"):
                break  # torn by a kill mid-write
            try:
                entry = json.loads(line)
            except ValueError:
                logger.warning("Skipping unreadable line in crawl journal %s: %r", path, line[:80])
                continue
            kind = entry[0]
            if kind == "R":
                state.run_id = entry[1]
                state.clean = False
            elif kind == "S":
                _, source, depth, start, url = entry
                state.scheduled.setdefault(url, ScheduledPage(url, source, int(depth), bool(start)))
            elif kind == "D":
                state.done[entry[1]] = entry[2] if len(entry) > 2 else PAGE
            elif kind == "C":
                state.clean = True
    return state


def discard_stale_jobdir(jobdir: str | Path) -> None:
    """Remove the scheduler queue, dupefilter and spider state a killed crawl left behind.

    Must run before Scrapy's scheduler opens JOBDIR (the spider's ``from_crawler``).
    """
    for name in STALE_JOBDIR_ENTRIES:
        entry = Path(jobdir) / name
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink(missing_ok=True)


class CrawlJournal:
    """Appends to ``<JOBDIR>/rules_spider.journal``; every line is flushed as it is written."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        drop_torn_tail(path)
        self.path = path
        self._file: IO[str] | None = path.open("a", encoding="utf-8", buffering=1)

    def _write(self, entry: list[object]) -> None:
        if self._file is not None:
            self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def started(self, run_id: str) -> None:
        self._write(["R", run_id])

    def scheduled(self, url: str, source: str, depth: int, start: bool) -> None:
        self._write(["S", source, depth, start, url])

    def done(self, url: str, outcome: str = PAGE) -> None:
        self._write(["D", url, outcome])

    def close(self, clean: bool = True) -> None:
        if self._file is not None:
            if clean:
                self._write(["C"])
            self._file.close()
            self._file = None


def drop_torn_tail(path: Path) -> None:
    """Cut a half-written last line so the next line starts on its own."""
    if not path.is_file():
        return
    with path.open("rb+") as handle:
        data = handle.read()
        if data and not data.endswith(b"\n"):
            handle.truncate(data.rfind(b"\n") + 1)
