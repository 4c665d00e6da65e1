"""A unit with the rule model's probability that it is guidance."""

from __future__ import annotations

from dataclasses import dataclass

from rules_spider.units.unit import Unit


@dataclass(frozen=True, slots=True)
class ScoredUnit:
    unit: Unit
    probability: float
