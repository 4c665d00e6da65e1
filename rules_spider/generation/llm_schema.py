"""The JSON an LLM must answer with, and the parser that holds it to that shape.

The model is asked for one JSON object, ``{"rules": [...]}``; a reply may wrap
that object in a Markdown code fence (```json ... ```) and nothing else.
Prose around it, HTML, several objects or a bare list are invalid, and the
caller gets the reason in words it can send back to the model for a repair.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator

from rules_spider.items import RULE_CATEGORIES, RuleCategory

MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 1500
MAX_EVIDENCE_CHARS = 1000
MAX_EXAMPLE_CHARS = 4000
# A reply longer than this is not a list of rules about one page; parsing it
# would only spend memory on a runaway generation.
MAX_RESPONSE_CHARS = 200_000
# How many validation errors a repair request quotes back to the model.
MAX_REPORTED_ERRORS = 5

_FENCED = re.compile(r"\A```[ \t]*(?:json|JSON)?[ \t]*\r?\n(?P<body>.*?)\r?\n?```\Z", re.DOTALL)


_Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE_CHARS)
]
_Body = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BODY_CHARS)
]
_Evidence = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_EVIDENCE_CHARS)
]
_Example = Annotated[str, StringConstraints(max_length=MAX_EXAMPLE_CHARS)]


class LlmRule(BaseModel):
    """One rule as the model states it; ``evidence`` must quote the page verbatim."""

    model_config = ConfigDict(extra="forbid")

    title: _Title
    body: _Body
    evidence: _Evidence
    category: RuleCategory
    example: _Example | None = None

    @field_validator("category", mode="before")
    @classmethod
    def _normalise_category(cls, value: object) -> object:
        # "Best Practice" and "best-practice" name the same category; anything
        # that does not normalise onto one is left for the Literal to reject.
        if isinstance(value, str):
            candidate = re.sub(r"[\s\-]+", "_", value.strip().lower())
            if candidate in RULE_CATEGORIES:
                return candidate
        return value

    @field_validator("example", mode="after")
    @classmethod
    def _blank_example_is_none(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip("\n")


class LlmRuleSet(BaseModel):
    """The whole reply: the rules drawn from one page (possibly none)."""

    model_config = ConfigDict(extra="forbid")

    rules: list[LlmRule]


class InvalidLlmOutput(ValueError):
    """A reply that is not the JSON the prompt asked for; ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class ParsedOutput:
    rule_set: LlmRuleSet
    trimmed: int  # rules past the per-page limit that were dropped


def unwrap_json_text(text: str) -> str:
    """The JSON text of a reply: the reply itself, or the inside of one code fence."""
    stripped = text.strip()
    fenced = _FENCED.match(stripped)
    return fenced.group("body").strip() if fenced else stripped


def parse_llm_output(text: str, *, max_rules: int) -> ParsedOutput:
    """Validate a model reply; raise :class:`InvalidLlmOutput` with the reason.

    More than ``max_rules`` rules is not an error: the first ``max_rules``
    are kept and the rest counted in ``ParsedOutput.trimmed``.
    """
    if len(text) > MAX_RESPONSE_CHARS:
        raise InvalidLlmOutput(
            f"the reply is {len(text)} characters long; the limit is {MAX_RESPONSE_CHARS}"
        )
    body = unwrap_json_text(text)
    if not body:
        raise InvalidLlmOutput("the reply is empty; expected a JSON object")
    if not body.startswith("{"):
        raise InvalidLlmOutput(
            'the reply must be only a JSON object starting with "{", '
            f"but it starts with {body[:40]!r}"
        )
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise InvalidLlmOutput(f"the reply is not valid JSON: {exc}") from exc
    except RecursionError:
        # json.loads recurses per nesting level: "[[[[..." under the size limit still overflows.
        raise InvalidLlmOutput("the reply is nested too deeply to be a rule list") from None
    if not isinstance(data, dict):
        raise InvalidLlmOutput("the reply must be a JSON object with a \"rules\" list")
    trimmed = 0
    rules = data.get("rules")
    if isinstance(rules, list) and len(rules) > max_rules:
        trimmed = len(rules) - max_rules
        data = {**data, "rules": rules[:max_rules]}
    try:
        rule_set = LlmRuleSet.model_validate(data)
    except ValidationError as exc:
        raise InvalidLlmOutput(describe_validation_error(exc)) from exc
    return ParsedOutput(rule_set=rule_set, trimmed=trimmed)


def describe_validation_error(exc: ValidationError) -> str:
    """A short, model-readable account of what is wrong with the JSON."""
    errors = exc.errors(include_url=False, include_input=False)
    lines = []
    for error in errors[:MAX_REPORTED_ERRORS]:
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"{where}: {error['msg']}")
    if len(errors) > MAX_REPORTED_ERRORS:
        lines.append(f"... and {len(errors) - MAX_REPORTED_ERRORS} more errors")
    return "the JSON does not match the schema: " + "; ".join(lines)
