"""Usage-pattern analysis: how rules are rated per rule, per technology and per context value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rules_spider.learning.store import FeedbackStore

UNKNOWN_TECHNOLOGY = "(unrecorded)"


@dataclass(frozen=True, slots=True)
class TechnologyUsage:
    technology: str
    rated_rules: int
    signals: int
    mean_value: float
    success_rate: float | None  # mean of usage_success signals, None without any


@dataclass(frozen=True, slots=True)
class RuleUsage:
    rule_id: str
    technology: str
    title: str
    signals: int
    mean_value: float
    success_rate: float | None
    last_signal: float  # epoch seconds


@dataclass(frozen=True, slots=True)
class ContextUsage:
    key: str
    value: str
    signals: int
    mean_value: float


def technology_usage(store: FeedbackStore, *, since: datetime) -> list[TechnologyUsage]:
    """Per technology (rules the crawl never recorded are grouped as ``(unrecorded)``)."""
    rows = store.read(
        """
        SELECT COALESCE(r.technology, ?) AS technology,
               COUNT(DISTINCT s.rule_id) AS rated_rules,
               COUNT(*) AS signals,
               AVG(s.value) AS mean_value,
               AVG(CASE WHEN s.signal_type = 'usage_success' THEN s.value END) AS success_rate
        FROM signals s LEFT JOIN rules r ON r.id = s.rule_id
        WHERE s.ts >= ?
        GROUP BY 1 ORDER BY signals DESC, technology
        """,
        [UNKNOWN_TECHNOLOGY, since.timestamp()],
    )
    return [
        TechnologyUsage(
            technology=row["technology"],
            rated_rules=row["rated_rules"],
            signals=row["signals"],
            mean_value=row["mean_value"],
            success_rate=row["success_rate"],
        )
        for row in rows
    ]


def rule_usage(
    store: FeedbackStore, *, since: datetime, limit: int | None = None
) -> list[RuleUsage]:
    """Per rule, the most rated first."""
    rows = store.read(
        f"""
        SELECT s.rule_id, COALESCE(r.technology, ?) AS technology,
               COALESCE(r.title, '') AS title,
               COUNT(*) AS signals, AVG(s.value) AS mean_value,
               AVG(CASE WHEN s.signal_type = 'usage_success' THEN s.value END) AS success_rate,
               MAX(s.ts) AS last_signal
        FROM signals s LEFT JOIN rules r ON r.id = s.rule_id
        WHERE s.ts >= ?
        GROUP BY s.rule_id ORDER BY signals DESC, s.rule_id
        {"LIMIT ?" if limit is not None else ""}
        """,
        [UNKNOWN_TECHNOLOGY, since.timestamp(), *([limit] if limit is not None else [])],
    )
    return [
        RuleUsage(
            rule_id=row["rule_id"],
            technology=row["technology"],
            title=row["title"],
            signals=row["signals"],
            mean_value=row["mean_value"],
            success_rate=row["success_rate"],
            last_signal=row["last_signal"],
        )
        for row in rows
    ]


def context_usage(
    store: FeedbackStore, *, since: datetime, max_values_per_key: int = 10
) -> list[ContextUsage]:
    """Per top-level context key and scalar value (the most frequent values of each key)."""
    rows = store.read(
        """
        SELECT j.key AS key, CAST(j.value AS TEXT) AS value,
               COUNT(*) AS signals, AVG(s.value) AS mean_value
        FROM signals s, json_each(s.context) j
        WHERE s.ts >= ? AND j.type IN ('text', 'integer', 'real', 'true', 'false')
        GROUP BY j.key, CAST(j.value AS TEXT)
        ORDER BY j.key, signals DESC, value
        """,
        [since.timestamp()],
    )
    usage: list[ContextUsage] = []
    per_key: dict[str, int] = {}
    for row in rows:
        per_key[row["key"]] = per_key.get(row["key"], 0) + 1
        if per_key[row["key"]] <= max_values_per_key:
            usage.append(ContextUsage(row["key"], row["value"], row["signals"], row["mean_value"]))
    return usage
