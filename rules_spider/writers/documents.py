"""Markdown documents built from clusters, and fitting them into size limits.

Size limits are met by leaving whole rules out (the lowest quality first, with
a note saying how many) or by splitting between rules; a rule's text is never
cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rules_spider.clustering import RuleCluster
from rules_spider.items import Rule
from rules_spider.writers.globs import globs_for
from rules_spider.writers.markdown import (
    Measure,
    cluster_summary,
    cluster_title,
    rule_markdown,
)

Render = Callable[[Sequence[Rule], int], str]


class RuleBlocks:
    """Each rule's markdown rendered once per heading level and example choice.

    Size fitting renders the same rules many times; this keeps it linear.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, int, bool], str] = {}

    def get(self, rule: Rule, level: int, with_example: bool = True) -> str:
        key = (rule.technology, rule.id, level, with_example)
        block = self._cache.get(key)
        if block is None:
            block = self._cache[key] = rule_markdown(rule, level, with_example=with_example)
        return block


def cluster_document(
    cluster: RuleCluster,
    rules: Sequence[Rule],
    *,
    level: int = 1,
    part: tuple[int, int] | None = None,
    notes: Sequence[str] = (),
    without_example: frozenset[str] = frozenset(),
    show_globs: bool = False,
    blocks: RuleBlocks | None = None,
) -> str:
    """Heading, provenance line, optional notes, then each rule one level down."""
    title = cluster_title(cluster)
    if part is not None and part[1] > 1:
        title += f" (part {part[0]} of {part[1]})"
    parts = [f"{'#' * level} {title}", cluster_summary(cluster, shown=len(rules))]
    globs = globs_for(cluster.technology)
    if show_globs and globs:
        parts.append("Files: " + ", ".join(f"`{g}`" for g in globs))
    parts.extend(notes)
    cache = blocks or RuleBlocks()
    parts.extend(cache.get(rule, level + 1, rule.id not in without_example) for rule in rules)
    return "\n\n".join(parts) + "\n"


def fit_by_dropping(
    rules: Sequence[Rule], render: Render, measure: Measure, limit: int
) -> tuple[str, list[Rule], list[Rule]]:
    """Keep the longest prefix of ``rules`` (best first) whose rendering fits ``limit``.

    ``render(kept, left_out_count)`` must grow with ``len(kept)`` when
    ``left_out_count > 0``. Returns (text, kept, left out). When even no rule
    fits, the text for zero rules is returned and the caller sees it is over.
    """
    everything = render(rules, 0)
    if measure(everything) <= limit:
        return everything, list(rules), []
    n = len(rules)
    low, high = 0, n - 1  # invariant: the answer is in [low, high]
    while low < high:
        mid = (low + high + 1) // 2
        if measure(render(rules[:mid], n - mid)) <= limit:
            low = mid
        else:
            high = mid - 1
    return render(rules[:low], n - low), list(rules[:low]), list(rules[low:])


def group_kept(clusters: Sequence[RuleCluster], kept: Sequence[Rule]) -> list[tuple[RuleCluster, list[Rule]]]:
    """Kept rules back under their clusters, in cluster order and quality order."""
    wanted = {(r.technology, r.id) for r in kept}
    grouped = []
    for cluster in clusters:
        rules = [r for r in cluster.rules if (r.technology, r.id) in wanted]
        if rules:
            grouped.append((cluster, rules))
    return grouped
