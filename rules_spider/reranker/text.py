"""What the encoder reads of a unit."""

from __future__ import annotations

from rules_spider.extraction.inline import CODE_CLOSE, CODE_OPEN
from rules_spider.units import Unit


def encoder_text(unit: Unit) -> str:
    """Page kind, the two innermost headings, the documented term and the unit, inline code in backticks."""
    text = unit.marked.replace(CODE_OPEN, "`").replace(CODE_CLOSE, "`")
    return f"{unit.page_kind} | {' > '.join(unit.heading_path[-2:])} | {unit.term or ''} | {text}"
