"""A unit as a rule stores it (rules.jsonl, the feedback store, the review page, MCP), and back."""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache

from rules_spider.analysis.safety import unsafe_text_reason
from rules_spider.units.unit import Unit


def unit_context(unit: Unit, source_url: str = "") -> dict[str, object]:
    """A unit as stored with its rule (JSON-friendly). Its context travels with the rule into rules.jsonl,
    the review page and the MCP server, so context text the safety check refuses is left out."""
    data: dict[str, object] = {name: getattr(unit, name) for name in _UNIT_FIELDS}
    for key in ("previous", "next", "lead_in", "term"):
        value = data[key]
        if value and _unsafe(str(value), source_url):
            data[key] = None
    data["heading_path"] = [h for h in unit.heading_path if not _unsafe(h, source_url)]
    data["columns"] = list(unit.columns)
    return data


_UNIT_FIELDS = tuple(f.name for f in fields(Unit))


@lru_cache(maxsize=4096)
def _unsafe(text: str, source_url: str) -> bool:
    # A page's headings and neighbouring sentences come back for rule after rule: check each once.
    return unsafe_text_reason(text, source_url) is not None


def unit_from_context(data: dict[str, object]) -> Unit:
    """The unit a stored rule came from."""
    values = dict(data)
    values["heading_path"] = tuple(values.get("heading_path") or ())  # type: ignore[arg-type]
    values["columns"] = tuple(values.get("columns") or ())  # type: ignore[arg-type]
    return Unit(**values)  # type: ignore[arg-type]


def unit_of_rule(rule: object) -> Unit:
    """The unit a rule (or a stored rule record) was composed from; a rule from before units were stored
    (or an LLM rule that quotes no single unit) is read as its evidence sentence under its section."""
    stored = getattr(rule, "unit", None)
    if stored:
        return unit_from_context(stored)
    evidence = str(getattr(rule, "evidence", ""))
    section = tuple(getattr(rule, "section", None) or ())
    return Unit(text=evidence, marked=evidence, kind="sentence", page_kind="guide", heading_path=section,
                section_index=0, block_index=0)
