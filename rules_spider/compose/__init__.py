"""Rule composition: a selected unit and its context -> a rule a developer would paste. Pure functions."""

from __future__ import annotations

from rules_spider.compose.rule import PageInfo, compose_rule

__all__ = ["PageInfo", "compose_rule"]
