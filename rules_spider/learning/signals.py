"""The feedback signal record every front end writes, and its validation.

A signal says how one rule did: ``value`` in [0, 1] (1 = the rule helped),
``signal_type`` one of :data:`BUILTIN_SIGNAL_TYPES` or a custom name matching
``[a-z][a-z0-9_]{0,63}``, ``context`` a JSON object (session, technology,
A/B test variant...), ``source`` who sent it (``api``, ``cli``, ``mcp``...).
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError, field_validator

BUILTIN_SIGNAL_TYPES: tuple[str, ...] = (
    "usage_success",
    "user_rating",
    "effectiveness",
    "relevance",
    "quality_score",
)
SIGNAL_TYPE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Signals whose context has this key are outcomes of an A/B test variant: they
# rate a phrasing under test, not the rule as stored, so model targets and
# awards leave them out (the A/B test analyses them).
AB_TEST_CONTEXT_KEY = "ab_test"
MAX_RULE_ID_LENGTH = 128
MAX_SOURCE_LENGTH = 64


class InvalidSignalError(ValueError):
    """A feedback signal that cannot be stored; the message names the bad field and value."""


class FeedbackSignal(BaseModel):
    """One validated feedback signal (``timestamp`` defaults to now, UTC)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str
    signal_type: str
    value: float
    context: dict[str, Any] = {}
    source: str = "api"
    timestamp: AwareDatetime | None = None

    @field_validator("rule_id")
    @classmethod
    def _check_rule_id(cls, rule_id: str) -> str:
        if not rule_id or len(rule_id) > MAX_RULE_ID_LENGTH or rule_id != rule_id.strip():
            raise ValueError(
                f"rule_id {rule_id!r} must be 1..{MAX_RULE_ID_LENGTH} characters "
                "without surrounding spaces"
            )
        return rule_id

    @field_validator("signal_type")
    @classmethod
    def _check_signal_type(cls, signal_type: str) -> str:
        if not SIGNAL_TYPE_PATTERN.fullmatch(signal_type):
            raise ValueError(
                f"signal_type {signal_type!r} is not one of {', '.join(BUILTIN_SIGNAL_TYPES)} "
                "nor a custom name matching [a-z][a-z0-9_]{0,63}"
            )
        return signal_type

    @field_validator("value", mode="before")
    @classmethod
    def _check_value(cls, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"value {value!r} is not a number in [0, 1]")
        number = float(value)
        if math.isnan(number):
            raise ValueError("value nan is not a number in [0, 1]")
        if not 0.0 <= number <= 1.0:
            raise ValueError(f"value {value!r} is outside [0, 1]")
        return number

    @field_validator("context", mode="before")
    @classmethod
    def _check_context(cls, context: Any) -> dict[str, Any]:
        if context is None:
            return {}
        if not isinstance(context, dict):
            raise ValueError(f"context must be a JSON object, got {type(context).__name__}")
        try:
            json.dumps(context, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"context is not a JSON object: {exc}") from None
        return context

    @field_validator("source")
    @classmethod
    def _check_source(cls, source: str) -> str:
        if not source or len(source) > MAX_SOURCE_LENGTH:
            raise ValueError(f"source {source!r} must be 1..{MAX_SOURCE_LENGTH} characters")
        return source

    def timestamp_or_now(self) -> datetime:
        return self.timestamp or datetime.now(UTC)


def is_variant_outcome(context: dict[str, Any]) -> bool:
    return AB_TEST_CONTEXT_KEY in context


def make_signal(**fields: Any) -> FeedbackSignal:
    """Validate ``fields`` into a :class:`FeedbackSignal` or raise :class:`InvalidSignalError`."""
    try:
        return FeedbackSignal.model_validate(fields)
    except ValidationError as exc:
        raise InvalidSignalError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    """The problems joined by ``; ``, each naming its field (pydantic's prefixes stripped)."""
    parts = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "signal"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = f"unknown field (allowed: {', '.join(FeedbackSignal.model_fields)})"
        # Our own messages already start with the field's name.
        parts.append(message if message.startswith(field) else f"{field}: {message}")
    return "; ".join(parts)
