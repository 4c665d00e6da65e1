"""GitHub Copilot path-specific instructions: ``.github/instructions/<name>.instructions.md``.

Frontmatter ``applyTo`` is ONE comma-separated glob string (Copilot reads it
with a YAML parser, so it is quoted wherever YAML needs it) and a
``description``. Without known globs there is no ``applyTo``: the file is then
attached by hand or by description rather than to every file.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules_spider.clustering import RuleCluster
from rules_spider.writers.base import ProjectFile, RenderContext, Rendered, cluster_file_stems
from rules_spider.writers.documents import cluster_document
from rules_spider.writers.frontmatter import yaml_frontmatter
from rules_spider.writers.globs import globs_for
from rules_spider.writers.markdown import when_to_apply


class CopilotWriter:
    name = "copilot"

    def render_cluster(self, cluster: RuleCluster, context: RenderContext) -> list[Rendered]:
        meta: dict[str, str] = {}
        globs = globs_for(cluster.technology)
        if globs:
            meta["applyTo"] = ",".join(globs)
        meta["description"] = when_to_apply(cluster)
        text = yaml_frontmatter(meta) + "\n" + cluster_document(cluster, cluster.rules)
        return [Rendered(text, tuple(r.id for r in cluster.rules))]

    def project_files(self, clusters: Sequence[RuleCluster], context: RenderContext) -> list[ProjectFile]:
        stems = cluster_file_stems(clusters)
        return [
            ProjectFile(f".github/instructions/{stems[(c.technology, c.index)]}.instructions.md", part)
            for c in clusters
            for part in self.render_cluster(c, context)
        ]
