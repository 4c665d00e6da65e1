"""Group walker events into sections along the heading hierarchy."""

from __future__ import annotations

import re

from rules_spider.extraction.blocks import Event, Heading
from rules_spider.extraction.inline import is_all_code
from rules_spider.items import Section

# Level of the section that holds content found before the first heading; its
# heading is the page title, which is not part of the page text.
PREAMBLE_LEVEL = 0
# Headings that name an API: "fs.readFile(path[, options])", "func Println", "add_custom_command",
# "CMAKE_BUILD_TYPE", "--no-verify", "Class: fs.Dir".
_SIGNATURE_HEADING = re.compile(
    r"^(?:(?:class|event|method|property|static\s+method)\s*:\s*)?[\w$.\[\]'\"-]+\s*\(.*\)$"
    r"|^(?-i:func|type|var|const)\s+(?:\([^)]*\)\s*)?\w+"  # Go's keywords, in lower case ("Type switches" is prose)
    r"|^-{1,2}\w[\w-]*(?:[= ].*)?$"
    r"|^[A-Za-z_][\w]*(?:(?:_|\.|::)[\w]+)+(?:\(\))?$",
    re.I,
)


def heading_term(text: str, marked: str) -> str | None:
    """The API, option or setting a heading names, when the heading is one."""
    if is_all_code(marked) or _SIGNATURE_HEADING.match(text):
        return text
    return None


def build_sections(events: list[Event], title: str) -> list[Section]:
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    current: Section | None = None
    for event in events:
        if isinstance(event, Heading):
            while stack and stack[-1][0] >= event.level:
                stack.pop()
            stack.append((event.level, event.text))
            current = Section(heading=event.text, level=event.level, path=[t for _, t in stack],
                              term=heading_term(event.text, event.marked))
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
