"""The clusters an output tree already has, for ``scrapy export-rules`` (no second clustering).

A build writes each rule's cluster into rules.jsonl (``cluster``, its index within its technology)
and each cluster's summary into batch_results.json (name, keywords, similarity, quality, size).
Together they give back the build's ``RuleCluster``s, in the order ``cluster_rules`` returns them
(technology, then index) with the rules of each in quality order. They are used only when they
account for the rules exactly (every cluster a rule names is summarised, with as many rules as
rules.jsonl gives it); otherwise the caller clusters again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from rules_spider.clusters import RuleCluster, quality_order
from rules_spider.items import Rule
from rules_spider.outputs.batch_results import ClusterSummary

logger = logging.getLogger(__name__)


def stored_summaries(
    rules: Sequence[Rule], results: Mapping[str, Any] | None
) -> dict[tuple[str, int], ClusterSummary] | None:
    """batch_results.json's cluster summaries by (technology, cluster id), when they account for
    ``rules`` (every rule of rules.jsonl, before review decisions); None otherwise."""
    if not results or not isinstance(results.get("clusters"), list):
        return None
    try:
        summaries = {(s.technology, s.cluster_id): s for s in map(ClusterSummary.model_validate, results["clusters"])}
    except ValidationError as exc:
        logger.info("batch_results.json has clusters of another shape (%s): clustering again", exc.errors()[0]["msg"])
        return None
    counts: dict[tuple[str, int], int] = {}
    for rule in rules:
        if rule.cluster is not None:
            key = (rule.technology, rule.cluster)
            counts[key] = counts.get(key, 0) + 1
    if counts != {key: s.rules_count for key, s in summaries.items()}:
        logger.info("rules.jsonl and batch_results.json disagree on the clusters: clustering again")
        return None
    return summaries


def stored_clusters(rules: Sequence[Rule], summaries: Mapping[tuple[str, int], ClusterSummary]) -> list[RuleCluster] | None:
    """``rules`` (reviewed) under their stored clusters, or None when one of them has no stored cluster
    (a rule whose rejection was undone after the build)."""
    members: dict[tuple[str, int], list[Rule]] = {}
    for rule in rules:
        key = (rule.technology, rule.cluster)
        if rule.cluster is None or key not in summaries:
            logger.info("Rule %s has no cluster in the output tree: clustering again", rule.id)
            return None
        members.setdefault((rule.technology, rule.cluster), []).append(rule)
    clusters = []
    for (technology, index), cluster_rules in sorted(members.items()):
        summary = summaries[(technology, index)]
        clusters.append(
            RuleCluster(
                technology=technology,
                index=index,
                name=summary.name,
                keywords=tuple(summary.keywords),
                rules=tuple(sorted(cluster_rules, key=quality_order)),
                mean_similarity=summary.mean_similarity,
                mean_quality=summary.mean_quality,
            )
        )
    return clusters
