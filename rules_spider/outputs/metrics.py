"""Batch quality metrics written to ``batch_results.json`` (``quality_metrics``).

All are heuristics computed from the clustering, the rules and the crawled
pages (``outputs.pages``); none is a fitted model's output. The four
components and the composite are in [0, 1], higher is better;
``improvement_score`` is a relative change (from -1 up, 0: no change). Each
moves down when the batch gets worse in the way its name says
(``tests/test_outputs_metrics.py`` has a case for each).
TF-IDF vectors are those of ``rules_spider.clustering`` (title, body and
keywords of a rule; rows L2-normalised).

* ``overall_coherence`` -- how much the rules of each cluster talk about the
  same thing: the rule-weighted mean, over clusters of two or more rules, of
  the cluster's mean pairwise cosine similarity::

      sum_c n_c * sim_c / sum_c n_c

  Down when a cluster mixes unrelated rules. None when no cluster has two rules.
* ``technology_coverage`` -- share of the technologies the catalog names that
  got at least one rule::

      |{t in T_catalog : rules(t) >= 1}| / |T_catalog|

  (names compared case-insensitively). Down when a technology yields no rule.
  None when the catalog names none.
* ``rule_diversity`` -- how different the rules of a technology are from one
  another: one minus the mean pairwise cosine similarity of all its rules,
  rule-weighted over technologies with two or more rules::

      sum_t n_t * (1 - sim_t) / sum_t n_t

  Down when rules repeat one another (near-duplicates, the same advice in
  other words). None when no technology has two rules.
* ``semantic_richness`` -- how much of what the crawled pages are about the
  rules carry: of all the crawled pages' keywords (each page's top TF-IDF
  terms), the share that occurs in the text (title, body, evidence) of a rule
  from that page::

      sum_p |{k in K(p) : k in text(rules of p)}| / sum_p |K(p)|

  over every crawled page, with rules or not. Down when rules are lost or
  quote less of their pages; it cannot rise by dropping rules. None without
  page records (a build from a rules.jsonl with no pages.jsonl).
* ``mean_rule_quality`` -- mean ``quality_score`` of the rules that have one
  (not part of the composite: the quality threshold bounds it from below).
* ``composite_score`` -- the unweighted mean of the four above (those known).
* ``improvement_score`` -- relative change of the composite against the
  previous run, both computed over the pages both runs crawled only (their
  rules re-clustered the same way)::

      (composite_now(P) - composite_prev(P)) / composite_prev(P),   P = pages_now & pages_prev

  over the components known in both. So a run that crawls more (or fewer)
  pages is compared on what it has in common with the last one. None
  without a previous run with page records, with no page in common, or when
  ``composite_prev(P)`` is 0.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from rules_spider import settings as defaults
from rules_spider.clustering import Clustering, RuleCluster, cluster_rules
from rules_spider.items import Rule
from rules_spider.outputs.pages import PageRecord

COMPOSITE_KEYS = ("overall_coherence", "technology_coverage", "rule_diversity", "semantic_richness")
# What each metric measures, for the report (label, meaning and range).
METRIC_MEANINGS: dict[str, tuple[str, str]] = {
    "overall_coherence": ("Overall coherence", "how much the rules of each cluster talk about the same thing: "
                          "mean pairwise TF-IDF cosine similarity within clusters, rule-weighted; 0-1"),
    "technology_coverage": ("Technology coverage", "share of the catalog's technologies with at least one rule; 0-1"),
    "rule_diversity": ("Rule diversity", "how different the rules of a technology are from one another: "
                       "1 - their mean pairwise cosine similarity, rule-weighted; 0-1"),
    "semantic_richness": ("Semantic richness", "share of the crawled pages' keywords that occur in a rule "
                          "from the same page; 0-1"),
    "mean_rule_quality": ("Mean rule quality", "mean quality score of the kept rules; threshold-1"),
    "composite_score": ("Composite", "mean of the four metrics above; 0-1"),
    "improvement_score": ("Improvement", "relative change of the composite against the previous run, "
                          "both over the pages both runs crawled; from -1 up, 0: no change"),
}
_NON_WORD = re.compile(r"[\W_]+")


class QualityMetrics(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overall_coherence: float | None
    technology_coverage: float | None
    rule_diversity: float | None
    semantic_richness: float | None
    mean_rule_quality: float | None
    composite_score: float | None
    improvement_score: float | None


@dataclass(frozen=True, slots=True)
class PreviousRun:
    """The rules and page records of the run a build replaces."""

    rules: list[Rule]
    pages: list[PageRecord]


def _weighted_mean(pairs: Iterable[tuple[int, float]]) -> float | None:
    pairs = list(pairs)
    total = sum(n for n, _ in pairs)
    return sum(n * value for n, value in pairs) / total if total else None


def overall_coherence(clusters: Iterable[RuleCluster]) -> float | None:
    return _weighted_mean((c.size, c.coherence) for c in clusters if c.size >= 2 and c.coherence is not None)


def technology_coverage(rule_technologies: Iterable[str], catalog_technologies: Iterable[str]) -> float | None:
    named = {t.strip().lower() for t in catalog_technologies if t and t.strip()}
    if not named:
        return None
    covered = {t.strip().lower() for t in rule_technologies} & named
    return len(covered) / len(named)


def rule_diversity(clustering: Clustering) -> float | None:
    sizes: dict[str, int] = defaultdict(int)
    for cluster in clustering.clusters:
        sizes[cluster.technology] += cluster.size
    return _weighted_mean(
        (sizes[t], 1.0 - similarity)
        for t, similarity in clustering.technology_similarity.items()
        if similarity is not None and sizes[t] >= 2
    )


def _words(text: str) -> str:
    return f" {_NON_WORD.sub(' ', text.lower()).strip()} "


def semantic_richness(rules: Sequence[Rule], pages: Sequence[PageRecord] | None) -> float | None:
    if pages is None:
        return None
    text_of_page: dict[str, list[str]] = defaultdict(list)
    for rule in rules:
        text = _words(f"{rule.title} {rule.body} {rule.evidence}")
        for url in dict.fromkeys([rule.url, *rule.urls]):
            text_of_page[url].append(text)
    carried = total = 0
    for page in pages:
        keywords = {_words(k) for k in page.keywords if _words(k).strip()}
        total += len(keywords)
        texts = text_of_page.get(page.url, ())
        carried += sum(1 for k in keywords if any(k in text for text in texts))
    return carried / total if total else None


def mean_rule_quality(rules: Iterable[Rule]) -> float | None:
    scores = [r.quality_score for r in rules if r.quality_score is not None]
    return sum(scores) / len(scores) if scores else None


def composite_score(metrics: Mapping[str, Any], keys: Sequence[str] = COMPOSITE_KEYS) -> float | None:
    values = [float(metrics[k]) for k in keys if isinstance(metrics.get(k), int | float)]
    return sum(values) / len(values) if values else None


def component_metrics(
    clustering: Clustering, catalog_technologies: Iterable[str], pages: Sequence[PageRecord] | None
) -> dict[str, float | None]:
    """The four components of the composite."""
    return {
        "overall_coherence": overall_coherence(clustering.clusters),
        "technology_coverage": technology_coverage((c.technology for c in clustering.clusters), catalog_technologies),
        "rule_diversity": rule_diversity(clustering),
        "semantic_richness": semantic_richness(clustering.rules, pages),
    }


def _components_on(
    rules: Sequence[Rule],
    pages: Sequence[PageRecord],
    shared: set[str],
    catalog_technologies: Sequence[str],
    max_clusters: int,
    random_state: int,
) -> dict[str, float | None]:
    kept = [r for r in rules if shared.intersection([r.url, *r.urls])]
    clustering = cluster_rules(kept, max_clusters=max_clusters, random_state=random_state)
    return component_metrics(clustering, catalog_technologies, [p for p in pages if p.url in shared])


def improvement_score(
    rules: Sequence[Rule],
    pages: Sequence[PageRecord] | None,
    previous: PreviousRun | None,
    catalog_technologies: Sequence[str],
    *,
    max_clusters: int = defaults.RULES_MAX_CLUSTERS,
    random_state: int = defaults.RULES_CLUSTER_RANDOM_STATE,
) -> float | None:
    """See the module docstring: the composite's relative change over the pages both runs crawled."""
    if previous is None or pages is None:
        return None
    shared = {p.url for p in pages} & {p.url for p in previous.pages}
    if not shared:
        return None
    now = _components_on(rules, pages, shared, catalog_technologies, max_clusters, random_state)
    before = _components_on(previous.rules, previous.pages, shared, catalog_technologies, max_clusters, random_state)
    known = [k for k in COMPOSITE_KEYS if now[k] is not None and before[k] is not None]
    now_score, before_score = composite_score(now, known), composite_score(before, known)
    if now_score is None or before_score is None or before_score == 0:
        return None
    return (now_score - before_score) / before_score


def quality_metrics(
    clustering: Clustering,
    catalog_technologies: Sequence[str],
    pages: Sequence[PageRecord] | None = None,
    previous: PreviousRun | None = None,
    *,
    max_clusters: int = defaults.RULES_MAX_CLUSTERS,
    random_state: int = defaults.RULES_CLUSTER_RANDOM_STATE,
) -> QualityMetrics:
    """All metrics for a batch; ``previous`` is the run this build replaces (for ``improvement_score``)."""
    values = component_metrics(clustering, catalog_technologies, pages)
    return QualityMetrics(
        **values,
        mean_rule_quality=mean_rule_quality(clustering.rules),
        composite_score=composite_score(values),
        improvement_score=improvement_score(
            clustering.rules,
            pages,
            previous,
            catalog_technologies,
            max_clusters=max_clusters,
            random_state=random_state,
        ),
    )
