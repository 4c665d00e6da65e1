"""Markdown documents built from rule groups: a heading, where the rules come from, the rules.

A group with one cluster lists its rules under the heading; a group with
several clusters gives each cluster a subheading. Nothing here adds text that
is not derived from the rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules_spider.clusters import RuleCluster
from rules_spider.items import Rule
from rules_spider.writers.activation import Activation, infer_activation
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.markdown import join_names, rule_markdown


class RuleBlocks:
    """Each rule's markdown rendered once per heading level and example choice, and each group's
    activation inferred once.

    Size fitting renders the same rules many times; this keeps it linear. Kept for one build pass, the
    cache serves every writer of the pass: rules sharing an id there share their text.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, int, bool], str] = {}
        self._activations: dict[tuple, Activation] = {}

    def activation(self, group: RuleGroup) -> Activation:
        """``infer_activation(group)``, for a group of these rules, keywords and sources."""
        key = (group.technology, group.keywords, group.sources, tuple(rule.id for rule in group.rules))
        found = self._activations.get(key)
        if found is None:
            found = self._activations[key] = infer_activation(group)
        return found

    def get(self, rule: Rule, level: int, with_example: bool = True) -> str:
        key = (rule.technology, rule.id, level, with_example)
        block = self._cache.get(key)
        if block is None:
            block = self._cache[key] = rule_markdown(rule, level, with_example=with_example)
        return block


SUMMARY_SUFFIX = ", highest priority first."


def summary_line(sources: Sequence[str], count: int) -> str:
    """Where the rules come from and how many there are (facts, no advice)."""
    noun = "rule" if count == 1 else "rules"
    names = join_names(sources)
    origin = f" from the {names} documentation" if names else ""
    return f"{count} {noun}{origin}{SUMMARY_SUFFIX}"


def grouped(group: RuleGroup, rules: Sequence[Rule]) -> list[tuple[RuleCluster, list[Rule]]]:
    """``rules`` back under the group's clusters, in cluster order and in the order given."""
    # A rule knows its cluster (technology, index): bucket the part's rules, not every rule of every cluster
    # (documents of a big cluster are rendered many times while its files are packed).
    buckets: dict[tuple[str, int | None], list[Rule]] = {}
    for rule in rules:
        buckets.setdefault((rule.technology, rule.cluster), []).append(rule)
    out = []
    for cluster in group.clusters:
        members = buckets.get((cluster.technology, cluster.index))
        if members:
            out.append((cluster, members))
    return out


def group_document(
    group: RuleGroup,
    rules: Sequence[Rule],
    *,
    level: int = 1,
    part: tuple[int, int] | None = None,
    notes: Sequence[str] = (),
    without_example: frozenset[str] = frozenset(),
    files_line: str | None = None,
    blocks: RuleBlocks | None = None,
) -> str:
    """Heading, provenance line, optional notes, then the rules (by cluster when several)."""
    title = group.title
    if part is not None and part[1] > 1:
        title += f" (part {part[0]} of {part[1]})"
    present = {r.source_name for r in rules}
    sources = [s for s in group.sources if s in present] or list(group.sources)
    parts = [f"{'#' * level} {title}", summary_line(sources, len(rules))]
    if files_line:
        parts.append(files_line)
    parts.extend(notes)
    cache = blocks or RuleBlocks()
    sections = grouped(group, rules)
    for cluster, members in sections:
        rule_level = level + 1
        if len(group.clusters) > 1:
            parts.append(f"{'#' * (level + 1)} Topic: {cluster.name}")
            rule_level = level + 2
        parts.extend(cache.get(r, rule_level, r.id not in without_example) for r in members)
    return "\n\n".join(parts) + "\n"
