"""A page's sections -> its candidate units, each with the context a reader sees around it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rules_spider.analysis.prose import ADMONITION_TITLE
from rules_spider.analysis.sentences import sentence_spans
from rules_spider.extraction.inline import plain
from rules_spider.items import Block, Section
from rules_spider.units.page_kind import page_kind
from rules_spider.units.unit import PageKind, Unit, UnitKind

_HAS_WORD = re.compile(r"[^\W\d_]{2}")
# A table whose header names versions and changes is a history table: each row is a change.
_VERSION_COLUMN = re.compile(r"^(?:version|versions|since|added|release)\b", re.I)
_CHANGE_COLUMN = re.compile(r"^(?:changes?|history|description|notes?)\b", re.I)
_PROSE_KINDS: dict[str, UnitKind] = {"paragraph": "sentence", "list": "item", "admonition": "admonition"}


def page_units(sections: Sequence[Section], url: str, title: str) -> list[Unit]:
    """Every candidate unit of an extracted page, in document order."""
    kind = page_kind(url, title)
    units: list[Unit] = []
    for section_index, section in enumerate(sections):
        units.extend(_section_units(section, section_index, kind))
    if kind == "guide" and units and sum(u.term_from == "definition" for u in units) * 2 > len(units):
        # No name says so, but most of the page describes API objects one by one.
        units = [replace(u, page_kind="reference") for u in units]
    return units


def _section_units(section: Section, section_index: int, page: PageKind) -> list[Unit]:
    path = tuple(section.path) or ((section.heading,) if section.heading else ())
    units: list[dict[str, object]] = []  # each unit's fields; built once its neighbours are known
    previous_block: Block | None = None
    for block_index, block in enumerate(section.blocks):
        if block.term:
            term, term_from = block.term, "definition"
        elif section.term:
            term, term_from = section.term, "heading"
        else:
            term, term_from = None, None
        common = {
            "page_kind": page,
            "heading_path": path,
            "section_index": section_index,
            "block_index": block_index,
            "term": term,
            "term_from": term_from,
        }
        if block.kind in _PROSE_KINDS:
            lead_in = _lead_in(previous_block) if block.kind == "list" else None
            for piece in (block.marked or block.text).split("\n"):
                for span in sentence_spans(piece):
                    text = plain(span.text)
                    if not _HAS_WORD.search(text):
                        continue
                    if block.kind == "admonition" and ADMONITION_TITLE.match(text):
                        continue
                    units.append({"text": text, "marked": span.text, "kind": _PROSE_KINDS[block.kind],
                                  "admonition": block.admonition, "lead_in": lead_in, **common})
        elif block.kind == "table":
            units.extend(_table_units(block, common))
        previous_block = block
    return _with_neighbours(units)


def _lead_in(block: Block | None) -> str | None:
    """The sentence that introduces a list: the last sentence of the paragraph right before it."""
    if block is None or block.kind != "paragraph":
        return None
    spans = sentence_spans(block.text)
    return spans[-1].text if spans else None


def _table_units(block: Block, common: dict[str, object]) -> list[dict[str, object]]:
    columns = tuple(block.columns)
    history = any(_VERSION_COLUMN.match(c) for c in columns) and any(_CHANGE_COLUMN.match(c) for c in columns)
    rows = (block.marked or block.text).split("\n")
    if columns:
        rows = rows[1:]
    return [
        {"text": plain(row), "marked": row, "kind": "history" if history else "table_row", "columns": columns, **common}
        for row in rows
        if _HAS_WORD.search(row)
    ]


def _with_neighbours(units: list[dict[str, object]]) -> list[Unit]:
    """The section's units, each prose unit with the prose sentences before and after it in its section."""
    prose = [i for i, unit in enumerate(units) if unit["kind"] not in ("history", "table_row")]
    for position, index in enumerate(prose):
        units[index]["previous"] = units[prose[position - 1]]["text"] if position else None
        units[index]["next"] = units[prose[position + 1]]["text"] if position + 1 < len(prose) else None
    return [Unit(**fields) for fields in units]  # type: ignore[arg-type]
