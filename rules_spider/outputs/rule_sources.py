"""Where a build's rules come from, handed over one technology at a time.

The build (``outputs.build``) visits technologies in sorted order and asks its source for one
technology's rules, in the order rules.jsonl lists them; it writes that technology's files and
lets its rules go before asking for the next. ``open`` reads the whole input once, sorting lines
into per-technology scratch files (``outputs.spill``), so only one technology is ever parsed and
held. Sources: a rules.jsonl (``RulesFileSource``, for ``scrapy build-rules`` and the previous
run), rules already in memory (``RuleListSource``), and a crawl's part files
(``outputs.finalize.CrawlPartsSource``, which merges near-duplicates per technology).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from rules_spider.items import Rule, unit_json
from rules_spider.outputs.rules_io import (
    InvalidRuleError,
    RulesFileStats,
    iter_rule_lines,
    rule_from_mapping,
    unit_text,
)
from rules_spider.outputs.spill import TechnologySpill

logger = logging.getLogger(__name__)


class RuleSource(Protocol):
    """Once opened, a source is picklable and ``rules`` depends on its scratch files alone, so a
    worker process can call it."""

    # A rules.jsonl the build copies with each rule's cluster filled in (its invalid lines kept),
    # or None: the build writes rules.jsonl from the rules it is given.
    rules_path: Path | None

    def open(self, scratch: Path) -> list[str]:
        """Read the input (scratch files go under ``scratch``); the technologies, sorted."""
        ...

    def size(self, technology: str | None = None) -> int:
        """How many rules the opened input holds (before any is dropped or merged), of ``technology`` or in all."""
        ...

    def rules(self, technology: str) -> tuple[list[Rule], int]:
        """``technology``'s rules (none for a technology the input does not have) and how many
        repeated ones were skipped."""
        ...

    def file_stats(self, rules: int, duplicates: int) -> RulesFileStats:
        """Counts for batch_results.json, given the rules and duplicates of every technology."""
        ...


# Rule fields whose strings many rules of one technology repeat.
_REPEATED = ("technology", "framework", "source_name", "url", "category", "generator", "quality_model")


def parse_pass_rule_line(line: str, origin: object) -> Rule | None:
    """The rule of one JSON line, or None (logged) when it is not one, for a build's technology pass,
    which holds a technology's every rule at once: the rule's ``unit`` as its JSON text (cut out of the
    line when ``rule_line`` wrote it), and the strings many rules repeat (a page's URL and headings, the
    source, the model version) shared instead of one copy per rule."""
    try:
        data = json.loads(line)
        if not isinstance(data, dict):
            raise InvalidRuleError("not a JSON object")
        rule = rule_from_mapping(data)
    except (ValueError, TypeError) as exc:
        logger.warning("Skipping invalid rule from %s: %s", origin, exc)
        return None
    if rule.unit is not None:
        rule.unit = unit_text(line, data) or unit_json(rule.unit)
    for name in _REPEATED:
        value = getattr(rule, name)
        if value is not None:
            setattr(rule, name, sys.intern(value))
    rule.section = [sys.intern(heading) for heading in rule.section]
    rule.urls = [sys.intern(url) for url in rule.urls]
    return rule


class SpilledSource:
    """A source whose ``open`` sorts its input's lines into per-technology scratch files."""

    _spill: TechnologySpill | None = None

    def _spill_lines(self, directory: Path, lines: Iterable[tuple[str, str]]) -> list[str]:
        """Spill (technology, line) pairs under ``directory`` (created here); the technologies, sorted."""
        directory.mkdir()
        self._spill = TechnologySpill(directory)
        for technology, line in lines:
            self._spill.add(technology, line)
        self._spill.flush()
        return self._spill.technologies()

    def size(self, technology: str | None = None) -> int:
        if self._spill is None:
            return 0
        counts = self._spill.counts
        return sum(counts.values()) if technology is None else counts.get(technology, 0)


class RulesFileSource(SpilledSource):
    """A rules.jsonl: every valid rule, the first of each (technology, id); with ``only_pages``, only
    the rules of those pages."""

    def __init__(self, path: Path, only_pages: frozenset[str] | None = None) -> None:
        self.rules_path = Path(path)
        self.only_pages = only_pages
        self._lines = self._invalid = 0

    def open(self, scratch: Path) -> list[str]:
        if not self.rules_path.exists():
            logger.warning("No rules file at %s; building empty outputs", self.rules_path)
            return []
        return self._spill_lines(scratch / f"rules-file-{id(self)}", self._valid_lines())

    def _valid_lines(self) -> Iterator[tuple[str, str]]:
        for _, line, rule in iter_rule_lines(self.rules_path):
            self._lines += 1
            if rule is None:
                self._invalid += 1
            elif self.only_pages is None or self.only_pages.intersection([rule.url, *rule.urls]):
                yield rule.technology, line

    def rules(self, technology: str) -> tuple[list[Rule], int]:
        if self._spill is None:
            return [], 0
        rules, seen, duplicates = [], set(), 0
        for line in self._spill.lines(technology):
            rule = parse_pass_rule_line(line, self.rules_path)
            if rule is None:
                continue
            if rule.id in seen:
                duplicates += 1
                continue
            seen.add(rule.id)
            rules.append(rule)
        return rules, duplicates

    def file_stats(self, rules: int, duplicates: int) -> RulesFileStats:
        return RulesFileStats(self._lines, rules, self._invalid, duplicates)


class RuleListSource:
    """Rules already in memory, in their order (for small builds and callers that hold them anyway)."""

    rules_path = None

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._by_technology: dict[str, list[Rule]] = {}
        for rule in rules:
            self._by_technology.setdefault(rule.technology, []).append(rule)
        self._count = len(rules)

    def open(self, scratch: Path) -> list[str]:
        return sorted(self._by_technology)

    def size(self, technology: str | None = None) -> int:
        return self._count if technology is None else len(self._by_technology.get(technology, ()))

    def rules(self, technology: str) -> tuple[list[Rule], int]:
        return list(self._by_technology.get(technology, ())), 0

    def file_stats(self, rules: int, duplicates: int) -> RulesFileStats:
        return RulesFileStats(lines=self._count, rules=self._count, invalid=0, duplicates=0)
