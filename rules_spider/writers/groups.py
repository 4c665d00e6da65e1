"""What one rule file is made of: a group of rules, per source or per cluster.

A ``RuleGroup`` keeps its rules under the clusters they belong to, so a writer
whose file is over budget can split it by cluster. ``source_groups`` makes one
group per documentation source (the project export: a project that uses one
framework gets that framework's file); ``cluster_groups`` one group per
cluster (the output tree, and ``export-rules -a group=technology``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rules_spider.clusters import RuleCluster
from rules_spider.items import Rule
from rules_spider.outputs.paths import slugify, unique_slugs
from rules_spider.writers.markdown import cluster_title, technology_label


@dataclass(frozen=True, slots=True)
class RuleGroup:
    """Rules that go to one file (or to its parts), kept under their clusters."""

    key: str
    title: str
    technology: str
    clusters: tuple[RuleCluster, ...]

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(rule for cluster in self.clusters for rule in cluster.rules)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for cluster in self.clusters for s in cluster.sources))

    @property
    def keywords(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for cluster in self.clusters for k in cluster.keywords))

    def without(self, rule_ids: frozenset[str]) -> RuleGroup | None:
        """The group less ``rule_ids`` (None when nothing is left)."""
        kept = []
        for cluster in self.clusters:
            rules = tuple(r for r in cluster.rules if r.id not in rule_ids)
            if rules:
                kept.append(dataclasses.replace(cluster, rules=rules))
        return dataclasses.replace(self, clusters=tuple(kept)) if kept else None


def cluster_groups(clusters: Iterable[RuleCluster]) -> list[RuleGroup]:
    """One group per cluster, keyed ``<technology>-<n>-<name>``."""
    clusters = [c for c in clusters if c.rules]
    technologies = unique_slugs(c.technology for c in clusters)
    return [
        RuleGroup(
            key=f"{technologies[c.technology]}-{c.index}-{slugify(c.name, max_length=40)}",
            title=cluster_title(c),
            technology=c.technology,
            clusters=(c,),
        )
        for c in clusters
    ]


def _restricted(cluster: RuleCluster, source: str) -> RuleCluster | None:
    rules = tuple(r for r in cluster.rules if r.source_name == source)
    if not rules:
        return None
    return dataclasses.replace(cluster, rules=rules, sources=(source,))


def source_groups(clusters: Sequence[RuleCluster], sources: Sequence[str] | None = None) -> list[RuleGroup]:
    """One group per source (all sources, or those named in ``sources``, in that order).

    A source's rules keep the clusters of their technology, so a group can be
    split by topic. The key is the source's slug, unique among the groups.
    """
    present: list[str] = []
    for cluster in clusters:
        present.extend(r.source_name for r in cluster.rules if r.source_name not in present)
    wanted = sorted(present, key=str.lower) if sources is None else [s for s in sources if s in present]
    keys = unique_slugs(wanted)
    groups = []
    for source in wanted:
        parts = tuple(p for p in (_restricted(c, source) for c in clusters) if p is not None)
        technology = parts[0].technology
        groups.append(
            RuleGroup(
                key=keys[source],
                title=f"{source} ({technology_label(technology)})",
                technology=technology,
                clusters=parts,
            )
        )
    return groups
