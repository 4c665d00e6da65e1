"""The heuristic quality score orders rules the way a reader would."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rules_spider.quality.heuristic import heuristic_parts, heuristic_quality
from rules_spider.items import Rule

PAGE = (
    "Clients\n\nYou should always close clients with Client.close() when you are done.\n\nclient.close()\n\n"
    "Follow best practices.\n\nNever log the API key."
)


def _rule(body: str, evidence: str | None = None, **fields: object) -> Rule:
    return Rule(id="r", title="T", body=body, technology="python", framework=None, source_name="S",
                url="https://d/", evidence=evidence or body, **fields)  # type: ignore[arg-type]


SPECIFIC = _rule(
    "Always close clients with `Client.close()` when you are done.",
    "You should always close clients with Client.close() when you are done.",
    category="api_usage",
    example="client.close()",
)


def test_specific_grounded_rule_with_example_beats_vague_one() -> None:
    vague = _rule("Follow best practices.", category="best_practice")
    assert heuristic_quality(SPECIFIC, PAGE) > 0.8
    assert heuristic_quality(vague, PAGE) < 0.6
    assert heuristic_quality(SPECIFIC, PAGE) > heuristic_quality(vague, PAGE)


def test_grounding_counts() -> None:
    fabricated = replace(SPECIFIC, evidence="Clients must always be closed by the garbage collector.")
    assert heuristic_quality(fabricated, PAGE) < heuristic_quality(SPECIFIC, PAGE)
    assert heuristic_parts(fabricated, PAGE)["grounding"] == 0.0
    assert heuristic_parts(SPECIFIC, None)["grounding"] == 0.5


def test_example_and_subject_count() -> None:
    no_example = replace(SPECIFIC, example=None)
    unrelated_example = replace(SPECIFIC, example="print('hello')")
    assert heuristic_quality(SPECIFIC, PAGE) > heuristic_quality(unrelated_example, PAGE) > heuristic_quality(no_example, PAGE)
    no_subject = _rule("Always close every client when you are done with it.", category="api_usage")
    assert heuristic_parts(no_subject)["specificity"] < heuristic_parts(no_example)["specificity"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [(2, 0.0), (4, 0.5), (6, 0.75), (8, 1.0), (40, 1.0), (60, 0.7), (120, 0.3)],
)
def test_length_curve(words: int, expected: float) -> None:
    body = " ".join(["word"] * words)
    assert heuristic_parts(_rule(body))["length"] == pytest.approx(expected)


def test_directive_strength_orders_rules() -> None:
    must = heuristic_quality(_rule("You must close `Client` objects after use."))
    should = heuristic_quality(_rule("You should close `Client` objects after use."))
    prefer = heuristic_quality(_rule("Prefer closing `Client` objects after use."))
    statement = heuristic_quality(_rule("The `Client` objects get closed after use."))
    assert must > should > prefer > statement


def test_category_counts() -> None:
    body = "Never log the API key."
    assert heuristic_quality(_rule(body, category="security"), PAGE) > heuristic_quality(_rule(body, category="best_practice"), PAGE)


def test_versions_raise_specificity() -> None:
    with_version = _rule("Use `Client.get()` instead of `Client.fetch()` (deprecated since 2.0).")
    without = _rule("Use `Client.get()` instead of `Client.fetch()` (deprecated).")
    assert heuristic_parts(with_version)["specificity"] > heuristic_parts(without)["specificity"]
