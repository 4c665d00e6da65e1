from __future__ import annotations

import dataclasses
import itertools
import math
import random
import time

import numpy as np
import pytest
from scipy import sparse
from sklearn.preprocessing import normalize

from rules_spider.clustering import cluster_rules, mean_pairwise_cosine, n_clusters_for
from rules_spider.items import Rule
from tests.test_outputs_fixtures import make_rule, sample_rules


@pytest.mark.parametrize(
    ("n", "max_clusters", "expected"),
    [(0, 8, 0), (1, 8, 1), (2, 8, 2), (3, 8, 2), (8, 8, 2), (9, 8, 3), (15, 8, 5), (24, 8, 8), (500, 8, 8), (500, 4, 4), (3, 1, 1)],
)
def test_n_clusters_formula(n, max_clusters, expected):
    assert n_clusters_for(n, max_clusters) == expected


def test_cluster_counts_follow_the_formula_on_distinct_texts():
    rules = [make_rule("python", f"topic{n}", f"Passage number {n} about feature{n} and option{n}.", n) for n in range(30)]
    clustering = cluster_rules(rules, max_clusters=8)
    assert len(clustering.clusters) == n_clusters_for(30, 8) == 8
    assert len(cluster_rules(rules[:12], max_clusters=8).clusters) == 4


def test_cluster_counts_follow_the_formula_per_technology():
    rules = sample_rules(200)
    clustering = cluster_rules(rules, max_clusters=8)
    per_tech = clustering.by_technology()
    sizes = {t: sum(c.size for c in cs) for t, cs in per_tech.items()}
    assert sum(sizes.values()) == 200
    for technology, clusters in per_tech.items():
        # KMeans cannot make more non-empty clusters than there are distinct texts.
        distinct = len({(r.title, r.body, tuple(r.keywords)) for c in clusters for r in c.rules})
        assert len(clusters) == min(n_clusters_for(sizes[technology], 8), distinct)
        assert [c.index for c in clusters] == list(range(len(clusters)))
        assert [c.size for c in clusters] == sorted((c.size for c in clusters), reverse=True)
        assert all(r.cluster == c.index for c in clusters for r in c.rules)


def test_one_rule_is_one_cluster_without_a_coherence():
    rule = make_rule("python", "async", "Use async def only for non-blocking code.", 1, quality=0.8)
    (cluster,) = cluster_rules([rule]).clusters
    assert cluster.size == 1
    assert cluster.mean_similarity is None and cluster.coherence is None  # no pair to compare
    assert cluster.mean_quality == pytest.approx(0.8)


def test_two_rules_are_two_clusters():
    rules = [
        make_rule("go", "errors", "Wrap errors with %w.", 1),
        make_rule("go", "concurrency", "Close channels from the sender.", 2),
    ]
    assert len(cluster_rules(rules).clusters) == 2


def test_identical_rules_leave_no_empty_cluster():
    rules = [make_rule("rust", "ownership", "Borrow instead of cloning large values.", n) for n in range(12)]
    rules = [dataclasses.replace(r, title="Borrow", keywords=["borrow"], urls=[]) for r in rules]
    clustering = cluster_rules(rules)
    assert len(clustering.clusters) == 1
    assert clustering.clusters[0].size == 12
    assert clustering.clusters[0].mean_similarity == pytest.approx(1.0)


def test_rules_without_usable_terms_form_one_cluster():
    rules = [
        Rule(id=f"id{n}", title="the", body="and it is", technology="x", framework=None, source_name="S",
             url="https://e.org/", evidence="and it is", quality_score=0.5)
        for n in range(6)
    ]
    (cluster,) = cluster_rules(rules).clusters
    assert cluster.mean_similarity is None and cluster.coherence is None
    assert cluster.name == "x rules"


def test_deterministic_and_independent_of_input_order():
    rules = sample_rules(150)
    first = cluster_rules(rules)
    shuffled = rules[:]
    random.Random(3).shuffle(shuffled)
    second = cluster_rules(shuffled)
    assert first == second


