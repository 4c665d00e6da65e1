"""The one interface every rule generator implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from rules_spider.items import DocPage, Rule


class StatsLike(Protocol):
    """The part of Scrapy's StatsCollector generators use (also easy to build in tests)."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...


class GeneratorOutputError(Exception):
    """A generator could not produce valid rules for a page (after its own retries).

    The generation pipeline catches it, counts it and falls back to the
    extractive generator for that page.
    """


@runtime_checkable
class RuleGenerator(Protocol):
    """Turns one extracted page into candidate rules.

    ``generate`` is blocking and thread-safe: the pipeline calls it off the
    reactor thread. Every returned rule quotes its evidence from
    ``page.text``; the pipeline still drops any rule whose evidence it cannot
    find there (``rules/dropped/ungrounded``).
    """

    name: str
    model: str | None

    def generate(self, page: DocPage) -> list[Rule]: ...

    def close(self) -> None: ...
