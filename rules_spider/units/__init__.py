"""Candidate units: each sentence of a page with its context, for the rule model. Pure functions."""

from __future__ import annotations

from rules_spider.units.build import page_units
from rules_spider.units.page_kind import page_kind
from rules_spider.units.unit import PAGE_KINDS, UNIT_KINDS, PageKind, Unit, UnitKind

__all__ = ["PAGE_KINDS", "UNIT_KINDS", "PageKind", "Unit", "UnitKind", "page_kind", "page_units"]
