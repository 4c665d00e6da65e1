"""Claude Code: ``.claude/rules/<name>.md`` files and a short ``CLAUDE.md`` index.

Claude Code loads every ``.claude/rules/*.md`` as project memory
(code.claude.com/docs/en/memory, "Organize rules with .claude/rules/"): a
file with a ``paths:`` YAML list only when Claude reads matching files, a
file without frontmatter always. The root CLAUDE.md, loaded in full every
session and best kept under 200 lines (``RULES_BUDGET_CLAUDE_MD``), gets a
short marked block naming each rule file and when it loads. The names are
written in code spans on purpose: an ``@path`` import would inline a
path-scoped file into every session (imports are expanded at launch) and
load the always-on ones twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules_spider.writers.activation import Activation, infer_activation
from rules_spider.writers.base import ProjectFile, RenderContext, Rendered
from rules_spider.writers.frontmatter import yaml_frontmatter
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.memory_file import merge_block
from rules_spider.writers.rule_dir import RuleDirWriter

INDEX_PATH = "CLAUDE.md"


def _when(activation: Activation) -> str:
    if not activation.globs:
        return "always loaded"
    shown = ", ".join(f"`{g}`" for g in activation.globs[:4])
    more = f" and {len(activation.globs) - 4} more" if len(activation.globs) > 4 else ""
    return f"loaded when Claude reads {shown}{more}"


class ClaudeWriter(RuleDirWriter):
    name = "claude"
    assistant = "Claude Code"
    directory = ".claude/rules"

    def frontmatter(self, group: RuleGroup, activation: Activation) -> str:
        return yaml_frontmatter({"paths": list(activation.globs)}) if activation.globs else ""

    def index_block(self, entries: Sequence[tuple[str, RuleGroup, int]], catalog: str, omitted: int) -> str:
        lines = [
            f"## Rules from the {catalog} documentation catalog",
            "",
            "Claude Code loads these files from `.claude/rules/` by itself; each rule links the page it quotes.",
            "",
        ]
        for path, group, count in entries:
            noun = "rule" if count == 1 else "rules"
            lines.append(f"- `{path}`: {group.title}, {count} {noun}, {_when(infer_activation(group))}.")
        if omitted:
            lines.append(f"- {omitted} more files in `.claude/rules/` (this list is kept short).")
        return "\n".join(lines) + "\n"

    def project_files(self, groups: Sequence[RuleGroup], context: RenderContext) -> list[ProjectFile]:
        files = super().project_files(groups, context)
        entries = []
        for group in groups:
            for project_file in files:
                if project_file.path.startswith(f"{self.directory}/{group.key}") and project_file.rendered.rule_ids:
                    entries.append((project_file.path, group, len(project_file.rendered.rule_ids)))
        budget = context.budget_for("claude_md")
        existing = context.read_existing(INDEX_PATH)
        shown = len(entries)
        text = merge_block(existing, self.index_block(entries, context.catalog, 0), context.catalog)
        while shown > 0 and not budget.fits(text):
            shown -= 1
            block = self.index_block(entries[:shown], context.catalog, len(entries) - shown)
            text = merge_block(existing, block, context.catalog)
        files.append(ProjectFile(INDEX_PATH, Rendered(text, ()), merged=True))
        return files
