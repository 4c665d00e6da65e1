"""One markdown file an assistant reads whole (AGENTS.md, GEMINI.md, .rules, ...).

In a project the rules go in a block between ``<!-- rules-spider:begin
catalog=C -->`` and ``<!-- rules-spider:end catalog=C -->`` markers: text the
user wrote outside the block is kept, and a later export replaces only the
block. The block stays within the target's budget (rules are packed by
priority, the rest left out with a note); the budget is a share of what the
assistant reads, so the user's own text keeps its room.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from rules_spider.items import Rule
from rules_spider.outputs.paths import slugify
from rules_spider.writers.base import ProjectFile, RenderContext, Rendered
from rules_spider.writers.budget import Budget, LeftOut, fit_prefix, priority_key
from rules_spider.writers.documents import RuleBlocks, group_document
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.markdown import one_line

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


def left_out_note(count: int, path: str, budget: Budget) -> str:
    noun = "rule was" if count == 1 else "rules were"
    return f"_{count} lower-priority {noun} left out to keep this block within {budget.describe()} ({path})._"


def files_line(group: RuleGroup, blocks: RuleBlocks) -> str | None:
    globs = blocks.activation(group).globs
    return "Applies to: " + ", ".join(f"`{g}`" for g in globs) if globs else None


class MemoryFileWriter:
    """Base for writers of one always-loaded markdown file."""

    name = ""
    assistant = ""
    project_path = ""
    tree_suffix = ".md"

    def _notes(self, left_out: int, budget: Budget) -> list[str]:
        return [left_out_note(left_out, self.project_path, budget)] if left_out else []

    def _left_out(self, dropped: Sequence[Rule], budget: Budget) -> tuple[LeftOut, ...]:
        reason = f"lower priority than the rules that fill the {self.project_path} budget of {budget.describe()}"
        return tuple(LeftOut(r, reason) for r in dropped)

    def render_group(self, group: RuleGroup, context: RenderContext) -> list[Rendered]:
        budget = context.budget_for(self.name)
        blocks = context.blocks or RuleBlocks()
        line = files_line(group, blocks)

        def render(kept: Sequence[Rule], left_out: int) -> str:
            return group_document(group, kept, notes=self._notes(left_out, budget), files_line=line, blocks=blocks)

        rules = sorted(group.rules, key=priority_key(context.pinned))
        text, kept, dropped = fit_prefix(rules, render, budget)
        return [Rendered(text, tuple(r.id for r in kept), self._left_out(dropped, budget))]

    def block(
        self,
        groups: Sequence[RuleGroup],
        kept: Sequence[Rule],
        notes: Sequence[str],
        catalog: str,
        blocks: RuleBlocks,
    ) -> str:
        parts = [f"## Rules from the {one_line(catalog)} documentation catalog", *notes]
        for group in groups:
            ids = {r.id for r in group.rules}
            members = [r for r in kept if r.id in ids]
            if members:
                doc = group_document(group, members, level=3, files_line=files_line(group, blocks), blocks=blocks)
                parts.append(doc.strip())
        return "\n\n".join(parts) + "\n"

    def fit_block(
        self, groups: Sequence[RuleGroup], context: RenderContext, existing: str | None
    ) -> tuple[str, list[Rule], list[Rule], Budget]:
        budget = context.budget_for(self.name)
        rules = sorted((r for g in groups for r in g.rules), key=priority_key(context.pinned))
        blocks = context.blocks or RuleBlocks()

        def render(kept: Sequence[Rule], left_out: int) -> str:
            return self.block(groups, kept, self._notes(left_out, budget), context.catalog, blocks)

        block, kept, dropped = fit_prefix(rules, render, budget)
        return merge_block(existing, block, context.catalog), kept, dropped, budget

    def project_files(self, groups: Sequence[RuleGroup], context: RenderContext) -> list[ProjectFile]:
        existing = context.read_existing(self.project_path)
        text, kept, dropped, budget = self.fit_block(groups, context, existing)
        rendered = Rendered(text, tuple(r.id for r in kept), self._left_out(dropped, budget))
        return [ProjectFile(self.project_path, rendered, merged=True)]
