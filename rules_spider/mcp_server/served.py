"""The rules the MCP server serves: a catalog's crawled rules with the review's decisions applied
(rejected ones gone, edits in, pinned ones known), indexed for search and file matching. Rebuilt when a
crawl rewrites rules.jsonl or a review decision is made while the server runs."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rules_spider.items import Rule
from rules_spider.learning.store import FeedbackStore
from rules_spider.mcp_server.files import FileRules
from rules_spider.mcp_server.search import RuleSearch
from rules_spider.review.catalog_rules import CatalogRules
from rules_spider.review.decisions import apply_decisions, fold_decisions


@dataclass(frozen=True, slots=True)
class ServedSet:
    rules: tuple[Rule, ...]
    by_id: dict[str, Rule]
    crawled: dict[str, Rule]  # every crawled rule, rejected ones too (outcomes may name them)
    pinned: frozenset[str]
    search: RuleSearch
    files: FileRules
    key: tuple[float, int]


class ServedRules:
    def __init__(self, rules: CatalogRules, store: FeedbackStore) -> None:
        self.catalog_rules = rules
        self.store = store
        self._lock = threading.Lock()
        self._served: ServedSet | None = None

    def current(self) -> ServedSet:
        crawled = self.catalog_rules.current()
        decisions = self.store.decisions()
        key = (crawled.version, decisions[-1].id if decisions else 0)
        with self._lock:
            if self._served is None or self._served.key != key:
                reviewed = apply_decisions(crawled.rules, fold_decisions(decisions))
                self._served = ServedSet(
                    rules=tuple(reviewed.rules), by_id={r.id: r for r in reviewed.rules}, crawled=crawled.by_id,
                    pinned=reviewed.pinned, search=RuleSearch(reviewed.rules),
                    files=FileRules(reviewed.rules, reviewed.pinned), key=key,
                )
            return self._served
