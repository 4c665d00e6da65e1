"""A candidate unit: one sentence (or table row) of a page with the context it is read in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

UnitKind = Literal["sentence", "item", "admonition", "history", "table_row"]
PageKind = Literal["guide", "tutorial", "reference", "changelog", "contributing"]
PAGE_KINDS: tuple[str, ...] = get_args(PageKind)
UNIT_KINDS: tuple[str, ...] = get_args(UnitKind)


@dataclass(frozen=True, slots=True)
class Unit:
    """What the rule model scores and a rule is composed from.

    ``text`` is a verbatim slice of the page text (the evidence); ``marked`` is
    the same slice with inline code between ``extraction.inline`` markers.
    ``term`` is the API, option or setting the unit documents: the <dt> of its
    definition list (``term_from="definition"``) or a heading that names one
    (``"heading"``). ``lead_in`` is the sentence that introduces a list item's
    list; ``previous``/``next`` are the neighbouring prose sentences of the same
    section (plain text). ``columns`` are the header cells of a table row's table.
    """

    text: str
    marked: str
    kind: UnitKind
    page_kind: PageKind
    heading_path: tuple[str, ...]
    section_index: int
    block_index: int
    term: str | None = None
    term_from: Literal["definition", "heading"] | None = None
    admonition: str | None = None
    lead_in: str | None = None
    previous: str | None = None
    next: str | None = None
    columns: tuple[str, ...] = ()
