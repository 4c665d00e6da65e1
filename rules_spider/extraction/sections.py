"""Group walker events into sections along the heading hierarchy."""

from __future__ import annotations

from rules_spider.extraction.blocks import Event, Heading
from rules_spider.items import Section

# Level of the section that holds content found before the first heading; its
# heading is the page title, which is not part of the page text.
PREAMBLE_LEVEL = 0


def build_sections(events: list[Event], title: str) -> list[Section]:
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    current: Section | None = None
    for event in events:
        if isinstance(event, Heading):
            while stack and stack[-1][0] >= event.level:
                stack.pop()
            stack.append((event.level, event.text))
            current = Section(heading=event.text, level=event.level, path=[t for _, t in stack])
            sections.append(current)
        else:
            if current is None:
                current = Section(heading=title, level=PREAMBLE_LEVEL, path=[title] if title else [])
                sections.append(current)
            current.blocks.append(event)
    return sections


def sections_text(sections: list[Section]) -> str:
    """Headings and block texts, one per line group: what evidence is quoted from."""
    parts: list[str] = []
    for section in sections:
        if section.level != PREAMBLE_LEVEL:
            parts.append(section.heading)
        parts.extend(block.text for block in section.blocks)
    return "\n".join(parts)
