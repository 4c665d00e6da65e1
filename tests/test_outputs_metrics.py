"""Batch metrics that mean what they say: each one goes down when the batch gets worse its way."""

from __future__ import annotations

import dataclasses

import pytest

from rules_spider.clustering import cluster_rules
from rules_spider.ids import rule_id
from rules_spider.items import Rule
from rules_spider.outputs.batch_results import CatalogInfo, SourceInfo, failures_from, source_rows
from rules_spider.outputs.metrics import (
    PreviousRun,
    composite_score,
    improvement_score,
    overall_coherence,
    quality_metrics,
    rule_diversity,
    semantic_richness,
    technology_coverage,
)
from rules_spider.outputs.pages import PageRecord

TECHNOLOGIES = ["python", "go"]


def rule(text: str, page: str = "a", technology: str = "python", quality: float = 0.7) -> Rule:
    url = f"https://docs.example.org/{page}"
    return Rule(id=rule_id(url, text), title=text.split(".")[0], body=text, technology=technology, framework=None,
                source_name="Docs", url=url, evidence=text, quality_score=quality, urls=[url])  # fmt: skip


def page(name: str, *keywords: str, technology: str = "python") -> PageRecord:
    return PageRecord(f"https://docs.example.org/{name}", "Docs", technology, keywords)


SESSION_RULES = [
    rule(f"Close the session {word} after use.", "sessions")
    for word in ("pool", "client", "cursor", "transaction", "socket", "stream", "handle", "connection")
]
# Loosely related rules of modest quality: one topic, few shared words.
SESSION_ADVICE = [
    rule(text, "sessions", quality=0.6)
    for text in (
        "Open one session per worker thread and reuse its pool.",
        "Never share a session between processes after fork.",
        "Log the session identifier with every retried request.",
        "Expire idle session cookies after thirty minutes.",
        "Store session secrets outside the repository.",
        "Bind the session to the tenant before querying rows.",
        "Flush pending session writes before shutdown.",
        "Prefer short session lifetimes for admin users.",
    )
]
OTHER_TOPICS = [
    rule("Pin dependency versions in production.", "deps"),
    rule("Set timeouts on every outbound request.", "http"),
    rule("Escape user input before rendering templates.", "templates"),
    rule("Rotate credentials stored in environment variables.", "secrets"),
]


def one_cluster(rules: list[Rule]):
    return cluster_rules(rules, max_clusters=1)


def test_coherence_goes_down_when_an_off_topic_rule_joins_a_cluster():
    for topic in (SESSION_RULES, SESSION_ADVICE):
        tight = one_cluster(topic)
        # An excellent rule about something else must not make the cluster look more coherent
        # (0.6 * similarity + 0.4 * quality rose here for SESSION_ADVICE: 0.262 -> 0.277).
        mixed = one_cluster([*topic, rule("Render charts with the plotting backend.", "charts", quality=1.0)])
        assert overall_coherence(mixed.clusters) < overall_coherence(tight.clusters)
    # A cluster of one rule has no coherence; a lone rule is not a perfectly coherent topic.
    assert overall_coherence(one_cluster(SESSION_RULES[:1]).clusters) is None


def test_coverage_goes_down_when_a_technology_gets_no_rule():
    assert technology_coverage(["python", "Go"], ["python", "go", "rust", "java"]) == 0.5
    assert technology_coverage(["python"], ["python", "go", "rust", "java"]) == 0.25
    assert technology_coverage(["python"], []) is None


def test_diversity_goes_down_when_rules_repeat_one_another():
    varied = cluster_rules([*OTHER_TOPICS, SESSION_RULES[0]])
    # Five more ways to say "close the session" (the entropy of cluster sizes rose here: 0.72 -> 0.82).
    repetitive = cluster_rules([*OTHER_TOPICS, *SESSION_RULES[:6]])
    assert rule_diversity(repetitive) < rule_diversity(varied)
    assert rule_diversity(cluster_rules(OTHER_TOPICS[:1])) is None


def test_richness_goes_down_when_rules_are_lost():
    pages = [page("sessions", "session", "pool", "client", "cursor", "retry"), page("deps", "dependency", "lockfile")]
    kept = [SESSION_RULES[0], SESSION_RULES[1], OTHER_TOPICS[0]]
    full = semantic_richness(kept, pages)
    assert full == pytest.approx((3 + 1) / 7)  # session, pool, client of 5; dependency of 2
    # One rule per page used to score 1.0: losing rules must lower the score, never raise it.
    assert semantic_richness(kept[1:], pages) < full
    assert semantic_richness(kept[:2], pages) < full
    assert semantic_richness([], pages) == 0.0
    assert semantic_richness(kept, None) is None


def test_composite_goes_down_with_any_component():
    base = {"overall_coherence": 0.3, "technology_coverage": 1.0, "rule_diversity": 0.8, "semantic_richness": 0.4}
    for key in base:
        assert composite_score({**base, key: base[key] - 0.1}) < composite_score(base)
    assert composite_score({**base, "semantic_richness": None}) == pytest.approx((0.3 + 1.0 + 0.8) / 3)


def test_improvement_is_measured_over_the_pages_both_runs_crawled():
    pages = [page("sessions", "session", "pool", "client"), page("deps", "dependency", "versions")]
    rules = [*SESSION_RULES[:4], OTHER_TOPICS[0]]
    previous = PreviousRun(rules=rules, pages=pages)
    # More pages crawled, with rules of their own: on the shared pages nothing changed.
    more_pages = [*pages, page("http", "timeouts", "request"), page("templates", "escape")]
    more_rules = [*rules, OTHER_TOPICS[1], OTHER_TOPICS[2]]
    assert improvement_score(more_rules, more_pages, previous, TECHNOLOGIES) == pytest.approx(0.0)
    # The same pages, but one of them lost its rule: worse.
    assert improvement_score(rules[:4], pages, previous, TECHNOLOGIES) < 0
    assert improvement_score(rules, pages, None, TECHNOLOGIES) is None
    unrelated = [page("elsewhere", "other")]
    assert improvement_score(rules, unrelated, previous, TECHNOLOGIES) is None


def test_quality_metrics_of_a_batch():
    rules = [*SESSION_RULES, *OTHER_TOPICS, dataclasses.replace(OTHER_TOPICS[0], technology="go", id="go-1")]
    pages = [page("sessions", "session", "pool"), page("deps", "dependency")]
    metrics = quality_metrics(cluster_rules(rules), TECHNOLOGIES, pages)
    components = [metrics.overall_coherence, metrics.technology_coverage, metrics.rule_diversity,
                  metrics.semantic_richness]  # fmt: skip
    assert metrics.technology_coverage == 1.0 and metrics.semantic_richness == 1.0
    assert metrics.composite_score == pytest.approx(sum(components) / 4)
    assert metrics.mean_rule_quality == pytest.approx(0.7)
    assert metrics.improvement_score is None


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
