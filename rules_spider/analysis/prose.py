"""Walk a page's prose sentence by sentence, remembering where each one sits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules_spider.analysis.sentences import Span, sentence_spans
from rules_spider.analysis.words import ADMONITION_LABELS, ADMONITION_TITLE_ONLY
from rules_spider.items import Block, DocPage

# Admonition titles extraction may leave at the start of the block text.
ADMONITION_TITLE = re.compile(rf"^\s*(?:{'|'.join(ADMONITION_LABELS + ADMONITION_TITLE_ONLY)})\s*[:!.]?\s*$", re.I)


@dataclass(frozen=True, slots=True)
class ProseSentence:
    """A sentence of a paragraph, list item or admonition.

    ``unit`` is the text the sentence was split from (a paragraph, one list
    item, an admonition body); ``span`` locates the sentence in it and
    ``previous`` the sentence before it in the same unit.
    """

    span: Span
    previous: Span | None
    unit: str
    section_index: int
    block_index: int
    path: tuple[str, ...]
    block_kind: str
    admonition: str | None

    @property
    def text(self) -> str:
        return self.span.text


def block_units(block: Block) -> list[str]:
    """The independently-split texts of a prose block (list items stand alone)."""
    if block.kind == "list":
        return [item for item in (block.items or block.text.splitlines()) if item.strip()]
    if block.kind in ("paragraph", "admonition"):
        return [block.text]
    return []


def iter_prose(page: DocPage) -> Iterator[ProseSentence]:
    """Every prose sentence of ``page`` in document order (code and tables skipped)."""
    for section_index, section in enumerate(page.sections):
        path = tuple(section.path) or ((section.heading,) if section.heading else ())
        for block_index, block in enumerate(section.blocks):
            for unit in block_units(block):
                previous: Span | None = None
                for span in sentence_spans(unit):
                    if block.kind == "admonition" and ADMONITION_TITLE.match(span.text):
                        continue
                    yield ProseSentence(
                        span=span,
                        previous=previous,
                        unit=unit,
                        section_index=section_index,
                        block_index=block_index,
                        path=path,
                        block_kind=block.kind,
                        admonition=block.admonition,
                    )
                    previous = span
