"""What a clustering gives (``rules_spider.clustering``): clusters of rules and their 2-D map points.

Apart from the clustering itself, which imports NumPy and SciPy: the writers, the report and a build's
merge of its workers' outcomes read these, and a crawl process that builds its outputs in worker
processes never loads NumPy.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rules_spider.items import Rule


def source_names(rules: Iterable[Rule]) -> tuple[str, ...]:
    """Distinct source names of ``rules``, most rules first, then by name."""
    counts: dict[str, int] = defaultdict(int)
    for rule in rules:
        counts[rule.source_name] += 1
    return tuple(sorted(counts, key=lambda name: (-counts[name], name)))


@dataclass(frozen=True, slots=True)
class RuleCluster:
    """Rules of one technology that talk about the same thing.

    ``sources`` is derived from ``rules`` when not given.
    """

    technology: str
    index: int
    name: str
    keywords: tuple[str, ...]
    rules: tuple[Rule, ...]
    mean_similarity: float | None
    mean_quality: float | None
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.sources and self.rules:
            object.__setattr__(self, "sources", source_names(self.rules))

    @property
    def size(self) -> int:
        return len(self.rules)

    @property
    def coherence(self) -> float | None:
        """The cluster's mean pairwise cosine similarity (see ``rules_spider.clustering``)."""
        return self.mean_similarity


@dataclass(frozen=True, slots=True)
class MapPoint:
    """Where one rule sits on its technology's 2-D map."""

    rule_id: str
    technology: str
    cluster_index: int
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Clustering:
    """Every cluster of every technology, plus the 2-D map points."""

    clusters: tuple[RuleCluster, ...]
    points: tuple[MapPoint, ...]
    # technology -> mean pairwise cosine similarity of all its rules (None below two rules)
    technology_similarity: dict[str, float | None] = dataclasses.field(default_factory=dict)

    def by_technology(self) -> dict[str, list[RuleCluster]]:
        grouped: dict[str, list[RuleCluster]] = {}
        for cluster in self.clusters:
            grouped.setdefault(cluster.technology, []).append(cluster)
        return grouped

    @property
    def rules(self) -> list[Rule]:
        return [rule for cluster in self.clusters for rule in cluster.rules]


def quality_order(rule: Rule) -> tuple[float, str]:
    """Sort key: highest quality first, unscored last, then by id."""
    score = rule.quality_score
    return (-score if score is not None else float("inf"), rule.id)
