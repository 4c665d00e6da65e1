"""Group rules into topical clusters per technology (pure, deterministic).

For each technology group of ``n`` rules:

* Text of a rule: ``title + body + keywords``, vectorised with TF-IDF
  (English stop words removed, sublinear tf, rows L2-normalised).
* Number of clusters: ``k = min(max(2, n // 3), max_clusters, n)``, so one rule
  gives one cluster and two rules give two. When the group has fewer distinct
  TF-IDF rows than ``k`` (duplicates), KMeans leaves clusters empty; empty
  clusters are dropped. A group whose text has no usable term at all is one
  cluster.
* KMeans with fixed ``random_state`` and ``n_init``; for a group of more than
  ``MINIBATCH_ABOVE`` rules, MiniBatchKMeans (same seed, batches of
  ``MINIBATCH_SIZE``), which keeps a 100,000-rule catalog's close step in
  seconds. Rules are sorted by id before vectorising, so the result does not
  depend on the order rules were crawled in.
* Mean pairwise cosine similarity of a cluster's ``m`` rows ``x_i`` (each of
  norm 1, or 0 for a rule with no usable term) without the O(m^2) pairs::

      S = sum_i x_i
      mean_sim = (||S||^2 - sum_i ||x_i||^2) / (m * (m - 1))

  since ``||S||^2 = sum_i ||x_i||^2 + sum_{i != j} x_i . x_j``.
* Coherence of a cluster is its mean pairwise cosine similarity, in [0, 1]:
  how much its rules talk about the same thing (0: no two rules share a
  term, 1: all say the same). Rule quality is not part of it (the quality
  filter keeps every score above the threshold, so it would only add a
  floor). A single-rule cluster has no pair to compare: ``None``.
* Similarity of a technology: the mean pairwise cosine similarity of all its
  rules (``Clustering.technology_similarity``), what ``rule_diversity`` is
  measured against.
* Name: the top three terms of the cluster's TF-IDF centroid; ``keywords``:
  its top eight terms.
* Rules inside a cluster are ordered by ``quality_score`` (highest first,
  unscored last), then by id. Clusters of a technology are numbered 0, 1, ...
  by size (largest first), then name.
* A 2-D map for the report: TruncatedSVD of the group's TF-IDF matrix (a dense
  SVD for groups too small for the randomized solver).
* Fits run on one thread (``threadpoolctl``): a technology's fit takes a fraction
  of a second, OpenMP threads competing for busy cores made it several times
  slower, and the result then cannot depend on the machine's number of cores.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

from rules_spider import settings as defaults
from rules_spider.clusters import Clustering, MapPoint, RuleCluster, quality_order
from rules_spider.items import Rule

# scikit-learn is imported inside the functions that fit: importing it takes seconds. What a clustering
# gives is in rules_spider.clusters, which imports no NumPy either.

NAME_TERMS = 3
KEYWORD_TERMS = 8
DEFAULT_N_INIT = 3
MINIBATCH_ABOVE = 5000
MINIBATCH_SIZE = 4096
# Terms start with a letter or underscore: version numbers and years are not topics.
TOKEN_PATTERN = r"(?u)\b[^\W\d]\w+\b"


def n_clusters_for(n_rules: int, max_clusters: int = defaults.RULES_MAX_CLUSTERS) -> int:
    """``min(max(2, n // 3), max_clusters, n)``; 0 for an empty group."""
    if n_rules <= 0:
        return 0
    if max_clusters < 1:
        raise ValueError(f"max_clusters must be at least 1, got {max_clusters}")
    return min(max(2, n_rules // 3), max_clusters, n_rules)


def mean_pairwise_cosine(rows: sparse.csr_matrix | np.ndarray) -> float | None:
    """Mean cosine similarity over all pairs of L2-normalised ``rows`` (None below 2 rows)."""
    m = rows.shape[0]
    if m < 2:
        return None
    total = np.asarray(rows.sum(axis=0)).ravel()
    if sparse.issparse(rows):
        own = float(rows.multiply(rows).sum())
    else:
        own = float(np.square(rows).sum())
    value = (float(total @ total) - own) / (m * (m - 1))
    # Non-negative TF-IDF rows give cosines in [0, 1]; clip float round-off only.
    return min(1.0, max(0.0, value))


def mean_quality(rules: Iterable[Rule]) -> float | None:
    scores = [r.quality_score for r in rules if r.quality_score is not None]
    return float(np.mean(scores)) if scores else None


def rule_text(rule: Rule) -> str:
    return "\n".join([rule.title, rule.body, " ".join(rule.keywords)])


def _top_terms(weights: np.ndarray, vocabulary: np.ndarray, count: int) -> tuple[str, ...]:
    nonzero = np.flatnonzero(weights > 0)
    if nonzero.size == 0:
        return ()
    # Vocabulary is alphabetical, so a stable sort breaks weight ties by term.
    order = nonzero[np.argsort(-weights[nonzero], kind="stable")]
    return tuple(str(vocabulary[i]) for i in order[:count])


def _vectorise(rules: Sequence[Rule]) -> tuple[sparse.csr_matrix, np.ndarray] | None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        stop_words="english",
        sublinear_tf=True,
        token_pattern=TOKEN_PATTERN,
        dtype=np.float64,
    )
    try:
        matrix = vectorizer.fit_transform([rule_text(r) for r in rules])
    except ValueError:  # empty vocabulary: nothing but stop words and numbers
        return None
    return matrix.tocsr(), vectorizer.get_feature_names_out()


def _labels(matrix: sparse.csr_matrix, k: int, random_state: int, n_init: int) -> np.ndarray:
    if k <= 1:
        return np.zeros(matrix.shape[0], dtype=int)
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.exceptions import ConvergenceWarning

    model = (
        MiniBatchKMeans(n_clusters=k, n_init=n_init, random_state=random_state, batch_size=MINIBATCH_SIZE)
        if matrix.shape[0] > MINIBATCH_ABOVE
        else KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
    )
    with warnings.catch_warnings():
        # Fewer distinct rows than k: the empty clusters are dropped below.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit_predict(matrix)


def _map_coordinates(matrix: sparse.csr_matrix | None, n: int, random_state: int) -> np.ndarray:
    if matrix is None or n < 2:
        return np.zeros((n, 2))
    if n > 2 and matrix.shape[1] > 2:
        from sklearn.decomposition import TruncatedSVD

        svd = TruncatedSVD(n_components=2, random_state=random_state)
        # Identical rows give zero total variance; only the unused variance ratio divides by it.
        with np.errstate(invalid="ignore", divide="ignore"):
            return svd.fit_transform(matrix)
    # Too small for the randomized solver: exact SVD of the (tiny) dense matrix.
    dense = matrix.toarray()
    u, s, _ = np.linalg.svd(dense, full_matrices=False)
    coords = u[:, :2] * s[:2]
    if coords.shape[1] < 2:
        coords = np.hstack([coords, np.zeros((n, 2 - coords.shape[1]))])
    return coords


def _cluster_group(
    technology: str,
    rules: list[Rule],
    *,
    max_clusters: int,
    random_state: int,
    n_init: int,
) -> tuple[list[RuleCluster], list[MapPoint], float | None]:
    vectorised = _vectorise(rules)
    n = len(rules)
    if vectorised is None:
        matrix, vocabulary = None, np.array([], dtype=object)
        labels = np.zeros(n, dtype=int)
    else:
        matrix, vocabulary = vectorised
        labels = _labels(matrix, n_clusters_for(n, max_clusters), random_state, n_init)

    drafts = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if matrix is not None:
            rows = matrix[members]
            centroid = np.asarray(rows.mean(axis=0)).ravel()
            similarity = mean_pairwise_cosine(rows)
        else:
            centroid, similarity = np.zeros(0), None
        keywords = _top_terms(centroid, vocabulary, KEYWORD_TERMS)
        name = ", ".join(keywords[:NAME_TERMS]) or f"{technology} rules"
        ordered = sorted((rules[i] for i in members), key=quality_order)
        drafts.append((members, name, keywords, ordered, similarity))

    drafts.sort(key=lambda d: (-len(d[0]), d[1], d[3][0].id))
    clusters: list[RuleCluster] = []
    cluster_of_row = np.zeros(n, dtype=int)
    for index, (members, name, keywords, ordered, similarity) in enumerate(drafts):
        cluster_of_row[members] = index
        quality = mean_quality(ordered)
        clusters.append(
            RuleCluster(
                technology=technology,
                index=index,
                name=name,
                keywords=keywords,
                rules=tuple(dataclasses.replace(r, cluster=index) for r in ordered),
                mean_similarity=similarity,
                mean_quality=quality,
            )
        )
    coords = _map_coordinates(matrix, n, random_state)
    points = [
        MapPoint(rule.id, technology, int(cluster_of_row[i]), float(coords[i, 0]), float(coords[i, 1]))
        for i, rule in enumerate(rules)
    ]
    group_similarity = mean_pairwise_cosine(matrix) if matrix is not None else None
    return clusters, points, group_similarity


def cluster_rules(
    rules: Iterable[Rule],
    *,
    max_clusters: int = defaults.RULES_MAX_CLUSTERS,
    random_state: int = defaults.RULES_CLUSTER_RANDOM_STATE,
    n_init: int = DEFAULT_N_INIT,
) -> Clustering:
    """Cluster ``rules`` per technology; see the module docstring for the method.

    Returned rules are copies with ``cluster`` set to their cluster's index
    within the technology. Rules sharing an id are kept once (the first seen).
    """
    groups: dict[str, dict[str, Rule]] = defaultdict(dict)
    for rule in rules:
        groups[rule.technology].setdefault(rule.id, rule)
    clusters: list[RuleCluster] = []
    points: list[MapPoint] = []
    similarity: dict[str, float | None] = {}
    with threadpool_limits(limits=1):
        for technology in sorted(groups):
            members = sorted(groups[technology].values(), key=lambda r: r.id)
            group_clusters, group_points, similarity[technology] = _cluster_group(
                technology,
                members,
                max_clusters=max_clusters,
                random_state=random_state,
                n_init=n_init,
            )
            clusters.extend(group_clusters)
            points.extend(group_points)
    return Clustering(tuple(clusters), tuple(points), similarity)
