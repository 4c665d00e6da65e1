"""Batch quality metrics written to ``batch_results.json`` (``quality_metrics``).

All are heuristics computed from the clustering and the rules; none is a
fitted model's output.

* ``overall_coherence`` -- rule-weighted mean of cluster coherence::

      sum_c n_c * coherence_c / sum_c n_c      (clusters whose coherence is known)

  (cluster coherence = 0.6 * mean pairwise cosine + 0.4 * mean quality, see
  ``rules_spider.clustering``). None when no cluster has a coherence.
* ``technology_coverage`` -- share of the technologies the catalog names that
  got at least one rule::

      |{t in T_catalog : rules(t) >= 1}| / |T_catalog|

  (names compared case-insensitively). None when the catalog names none.
* ``rule_diversity`` -- normalised Shannon entropy of rules over clusters::

      p_c = n_c / N,  H = -sum_c p_c ln p_c,  diversity = H / ln k

  with ``k`` the number of non-empty clusters (all technologies together);
  0 when ``k <= 1``. 1 means rules spread evenly over clusters.
* ``semantic_richness`` -- how much of its page's topic vocabulary a rule
  carries, averaged over rules::

      K(r) = distinct keywords of rule r (lower-cased)
      V(p) = union of K(r') over all rules r' quoting page p
      richness = mean over rules with V(page(r)) non-empty of |K(r)| / |V(page(r))|

  Each ratio is in [0, 1] because K(r) is part of V(page(r)), so no cap is
  needed. A page that yields one rule gives that rule 1.0; a page whose
  rules each carry a small slice of its vocabulary scores low. None when no
  rule has keywords.
* ``mean_rule_quality`` -- mean ``quality_score`` of the rules that have one.
* ``composite_score`` -- the unweighted mean of ``overall_coherence``,
  ``technology_coverage``, ``rule_diversity`` and ``semantic_richness``
  (those that are not None).
* ``improvement_score`` -- relative change of the composite against the
  previous run's ``batch_results.json``::

      (composite_now - composite_prev) / composite_prev

  where both composites are recomputed over the components known in *both*
  runs (so a metric missing from one run does not count as a change). None
  when there is no previous run, no shared component, or ``composite_prev``
  is 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from rules_spider.clustering import RuleCluster
from rules_spider.items import Rule

COMPOSITE_KEYS = ("overall_coherence", "technology_coverage", "rule_diversity", "semantic_richness")


class QualityMetrics(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overall_coherence: float | None
    technology_coverage: float | None
    rule_diversity: float | None
    semantic_richness: float | None
    mean_rule_quality: float | None
    composite_score: float | None
    improvement_score: float | None


def overall_coherence(clusters: Iterable[RuleCluster]) -> float | None:
    weighted = [(c.size, c.coherence) for c in clusters if c.coherence is not None and c.size]
    total = sum(n for n, _ in weighted)
    if not total:
        return None
    return sum(n * coherence for n, coherence in weighted) / total


def technology_coverage(rule_technologies: Iterable[str], catalog_technologies: Iterable[str]) -> float | None:
    named = {t.strip().lower() for t in catalog_technologies if t and t.strip()}
    if not named:
        return None
    covered = {t.strip().lower() for t in rule_technologies} & named
    return len(covered) / len(named)


def rule_diversity(cluster_sizes: Iterable[int]) -> float:
    sizes = [n for n in cluster_sizes if n > 0]
    k = len(sizes)
    if k <= 1:
        return 0.0
    total = sum(sizes)
    entropy = -sum((n / total) * math.log(n / total) for n in sizes)
    return entropy / math.log(k)


def _keywords(rule: Rule) -> set[str]:
    return {k.strip().lower() for k in rule.keywords if k and k.strip()}


def semantic_richness(rules: Sequence[Rule]) -> float | None:
    vocabulary: dict[str, set[str]] = defaultdict(set)
    for rule in rules:
        vocabulary[rule.url] |= _keywords(rule)
    ratios = [len(_keywords(r)) / len(vocabulary[r.url]) for r in rules if vocabulary[r.url]]
    return sum(ratios) / len(ratios) if ratios else None


def mean_rule_quality(rules: Iterable[Rule]) -> float | None:
    scores = [r.quality_score for r in rules if r.quality_score is not None]
    return sum(scores) / len(scores) if scores else None


def composite_score(metrics: Mapping[str, Any], keys: Sequence[str] = COMPOSITE_KEYS) -> float | None:
    values = [float(metrics[k]) for k in keys if isinstance(metrics.get(k), int | float)]
    return sum(values) / len(values) if values else None


def improvement_score(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> float | None:
    if not previous:
        return None
    shared = [
        k
        for k in COMPOSITE_KEYS
        if isinstance(current.get(k), int | float) and isinstance(previous.get(k), int | float)
    ]
    now, before = composite_score(current, shared), composite_score(previous, shared)
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before


def quality_metrics(
    clusters: Sequence[RuleCluster],
    catalog_technologies: Iterable[str],
    previous_results: Mapping[str, Any] | None = None,
) -> QualityMetrics:
    """All metrics for a batch; ``previous_results`` is the last batch_results.json."""
    rules = [r for c in clusters for r in c.rules]
    values: dict[str, float | None] = {
        "overall_coherence": overall_coherence(clusters),
        "technology_coverage": technology_coverage((c.technology for c in clusters), catalog_technologies),
        "rule_diversity": rule_diversity(c.size for c in clusters),
        "semantic_richness": semantic_richness(rules),
    }
    previous = (previous_results or {}).get("quality_metrics") if previous_results else None
    return QualityMetrics(
        **values,
        mean_rule_quality=mean_rule_quality(rules),
        composite_score=composite_score(values),
        improvement_score=improvement_score(values, previous if isinstance(previous, Mapping) else None),
    )
