"""Cursor project rules: ``.cursor/rules/<name>.mdc``.

Frontmatter: ``description`` (one sentence: when to apply), ``globs`` as ONE
unquoted comma-separated string when the technology has known globs, and
``alwaysApply: false`` (a real boolean; never true, which would make Cursor
ignore the globs). Without known globs the description alone lets the agent
decide when to load the rule. Cursor reads frontmatter with a line parser that
keeps quotes, so no value is quoted (see ``frontmatter.cursor_frontmatter``).
"""

from __future__ import annotations

from collections.abc import Sequence

from rules_spider.clustering import RuleCluster
from rules_spider.writers.base import ProjectFile, RenderContext, Rendered, cluster_file_stems
from rules_spider.writers.documents import cluster_document
from rules_spider.writers.frontmatter import cursor_frontmatter
from rules_spider.writers.globs import globs_for
from rules_spider.writers.markdown import when_to_apply


class CursorWriter:
    name = "cursor"

    def render_cluster(self, cluster: RuleCluster, context: RenderContext) -> list[Rendered]:
        text = cursor_frontmatter(when_to_apply(cluster), globs_for(cluster.technology))
        text += "\n" + cluster_document(cluster, cluster.rules)
        return [Rendered(text, tuple(r.id for r in cluster.rules))]

    def project_files(self, clusters: Sequence[RuleCluster], context: RenderContext) -> list[ProjectFile]:
        stems = cluster_file_stems(clusters)
        return [
            ProjectFile(f".cursor/rules/{stems[(c.technology, c.index)]}.mdc", part)
            for c in clusters
            for part in self.render_cluster(c, context)
        ]
