"""A catalog's crawled rules (``O/C/rules.jsonl``) for the review page and the MCP server, re-read when
a crawl or a build rewrites the file, with the cluster names of ``batch_results.json``."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from rules_spider.items import Rule
from rules_spider.outputs.build import BATCH_RESULTS, RULES_FILE
from rules_spider.outputs.rules_io import read_rules

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    by_id: dict[str, Rule]
    cluster_names: dict[tuple[str, int], str]
    version: float  # the rules file's modification time


class CatalogRules:
    """The rules of ``catalog_dir``; :meth:`current` re-reads them when the file changed."""

    def __init__(self, catalog_dir: Path) -> None:
        self.catalog_dir = Path(catalog_dir)
        self.path = self.catalog_dir / RULES_FILE
        if not self.path.is_file():
            raise FileNotFoundError(f"no rules at {self.path}; crawl the catalog first")
        self._lock = threading.Lock()
        self._loaded: RuleSet | None = None

    def current(self) -> RuleSet:
        version = self.path.stat().st_mtime
        with self._lock:
            if self._loaded is None or self._loaded.version != version:
                rules, _ = read_rules(self.path)
                self._loaded = RuleSet(tuple(rules), {r.id: r for r in rules}, self._cluster_names(), version)
            return self._loaded

    def _cluster_names(self) -> dict[tuple[str, int], str]:
        path = self.catalog_dir / BATCH_RESULTS
        try:
            clusters = json.loads(path.read_text(encoding="utf-8")).get("clusters") or []
        except (OSError, ValueError) as exc:
            logger.info("No cluster names from %s: %s", path, exc)
            return {}
        return {(str(c["technology"]), int(c["cluster_id"])): str(c.get("name") or "") for c in clusters
                if isinstance(c, dict) and "technology" in c and "cluster_id" in c}
