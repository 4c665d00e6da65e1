"""Near-duplicate merging: one rule per piece of guidance, every source URL kept."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from rules_spider.analysis.dedupe import merge_near_duplicates, similar_pairs
from rules_spider.items import Rule


def _rule(i: int, body: str, *, evidence: str | None = None, technology: str = "python", score: float | None = None,
          url: str | None = None) -> Rule:
    return Rule(id=f"id{i}", title=body[:20], body=body, technology=technology, framework=None, source_name="S",
                url=url or f"https://docs.example.org/page{i}", evidence=evidence or f"Evidence sentence number {i} here.",
                heuristic_score=score, urls=[url or f"https://docs.example.org/page{i}"])


def test_same_guidance_from_several_pages_is_merged_with_all_urls() -> None:
    rules = [
        _rule(0, "Always close the client with Client.close() when you are done.", score=0.7),
        _rule(1, "Set a timeout on every request."),
        _rule(2, "Always close the client with Client.close() when you are done with it.", score=0.9),
        _rule(3, "Always close the client with Client.close() when you are done.", score=0.7),
    ]
    merged = merge_near_duplicates(rules)
    assert [r.id for r in merged] == ["id2", "id1"]  # groups in order of their first member; best as primary
    primary = merged[0]
    assert primary.url == "https://docs.example.org/page2"
    assert primary.urls == ["https://docs.example.org/page2", "https://docs.example.org/page0", "https://docs.example.org/page3"]
    assert rules[2].urls == ["https://docs.example.org/page2"]  # inputs untouched


def test_same_evidence_is_merged_even_when_bodies_differ() -> None:
    evidence = "You should always close clients with Client.close()."
    rules = [_rule(0, "Always close clients.", evidence=evidence), _rule(1, "Close every client with Client.close().", evidence=evidence.upper())]
    (merged,) = merge_near_duplicates(rules)
    assert merged.urls == ["https://docs.example.org/page0", "https://docs.example.org/page1"]


def test_opposite_guidance_and_other_technologies_stay_apart() -> None:
    rules = [
        _rule(0, "Close the client after every request."),
        _rule(1, "Do not close the client after every request."),
        _rule(2, "Close the client after every request.", technology="javascript"),
    ]
    assert len(merge_near_duplicates(rules)) == 3


def test_merge_is_deterministic_and_idempotent() -> None:
    rules = [_rule(i, f"Use option number {i % 5} for the client configuration.") for i in range(40)]
    once = merge_near_duplicates(rules)
    assert merge_near_duplicates(rules) == once
    assert merge_near_duplicates(once) == once
    assert len(once) == 5 and all(len(r.urls) == 8 for r in once)


@pytest.mark.parametrize("threshold", [0.95, 0.85, 0.5])
def test_pair_search_matches_brute_force(threshold: float) -> None:
    from rules_spider.analysis.dedupe import _body_matrix

    rng = random.Random(1)
    words = [f"w{i}" for i in range(40)]
    bodies = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 8))) for _ in range(400)]
    bodies += [b + " extra" for b in bodies[:80]]
    matrix = _body_matrix(bodies)
    left, right = similar_pairs(matrix, threshold)
    dense = (matrix @ matrix.T).toarray()
    np.fill_diagonal(dense, 0)
    brute_left, brute_right = np.nonzero(np.triu(dense >= threshold - 1e-9))
    assert set(zip(left.tolist(), right.tolist())) == set(zip(brute_left.tolist(), brute_right.tolist()))


def test_twenty_thousand_rules_merge_in_seconds() -> None:
    rng = random.Random(0)
    vocabulary = [f"term{i}" for i in range(4000)] + ["the", "use", "client", "call", "set", "to", "a"] * 40
    bodies = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 25))) for _ in range(16_000)]
    copied = rng.sample(range(16_000), 4_000)
    bodies += [bodies[i] + " now" for i in copied]
    technologies = [rng.choice(["python", "javascript"]) for _ in bodies]
    rules = [_rule(i, body, technology=tech) for i, (body, tech) in enumerate(zip(bodies, technologies))]
    started = time.perf_counter()
    merged = merge_near_duplicates(rules)
    elapsed = time.perf_counter() - started
    # Every copy merges into its original when both are of one technology, and only then.
    same_technology = sum(technologies[i] == technologies[16_000 + n] for n, i in enumerate(copied))
    assert len(merged) == 20_000 - same_technology
    assert elapsed < 15, f"merging 20k rules took {elapsed:.1f}s"
