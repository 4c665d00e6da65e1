"""One markdown file read whole at the start of every session (AGENTS.md, CLAUDE.md).

In a project the rules go in a block between ``<!-- rules-spider:begin
catalog=C -->`` and ``<!-- rules-spider:end catalog=C -->`` markers: text the
user wrote outside the block is kept, and a later export replaces only the
block. The whole file must stay within the assistant's size limit, so the
lowest-quality rules are left out first (a note says how many) until it fits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from rules_spider.clustering import RuleCluster, quality_order
from rules_spider.items import Rule
from rules_spider.outputs.paths import slugify
from rules_spider.writers.base import ProjectFile, RenderContext, Rendered
from rules_spider.writers.documents import RuleBlocks, cluster_document, fit_by_dropping, group_kept
from rules_spider.writers.markdown import Measure, left_out_note, one_line

logger = logging.getLogger(__name__)


def block_markers(catalog: str) -> tuple[str, str]:
    key = slugify(catalog)
    return f"<!-- rules-spider:begin catalog={key} -->", f"<!-- rules-spider:end catalog={key} -->"


def merge_block(existing: str | None, block: str, catalog: str) -> str:
    """``existing`` with our marked block replaced (or appended); just the block if no file."""
    begin, end = block_markers(catalog)
    marked = f"{begin}\n{block.strip()}\n{end}\n"
    if not existing or not existing.strip():
        return marked
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(existing):
        return pattern.sub(lambda _: marked, existing, count=1)
    if begin in existing:
        logger.warning("Found %s without its end marker; appending a fresh block", begin)
    return existing.rstrip("\n") + "\n\n" + marked


class MemoryFileWriter:
    """Base for writers of a single always-loaded markdown file."""

    name = ""
    project_path = ""
    limit = 0
    limit_text = ""
    measure: Measure

    def _fit(self, rules: Sequence[Rule], render) -> tuple[str, list[Rule], list[Rule]]:
        return fit_by_dropping(rules, render, type(self).measure, self.limit)

    def _note(self, left_out: int) -> list[str]:
        return [left_out_note(left_out, f"to keep {self.project_path} within {self.limit_text}")] if left_out else []

    def render_cluster(self, cluster: RuleCluster, context: RenderContext) -> list[Rendered]:
        blocks = RuleBlocks()

        def render(kept: Sequence[Rule], left_out: int) -> str:
            return cluster_document(cluster, kept, notes=self._note(left_out), show_globs=True, blocks=blocks)

        text, kept, dropped = self._fit(cluster.rules, render)
        return [Rendered(text, tuple(r.id for r in kept), tuple(r.id for r in dropped))]

    def block(
        self,
        clusters: Sequence[RuleCluster],
        kept: Sequence[Rule],
        left_out: int,
        catalog: str,
        blocks: RuleBlocks | None = None,
    ) -> str:
        parts = [f"## Rules from the {one_line(catalog)} documentation catalog"]
        parts.extend(self._note(left_out))
        for cluster, rules in group_kept(clusters, kept):
            parts.append(cluster_document(cluster, rules, level=3, show_globs=True, blocks=blocks).strip())
        return "\n\n".join(parts) + "\n"

    def project_files(self, clusters: Sequence[RuleCluster], context: RenderContext) -> list[ProjectFile]:
        existing = context.read_existing(self.project_path)
        rules = sorted((r for c in clusters for r in c.rules), key=quality_order)
        blocks = RuleBlocks()

        def render(kept: Sequence[Rule], left_out: int) -> str:
            block = self.block(clusters, kept, left_out, context.catalog, blocks)
            return merge_block(existing, block, context.catalog)

        text, kept, dropped = self._fit(rules, render)
        if type(self).measure(text) > self.limit:
            logger.warning(
                "%s is over %s even with no rules from this catalog (the text outside our block is too long)",
                self.project_path,
                self.limit_text,
            )
        rendered = Rendered(text, tuple(r.id for r in kept), tuple(r.id for r in dropped))
        return [ProjectFile(self.project_path, rendered, merged=True)]