def test_rules_ordered_by_quality_within_a_cluster():
    base = [make_rule("python", "async", "Blocking drivers must run in def functions.", n) for n in range(5)]
    scores = [0.2, None, 0.9, 0.5, 0.9]
    rules = [dataclasses.replace(r, quality_score=s, title="Blocking drivers", keywords=["blocking"]) for r, s in zip(base, scores)]
    (cluster,) = cluster_rules(rules, max_clusters=1).clusters
    ordered = [r.quality_score for r in cluster.rules]
    assert ordered == [0.9, 0.9, 0.5, 0.2, None]
    tied = [r.id for r in cluster.rules[:2]]
    assert tied == sorted(tied)


def test_mean_pairwise_cosine_hand_example():
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    # pairs: (1,2)=0, (1,3)=0.6, (2,3)=0.8 -> mean 1.4/3
    assert mean_pairwise_cosine(rows) == pytest.approx(1.4 / 3)
    assert mean_pairwise_cosine(sparse.csr_matrix(rows)) == pytest.approx(1.4 / 3)
    assert mean_pairwise_cosine(rows[:1]) is None


def test_centroid_trick_matches_all_pairs():
    rng = np.random.default_rng(0)
    dense = rng.random((40, 30)) * (rng.random((40, 30)) > 0.7)
    dense[5] = 0  # a rule with no usable term has a zero row
    matrix = sparse.csr_matrix(normalize(dense))
    brute = [float(matrix[i].multiply(matrix[j]).sum()) for i, j in itertools.combinations(range(40), 2)]
    assert mean_pairwise_cosine(matrix) == pytest.approx(sum(brute) / len(brute))


def test_names_and_keywords_come_from_the_centroid():
    clustering = cluster_rules(sample_rules(200))
    for cluster in clustering.clusters:
        assert 1 <= len(cluster.keywords) <= 8
        assert cluster.name == ", ".join(cluster.keywords[:3])
        text = " ".join(f"{r.title} {r.body} {' '.join(r.keywords)}".lower() for r in cluster.rules)
        assert all(k in text for k in cluster.keywords)


def test_map_has_one_finite_point_per_rule():
    clustering = cluster_rules(sample_rules(90))
    assert len(clustering.points) == 90
    assert {p.rule_id for p in clustering.points} == {r.id for r in clustering.rules}
    assert all(math.isfinite(p.x) and math.isfinite(p.y) for p in clustering.points)
    tiny = cluster_rules([make_rule("go", "errors", "Wrap errors.", 1), make_rule("go", "errors", "Check errors.", 2)])
    assert len(tiny.points) == 2


def synthetic_rules(count: int, seed: int = 0) -> list[Rule]:
    rng = random.Random(seed)
    topics = {t: [f"{t}{i}" for i in range(40)] for t in ("routing", "auth", "cache", "orm", "tests", "deploy", "logs", "async")}
    common = "use the function when you need to call this method with a value and return the result".split()
    rules = []
    for i in range(count):
        topic = rng.choice(list(topics))
        words = rng.sample(topics[topic], 8) + rng.sample(common, 8)
        body = " ".join(rng.sample(words, len(words)))
        rules.append(
            Rule(id=f"{i:016x}", title=" ".join(words[:4]), body=body, technology=("python", "go")[i % 2],
                 framework=None, source_name="S", url=f"https://e.org/{i % 997}", evidence=body,
                 keywords=words[:4], quality_score=rng.random())
        )
    return rules


def test_twenty_thousand_rules_cluster_in_under_thirty_seconds(capsys):
    rules = synthetic_rules(20_000)
    start = time.perf_counter()
    clustering = cluster_rules(rules)
    elapsed = time.perf_counter() - start
    with capsys.disabled():
        print(f"\n[clustering] 20,000 rules -> {len(clustering.clusters)} clusters in {elapsed:.2f}s")
    assert len(clustering.rules) == 20_000
    assert len(clustering.clusters) == 16
    assert elapsed < 30
