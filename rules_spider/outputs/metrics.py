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

Every metric is a sum over clusters, technologies or pages, so the build adds one
technology's clustering at a time (``MetricSums``, ``ImprovementSums``: each technology's
sums are made apart, possibly in a worker process, and merged in technology order) and
never holds every rule.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from rules_spider import settings as defaults
from rules_spider.clusters import Clustering, RuleCluster
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

    rules: Sequence[Rule]
    pages: list[PageRecord]

    def iter_rules(self) -> Iterator[Rule]:
        return iter(self.rules)


def _words(text: str) -> str:
    return f" {_NON_WORD.sub(' ', text.lower()).strip()} "


def technology_coverage(rule_technologies: Iterable[str], catalog_technologies: Iterable[str]) -> float | None:
    named = {t.strip().lower() for t in catalog_technologies if t and t.strip()}
    if not named:
        return None
    covered = {t.strip().lower() for t in rule_technologies} & named
    return len(covered) / len(named)


class PageKeywords:
    """The crawled pages' keywords as richness compares them (``_words``), per page and by URL."""

    def __init__(self, pages: Iterable[PageRecord]) -> None:
        self.pages: list[tuple[str, set[str]]] = []
        self.by_url: dict[str, set[str]] = {}
        for page in pages:
            keywords = {_words(k) for k in page.keywords if _words(k).strip()}
            self.pages.append((page.url, keywords))
            self.by_url.setdefault(page.url, set()).update(keywords)


class MetricSums:
    """The sums behind the batch metrics, added clustering by clustering (one technology or several).

    ``fresh`` gives empty sums over the same pages (a technology's, made apart) and ``merge`` adds
    them in: merged in technology order, the figures do not depend on where each was made.
    """

    def __init__(self, catalog_technologies: Iterable[str] = (), pages: Sequence[PageRecord] | None = None):
        self.catalog_technologies = tuple(catalog_technologies)
        self.keywords = PageKeywords(pages) if pages is not None else None
        self.technologies: set[str] = set()
        self._coherence = [0, 0.0]  # rules, sum of rules * coherence (clusters of two or more rules)
        self._diversity = [0, 0.0]  # rules, sum of rules * (1 - similarity) (technologies of two or more)
        self._quality = [0, 0.0]  # scored rules, sum of scores
        # Richness: the keywords of each page that a rule from that page carries.
        self._carried: dict[str, set[str]] = defaultdict(set)

    def fresh(self) -> MetricSums:
        """Empty sums over the same catalog and pages."""
        sums = MetricSums(self.catalog_technologies)
        sums.keywords = self.keywords
        return sums

    def detached(self) -> MetricSums:
        """These sums without the pages they are over, to be merged into sums that have them (``merge``
        reads none): sent back from a worker process, the pages would be copied with every technology."""
        sums = copy.copy(self)
        sums.keywords = None
        return sums

    def merge(self, other: MetricSums) -> None:
        self.technologies |= other.technologies
        for mine, theirs in ((self._coherence, other._coherence), (self._diversity, other._diversity),
                             (self._quality, other._quality)):  # fmt: skip
            mine[0] += theirs[0]
            mine[1] += theirs[1]
        for url, carried in other._carried.items():
            self._carried[url] |= carried

    def add(self, clustering: Clustering) -> None:
        self.add_clusters(clustering.clusters)
        sizes: dict[str, int] = defaultdict(int)
        for cluster in clustering.clusters:
            sizes[cluster.technology] += cluster.size
        for technology, similarity in clustering.technology_similarity.items():
            if similarity is not None and sizes[technology] >= 2:
                self._diversity[0] += sizes[technology]
                self._diversity[1] += sizes[technology] * (1.0 - similarity)

    def add_clusters(self, clusters: Iterable[RuleCluster]) -> None:
        for cluster in clusters:
            self.technologies.add(cluster.technology)
            if cluster.size >= 2 and cluster.coherence is not None:
                self._coherence[0] += cluster.size
                self._coherence[1] += cluster.size * cluster.coherence
            self.add_rules(cluster.rules)

    def add_rules(self, rules: Iterable[Rule]) -> None:
        for rule in rules:
            if rule.quality_score is not None:
                self._quality[0] += 1
                self._quality[1] += rule.quality_score
            if self.keywords is None:
                continue
            text: str | None = None
            for url in dict.fromkeys([rule.url, *rule.urls]):
                keywords = self.keywords.by_url.get(url)
                if not keywords:
                    continue
                carried = self._carried[url]
                missing = keywords - carried
                if missing:
                    text = text or _words(f"{rule.title} {rule.body} {rule.evidence}")
                    carried.update(k for k in missing if k in text)

    def overall_coherence(self) -> float | None:
        rules, total = self._coherence
        return total / rules if rules else None

    def rule_diversity(self) -> float | None:
        rules, total = self._diversity
        return total / rules if rules else None

    def semantic_richness(self) -> float | None:
        if self.keywords is None:
            return None
        total = sum(len(keywords) for _, keywords in self.keywords.pages)
        carried = sum(len(keywords & self._carried.get(url, set())) for url, keywords in self.keywords.pages)
        return carried / total if total else None

    def mean_rule_quality(self) -> float | None:
        scored, total = self._quality
        return total / scored if scored else None

    def components(self) -> dict[str, float | None]:
        """The four components of the composite."""
        return {
            "overall_coherence": self.overall_coherence(),
            "technology_coverage": technology_coverage(self.technologies, self.catalog_technologies),
            "rule_diversity": self.rule_diversity(),
            "semantic_richness": self.semantic_richness(),
        }


