"""One technology's cluster directories in the staged output tree: rule files of every format and metadata.json.

``O/C/<tech>/<tech>_<format>_cluster_<n>/<tech>_<format>_rules[_part<i>]<ext>`` and ``metadata.json``
beside them (see ``outputs.build`` for the whole layout); with ``group_by="source"`` one directory
per source of each cluster, ``<tech>_<format>_source_<source>_<n>``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rules_spider.clusters import RuleCluster
from rules_spider.outputs.atomic import StagedTree
from rules_spider.outputs.batch_results import ClusterSummary
from rules_spider.outputs.paths import safe_child, safe_join
from rules_spider.writers.base import RenderContext, Rendered, Writer
from rules_spider.writers.groups import RuleGroup, cluster_groups, source_groups


def part_file_name(tech_slug: str, fmt: str, part: int, suffix: str = ".md") -> str:
    """``<tech>_<fmt>_rules[_part<i>]<suffix>``, the suffix the assistant needs (``.mdc``, ...)."""
    stem = "" if part == 1 else f"_part{part}"
    return f"{tech_slug}_{fmt}_rules{stem}{suffix}"


def _cluster_metadata(group: RuleGroup, fmt: str, files: list[str], parts: list[Rendered]) -> dict[str, Any]:
    cluster = group.clusters[0]
    return {
        "cluster_id": cluster.index,
        "technology": cluster.technology,
        "name": cluster.name,
        "format": fmt,
        "coherence_score": cluster.coherence,
        "mean_similarity": cluster.mean_similarity,
        "mean_quality": cluster.mean_quality,
        "rules_count": len(group.rules),
        "keywords": list(cluster.keywords),
        "sources": list(group.sources),
        "rule_ids": [r.id for r in group.rules],
        "files": files,
        "left_out_rule_ids": [o.rule.id for p in parts for o in p.left_out],
    }


def _tree_groups(cluster: RuleCluster, group_by: str) -> list[tuple[str, RuleGroup]]:
    """(directory suffix, group) pairs: the whole cluster, or one per source of it."""
    if group_by == "source":
        return [(f"source_{g.key}_{cluster.index}", g) for g in source_groups([cluster])]
    (group,) = cluster_groups([cluster])
    return [(f"cluster_{cluster.index}", group)]


def write_cluster_files(
    staged: StagedTree,
    tech: str,
    clusters: Sequence[RuleCluster],
    writers: Sequence[Writer],
    context: RenderContext,
    group_by: str = "cluster",
) -> list[ClusterSummary]:
    """Write the directories of ``clusters`` (one technology's, its slug ``tech``) and summarise them."""
    summaries = []
    for cluster in clusters:
        files: dict[str, list[str]] = {}
        left_out: dict[str, list[str]] = {}
        groups = _tree_groups(cluster, group_by)
        for writer in writers:
            fmt = writer.name
            files[fmt], left_out[fmt] = [], []
            for label, group in groups:
                directory = f"{tech}_{fmt}_{label}"
                directory_path = safe_join(staged.root, tech, directory)
                parts = writer.render_group(group, context)
                names = [part_file_name(tech, fmt, i, writer.tree_suffix) for i in range(1, len(parts) + 1)]
                for name, part in zip(names, parts, strict=True):
                    staged.write_text(safe_child(directory_path, name), part.text)
                metadata = _cluster_metadata(group, fmt, names, parts)
                staged.write_text(
                    safe_child(directory_path, "metadata.json"),
                    json.dumps(metadata, indent=2, ensure_ascii=False) + "\n",
                )
                files[fmt].extend(f"{tech}/{directory}/{n}" for n in names)
                left_out[fmt].extend(metadata["left_out_rule_ids"])
        summaries.append(
            ClusterSummary(
                technology=cluster.technology,
                cluster_id=cluster.index,
                name=cluster.name,
                rules_count=cluster.size,
                coherence_score=cluster.coherence,
                mean_similarity=cluster.mean_similarity,
                mean_quality=cluster.mean_quality,
                keywords=list(cluster.keywords),
                sources=list(cluster.sources),
                files=files,
                left_out=left_out,
            )
        )
    return summaries
