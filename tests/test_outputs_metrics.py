from __future__ import annotations

import dataclasses
import math

import pytest

from rules_spider.clustering import RuleCluster
from rules_spider.outputs.metrics import (
    composite_score,
    improvement_score,
    overall_coherence,
    quality_metrics,
    rule_diversity,
    semantic_richness,
    technology_coverage,
)
from rules_spider.outputs.batch_results import CatalogInfo, SourceInfo, failures_from, source_rows
from tests.test_outputs_fixtures import make_rule


def cluster(technology: str, size: int, coherence: float | None, index: int = 0) -> RuleCluster:
    rules = tuple(make_rule(technology, "t", f"Passage {n}.", n) for n in range(size))
    return RuleCluster(technology, index, "t", ("t",), rules, None, None, coherence)


def test_overall_coherence_is_rule_weighted():
    clusters = [cluster("python", 3, 0.9), cluster("go", 1, 0.5), cluster("go", 4, None, 1)]
    assert overall_coherence(clusters) == pytest.approx((3 * 0.9 + 1 * 0.5) / 4)
    assert overall_coherence([cluster("go", 2, None)]) is None


def test_technology_coverage():
    assert technology_coverage(["python", "Go"], ["python", "go", "rust", "java"]) == 0.5
    assert technology_coverage(["python", "elixir"], ["Python"]) == 1.0
    assert technology_coverage(["python"], []) is None


def test_rule_diversity_is_normalised_entropy():
    assert rule_diversity([5, 5, 5, 5]) == pytest.approx(1.0)
    assert rule_diversity([10]) == 0.0
    assert rule_diversity([]) == 0.0
    p = [0.75, 0.25]
    assert rule_diversity([3, 1]) == pytest.approx(-sum(x * math.log(x) for x in p) / math.log(2))
    assert rule_diversity([3, 1, 0]) == rule_diversity([3, 1])


def test_semantic_richness_share_of_page_vocabulary():
    base = make_rule("python", "t", "Passage.", 0)
    url_a, url_b = "https://e.org/a", "https://e.org/b"
    rules = [
        dataclasses.replace(base, id="1", url=url_a, keywords=["x", "y"]),
        dataclasses.replace(base, id="2", url=url_a, keywords=["y", "z", "w", "X"]),  # page a: {x, y, z, w}
        dataclasses.replace(base, id="3", url=url_b, keywords=["q"]),  # page b: {q}
        dataclasses.replace(base, id="4", url=url_b, keywords=[]),
    ]
    expected = (2 / 4 + 4 / 4 + 1 / 1 + 0 / 1) / 4
    assert semantic_richness(rules) == pytest.approx(expected)
    assert semantic_richness([dataclasses.replace(base, keywords=[])]) is None
    assert 0 <= semantic_richness(rules) <= 1


def test_improvement_score_relative_to_previous_composite():
    now = {"overall_coherence": 0.8, "technology_coverage": 1.0, "rule_diversity": 0.6, "semantic_richness": None}
    before = {"overall_coherence": 0.6, "technology_coverage": 1.0, "rule_diversity": 0.5, "semantic_richness": 0.9}
    shared_now, shared_before = (0.8 + 1.0 + 0.6) / 3, (0.6 + 1.0 + 0.5) / 3
    assert improvement_score(now, before) == pytest.approx((shared_now - shared_before) / shared_before)
    assert improvement_score(now, None) is None
    assert improvement_score(now, {"overall_coherence": 0.0}) is None
    assert composite_score(now) == pytest.approx(shared_now)


def test_quality_metrics_reads_previous_batch_results():
    clusters = [cluster("python", 3, 0.9), cluster("go", 1, 0.5)]
    first = quality_metrics(clusters, ["python", "go"])
    assert first.improvement_score is None
    previous = {"quality_metrics": first.model_dump()}
    second = quality_metrics([cluster("python", 3, 0.45), cluster("go", 1, 0.25)], ["python", "go"], previous)
    assert second.improvement_score < 0


def test_source_failures_and_rows():
    catalog = CatalogInfo("c", ("python", "go"), (SourceInfo("A", "python"), SourceInfo("B", "go"), SourceInfo("C", "go")))
    stats = {"sources": {"A": {"pages_crawled": 3}, "B": {"pages_crawled": 0}, "C": {"pages_crawled": 2, "error": "HTTP 500"}},
             "sources_failed": {"X": "not in catalog"}}
    assert failures_from(stats) == {"X": "not in catalog", "C": "HTTP 500"}
    rows = {r.name: r for r in source_rows(catalog, {"A": 4, "Z": 1}, stats)}
    assert not rows["A"].failed and rows["A"].rules == 4 and rows["A"].pages_crawled == 3
    assert rows["B"].failed and rows["B"].reason == "no pages crawled"
    assert rows["C"].reason == "HTTP 500"
    assert rows["Z"].technology is None and rows["Z"].rules == 1
