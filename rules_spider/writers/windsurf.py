"""Windsurf workspace rules: ``.windsurf/rules/<name>.md``.

Frontmatter always has ``trigger``: ``glob`` with ``globs`` (a YAML list) when
the technology has known globs, else ``model_decision`` with a
``description``. Windsurf reads at most 6,000 characters of a rule file, so a
cluster is split into parts between rules (``<name>.md``, ``<name>-part2.md``,
...; in the output tree ``<tech>_windsurf_rules.md``,
``<tech>_windsurf_rules_part2.md``, ...). A rule is never cut: one that does
not fit a file on its own is shown without its example (with a note), and one
too long even then is left out of the Windsurf files (with a note; the other
formats still carry it). Characters are counted as UTF-16 code units, the way
the editor counts them.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules_spider.clustering import RuleCluster
from rules_spider.items import Rule
from rules_spider.writers.base import ProjectFile, RenderContext, Rendered, cluster_file_stems
from rules_spider.writers.documents import RuleBlocks, cluster_document
from rules_spider.writers.frontmatter import yaml_frontmatter
from rules_spider.writers.globs import globs_for
from rules_spider.writers.markdown import utf16_length, when_to_apply

WINDSURF_MAX_CHARS = 6000


def windsurf_frontmatter(cluster: RuleCluster) -> str:
    globs = globs_for(cluster.technology)
    if globs:
        return yaml_frontmatter({"trigger": "glob", "globs": list(globs)})
    return yaml_frontmatter({"trigger": "model_decision", "description": when_to_apply(cluster)})


def _too_long_note(count: int, limit: int) -> str:
    noun = "rule is" if count == 1 else "rules are"
    return (
        f"_{count} {noun} longer than Windsurf's {limit:,}-character file limit even without "
        "an example, so they are left out here; the other rule formats include them._"
    )


def _no_example_note(count: int, limit: int) -> str:
    noun = "rule's example is" if count == 1 else "rules' examples are"
    return f"_{count} {noun} left out to keep this file within {limit:,} characters; see the source pages._"


class WindsurfWriter:
    name = "windsurf"
    max_chars = WINDSURF_MAX_CHARS

    def _document(
        self,
        cluster: RuleCluster,
        rules: Sequence[Rule],
        part: tuple[int, int],
        left_out: int,
        no_example: frozenset[str],
        head: str,
        blocks: RuleBlocks,
    ) -> str:
        notes = []
        if left_out:
            notes.append(_too_long_note(left_out, self.max_chars))
        shortened = sum(1 for r in rules if r.id in no_example)
        if shortened:
            notes.append(_no_example_note(shortened, self.max_chars))
        body = cluster_document(cluster, rules, part=part, notes=notes, without_example=no_example, blocks=blocks)
        return head + "\n" + body

    def render_cluster(self, cluster: RuleCluster, context: RenderContext) -> list[Rendered]:
        rules = list(cluster.rules)
        n = len(rules)
        worst_part = (n, n)  # the longest "(part i of N)" any file can get
        limit = self.max_chars
        head = windsurf_frontmatter(cluster)
        blocks = RuleBlocks()

        def fits(part_rules: Sequence[Rule], left_out: int, no_example: frozenset[str]) -> bool:
            text = self._document(cluster, part_rules, worst_part, left_out, no_example, head, blocks)
            return utf16_length(text) <= limit

        # Decide once per rule whether it fits a file alone, reserving room for every note.
        no_example: set[str] = set()
        kept: list[Rule] = []
        too_long: list[Rule] = []
        for rule in rules:
            if fits([rule], n, frozenset()):
                kept.append(rule)
            elif fits([rule], n, frozenset({rule.id})):
                no_example.add(rule.id)
                kept.append(rule)
            else:
                too_long.append(rule)
        frozen = frozenset(no_example)

        parts: list[list[Rule]] = []
        current: list[Rule] = []
        for rule in kept:
            left_out = len(too_long) if not parts else 0
            if not current or fits(current + [rule], left_out, frozen):
                current.append(rule)  # a rule alone always fits: checked above with every note
            else:
                parts.append(current)
                current = [rule]
        if current or not parts:
            parts.append(current)

        rendered = []
        for i, part_rules in enumerate(parts, start=1):
            left_out = len(too_long) if i == 1 else 0
            text = self._document(cluster, part_rules, (i, len(parts)), left_out, frozen, head, blocks)
            rendered.append(
                Rendered(
                    text,
                    tuple(r.id for r in part_rules),
                    tuple(r.id for r in too_long) if i == 1 else (),
                )
            )
        return rendered

    def project_files(self, clusters: Sequence[RuleCluster], context: RenderContext) -> list[ProjectFile]:
        stems = cluster_file_stems(clusters)
        files = []
        for cluster in clusters:
            stem = stems[(cluster.technology, cluster.index)]
            for i, part in enumerate(self.render_cluster(cluster, context), start=1):
                suffix = "" if i == 1 else f"-part{i}"
                files.append(ProjectFile(f".windsurf/rules/{stem}{suffix}.md", part))
        return files
