from __future__ import annotations

import json

import pytest

from rules_spider.generation.llm_schema import (
    MAX_EVIDENCE_CHARS,
    MAX_RESPONSE_CHARS,
    InvalidLlmOutput,
    parse_llm_output,
)
from tests.llm_helpers import PARAGRAPH, rule_json, valid_answer


def test_plain_json_object_is_parsed():
    parsed = parse_llm_output(valid_answer(), max_rules=10)
    assert parsed.trimmed == 0
    [rule] = parsed.rule_set.rules
    assert rule.evidence == PARAGRAPH
    assert rule.category == "best_practice"
    assert rule.example is None


@pytest.mark.parametrize("fence", ["```json", "```JSON", "```"])
def test_json_inside_one_code_fence_is_parsed(fence):
    text = f"{fence}\n{valid_answer()}\n```"
    assert len(parse_llm_output(text, max_rules=10).rule_set.rules) == 1


def test_empty_rule_list_is_valid():
    assert parse_llm_output('{"rules": []}', max_rules=10).rule_set.rules == []


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("```json\n```", "empty"),
        (f"Here are the rules:\n{valid_answer()}", "only a JSON object"),
        (f"<json>{valid_answer()}</json>", "only a JSON object"),
        (f"<html><body><pre>{valid_answer()}</pre></body></html>", "only a JSON object"),
        (f"{valid_answer()}\nHope this helps!", "not valid JSON"),
        (f"```json\n{valid_answer()}\n```\nMore text", "only a JSON object"),
        ('{"rules": [', "not valid JSON"),
        (json.dumps([rule_json()]), "only a JSON object"),
    ],
)
def test_anything_but_a_json_object_is_invalid(reply, reason):
    with pytest.raises(InvalidLlmOutput, match=reason):
        parse_llm_output(reply, max_rules=10)


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"rules": [{**rule_json(), "confidence": 0.9}]}, "rules.0.confidence"),
        ({"rules": [rule_json()], "notes": "extra"}, "notes"),
        ({"rules": [{k: v for k, v in rule_json().items() if k != "evidence"}]}, "rules.0.evidence"),
        ({"rules": [rule_json(category="style")]}, "rules.0.category"),
        ({"rules": [rule_json(evidence="   ")]}, "rules.0.evidence"),
        ({"rules": "none"}, "rules"),
        ({"result": []}, "rules"),
    ],
)
def test_wrong_schema_names_the_field(answer, field):
    with pytest.raises(InvalidLlmOutput, match="does not match the schema") as excinfo:
        parse_llm_output(json.dumps(answer), max_rules=10)
    assert field in str(excinfo.value)


def test_category_spelling_is_normalised():
    answer = valid_answer(rule_json(category="Anti-Pattern"), rule_json(evidence="x", category="API usage"))
    categories = [r.category for r in parse_llm_output(answer, max_rules=10).rule_set.rules]
    assert categories == ["anti_pattern", "api_usage"]


def test_too_many_rules_are_trimmed_and_counted():
    answer = valid_answer(*(rule_json(evidence=f"quote {i}") for i in range(30)))
    parsed = parse_llm_output(answer, max_rules=5)
    assert [r.evidence for r in parsed.rule_set.rules] == [f"quote {i}" for i in range(5)]
    assert parsed.trimmed == 25


def test_an_enormous_reply_is_invalid_without_parsing():
    reply = '{"rules": [], "padding": "' + "x" * MAX_RESPONSE_CHARS + '"}'
    with pytest.raises(InvalidLlmOutput, match="characters long"):
        parse_llm_output(reply, max_rules=10)


def test_an_overlong_field_is_invalid():
    answer = valid_answer(rule_json(evidence="y" * (MAX_EVIDENCE_CHARS + 1)))
    with pytest.raises(InvalidLlmOutput, match="rules.0.evidence"):
        parse_llm_output(answer, max_rules=10)


def test_error_report_is_bounded():
    answer = json.dumps({"rules": [{"bad": i} for i in range(20)]})
    with pytest.raises(InvalidLlmOutput) as excinfo:
        parse_llm_output(answer, max_rules=50)
    assert "more errors" in str(excinfo.value)
    assert len(str(excinfo.value)) < 1000
