"""Where a unit comes from: the units of one installed documentation page, with their hashes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rules_spider.extraction import extract_page
from rules_spider.units import Unit, page_units


def unit_hash(text: str) -> str:
    """The hash a label records for a unit: sha1 of its verbatim text, 16 hex digits."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class PageUnit:
    """A unit of an installed page with its position among the page's units of the same text."""

    unit: Unit
    hash: str
    occurrence: int
    index: int


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


def installed_page_units(path: Path) -> list[PageUnit]:
    """The units of an installed HTML page, each with its hash and occurrence number."""
    page = extract_page(path.read_bytes(), file_url(path))
    seen: dict[str, int] = {}
    out: list[PageUnit] = []
    for index, unit in enumerate(page_units(page.sections, file_url(path), page.title)):
        digest = unit_hash(unit.text)
        occurrence = seen.get(digest, 0)
        seen[digest] = occurrence + 1
        out.append(PageUnit(unit=unit, hash=digest, occurrence=occurrence, index=index))
    return out