def overall_coherence(clusters: Iterable[RuleCluster]) -> float | None:
    sums = MetricSums()
    sums.add_clusters(clusters)
    return sums.overall_coherence()


def rule_diversity(clustering: Clustering) -> float | None:
    sums = MetricSums()
    sums.add(clustering)
    return sums.rule_diversity()


def semantic_richness(rules: Sequence[Rule], pages: Sequence[PageRecord] | None) -> float | None:
    sums = MetricSums(pages=pages)
    sums.add_rules(rules)
    return sums.semantic_richness()


def mean_rule_quality(rules: Iterable[Rule]) -> float | None:
    sums = MetricSums()
    sums.add_rules(rules)
    return sums.mean_rule_quality()


def composite_score(metrics: Mapping[str, Any], keys: Sequence[str] = COMPOSITE_KEYS) -> float | None:
    values = [float(metrics[k]) for k in keys if isinstance(metrics.get(k), int | float)]
    return sum(values) / len(values) if values else None


def component_metrics(
    clustering: Clustering, catalog_technologies: Iterable[str], pages: Sequence[PageRecord] | None
) -> dict[str, float | None]:
    """The four components of the composite."""
    sums = MetricSums(catalog_technologies, pages)
    sums.add(clustering)
    return sums.components()


class ImprovementSums:
    """Both runs' components over the pages both crawled, added one technology at a time.

    ``shared`` is empty when there is nothing to compare (then ``score`` is None).
    """

    def __init__(
        self,
        pages: Sequence[PageRecord],
        previous_pages: Sequence[PageRecord],
        catalog_technologies: Sequence[str],
        *,
        max_clusters: int = defaults.RULES_MAX_CLUSTERS,
        random_state: int = defaults.RULES_CLUSTER_RANDOM_STATE,
    ) -> None:
        self.shared = frozenset({p.url for p in pages} & {p.url for p in previous_pages})
        self.max_clusters = max_clusters
        self.random_state = random_state
        self.now = MetricSums(catalog_technologies, [p for p in pages if p.url in self.shared])
        self.before = MetricSums(catalog_technologies, [p for p in previous_pages if p.url in self.shared])

    def fresh(self) -> ImprovementSums:
        """Empty sums over the same pages (see ``MetricSums.fresh``)."""
        sums = copy.copy(self)
        sums.now, sums.before = self.now.fresh(), self.before.fresh()
        return sums

    def detached(self) -> ImprovementSums:
        """These sums without the pages they are over (see ``MetricSums.detached``)."""
        sums = copy.copy(self)
        sums.shared = frozenset()
        sums.now, sums.before = self.now.detached(), self.before.detached()
        return sums

    def merge(self, other: ImprovementSums) -> None:
        self.now.merge(other.now)
        self.before.merge(other.before)

    def on_shared_pages(self, rules: Iterable[Rule]) -> list[Rule]:
        return [r for r in rules if self.shared.intersection([r.url, *r.urls])]

    def clustered(self, rules: Sequence[Rule]) -> Clustering:
        from rules_spider.clustering import cluster_rules  # in the technology's pass (see technology_pass)

        return cluster_rules(rules, max_clusters=self.max_clusters, random_state=self.random_state)

    def add(self, now: Clustering, previous_rules: Iterable[Rule]) -> None:
        """This run's clustering of some technologies and the previous run's rules of the same ones."""
        rules = now.rules
        kept = self.on_shared_pages(rules)
        # Every rule is on a shared page (a crawl of the same site): the same rules cluster the same way.
        self.now.add(now if len(kept) == len(rules) else self.clustered(kept))
        self.before.add(self.clustered(self.on_shared_pages(previous_rules)))

    def score(self) -> float | None:
        if not self.shared:
            return None
        now, before = self.now.components(), self.before.components()
        known = [k for k in COMPOSITE_KEYS if now[k] is not None and before[k] is not None]
        now_score, before_score = composite_score(now, known), composite_score(before, known)
        if now_score is None or before_score is None or before_score == 0:
            return None
        return (now_score - before_score) / before_score


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
    sums = ImprovementSums(pages, previous.pages, catalog_technologies, max_clusters=max_clusters,
                           random_state=random_state)  # fmt: skip
    if sums.shared:
        sums.add(sums.clustered(sums.on_shared_pages(rules)), previous.iter_rules())
    return sums.score()


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
    sums = MetricSums(catalog_technologies, pages)
    sums.add(clustering)
    improvement = improvement_score(
        clustering.rules, pages, previous, catalog_technologies, max_clusters=max_clusters, random_state=random_state
    )
    return metrics_from(sums, improvement)


def metrics_from(sums: MetricSums, improvement: float | None) -> QualityMetrics:
    values = sums.components()
    return QualityMetrics(
        **values,
        mean_rule_quality=sums.mean_rule_quality(),
        composite_score=composite_score(values),
        improvement_score=improvement,
    )
