"""Targets that read a directory of rule files, one file per group (or per part of one).

A group that fits its budget is one file. One that does not is split by
cluster, and a cluster that still does not fit is split between rules into
parts; a rule that does not fit a file alone is shown without its example,
and one too long even then is left out (with a note, and in the budget
report). Every part carries the group's frontmatter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from rules_spider.items import Rule
from rules_spider.writers.activation import Activation
from rules_spider.writers.base import ProjectFile, RenderContext, Rendered
from rules_spider.writers.budget import Budget, LeftOut, priority_key, split_between_rules
from rules_spider.writers.documents import RuleBlocks, group_document
from rules_spider.writers.groups import RuleGroup


def too_long_note(count: int, budget: Budget) -> str:
    noun = "rule is" if count == 1 else "rules are"
    return (
        f"_{count} {noun} longer than this file's budget of {budget.describe()} even without an "
        "example, so they are left out here; the budget report lists them._"
    )


def no_example_note(count: int, budget: Budget) -> str:
    noun = "rule's example is" if count == 1 else "rules' examples are"
    return f"_{count} {noun} left out to keep this file within {budget.describe()}; see the source pages._"


class RuleDirWriter:
    """Base for writers of ``<directory>/<group key><suffix>`` files."""

    name = ""
    assistant = ""
    directory = ""
    suffix = ".md"

    @property
    def tree_suffix(self) -> str:
        return self.suffix

    def frontmatter(self, group: RuleGroup, activation: Activation) -> str:
        """The file's frontmatter block (``---`` ... ``---`` and a newline), or ``""``."""
        return ""

    def _document(
        self,
        head: str,
        group: RuleGroup,
        rules: Sequence[Rule],
        part: tuple[int, int] | None,
        notes: Sequence[str],
        no_example: frozenset[str],
        blocks: RuleBlocks,
    ) -> str:
        body = group_document(group, rules, part=part, notes=notes, without_example=no_example, blocks=blocks)
        return f"{head}\n{body}" if head else body

    def render_group(self, group: RuleGroup, context: RenderContext) -> list[Rendered]:
        budget = context.budget_for(self.name)
        blocks = context.blocks or RuleBlocks()
        head = self.frontmatter(group, blocks.activation(group))
        order = priority_key(context.pinned)
        rules = sorted(group.rules, key=order)
        whole = self._document(head, group, rules, None, (), frozenset(), blocks)
        if budget.fits(whole):
            return [Rendered(whole, tuple(r.id for r in rules))]

        n = len(rules)
        worst_notes = (too_long_note(n, budget), no_example_note(n, budget))
        pieces: list[tuple[RuleGroup, list[Rule], frozenset[str]]] = []
        too_long: list[Rule] = []
        for cluster in group.clusters:
            sub = dataclasses.replace(group, title=f"{group.title}: {cluster.name}", clusters=(cluster,))

            def fits(part_rules: Sequence[Rule], no_example: frozenset[str], sub: RuleGroup = sub) -> bool:
                text = self._document(head, sub, part_rules, (n, n), worst_notes, no_example, blocks)
                return budget.fits(text)

            split = split_between_rules(sorted(cluster.rules, key=order), fits)
            too_long.extend(split.too_long)
            pieces.extend((sub, part, split.without_example) for part in split.parts)

        rendered = []
        total = len(pieces)
        reason = f"longer than the {self.name} budget of {budget.describe()} on its own"
        left_out = tuple(LeftOut(r, reason) for r in too_long)
        for i, (sub, part_rules, no_example) in enumerate(pieces, start=1):
            notes = []
            if i == 1 and too_long:
                notes.append(too_long_note(len(too_long), budget))
            shortened = sum(1 for r in part_rules if r.id in no_example)
            if shortened:
                notes.append(no_example_note(shortened, budget))
            text = self._document(head, sub, part_rules, (i, total), notes, no_example, blocks)
            rendered.append(Rendered(text, tuple(r.id for r in part_rules), left_out if i == 1 else ()))
        if not rendered:
            text = self._document(head, group, [], None, [too_long_note(len(too_long), budget)], frozenset(), blocks)
            rendered.append(Rendered(text, (), left_out))
        return rendered

    def file_path(self, group: RuleGroup, part: int) -> str:
        stem = group.key if part == 1 else f"{group.key}-part{part}"
        return f"{self.directory}/{stem}{self.suffix}"

    def project_files(self, groups: Sequence[RuleGroup], context: RenderContext) -> list[ProjectFile]:
        return [
            ProjectFile(self.file_path(group, i), part)
            for group in groups
            for i, part in enumerate(self.render_group(group, context), start=1)
        ]
