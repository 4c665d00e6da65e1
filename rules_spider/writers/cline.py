"""Cline rules: ``.clinerules/<name>.md``.

With known globs the file starts with frontmatter ``paths:`` (a YAML list),
which makes it a conditional rule Cline loads only when matching files are in
play; without known globs there is no frontmatter and Cline always loads it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules_spider.clustering import RuleCluster
from rules_spider.writers.base import ProjectFile, RenderContext, Rendered, cluster_file_stems
from rules_spider.writers.documents import cluster_document
from rules_spider.writers.frontmatter import yaml_frontmatter
from rules_spider.writers.globs import globs_for


class ClineWriter:
    name = "cline"

    def render_cluster(self, cluster: RuleCluster, context: RenderContext) -> list[Rendered]:
        globs = globs_for(cluster.technology)
        head = yaml_frontmatter({"paths": list(globs)}) + "\n" if globs else ""
        text = head + cluster_document(cluster, cluster.rules)
        return [Rendered(text, tuple(r.id for r in cluster.rules))]

    def project_files(self, clusters: Sequence[RuleCluster], context: RenderContext) -> list[ProjectFile]:
        stems = cluster_file_stems(clusters)
        return [
            ProjectFile(f".clinerules/{stems[(c.technology, c.index)]}.md", part)
            for c in clusters
            for part in self.render_cluster(c, context)
        ]
