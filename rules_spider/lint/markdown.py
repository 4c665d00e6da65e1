"""The parts of a rule file's markdown the checks look at: sections and rule-sized text units."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules_spider.writers.documents import SUMMARY_SUFFIX

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_URL = re.compile(r"https?://")
_WS = re.compile(r"\s+")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
MIN_UNIT_CHARS = 40
# Lines our writers add around every rule; they are provenance, not guidance.
_PROVENANCE = ("Source (", "Also stated at:", "Applies to:", "_")


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    level: int
    line: int
    text: str
    leaf: bool

    @property
    def has_link(self) -> bool:
        return bool(_URL.search(self.text))


def _lines_outside_code(text: str) -> Iterator[tuple[int, str, bool]]:
    """(line number, line, inside a fenced block) for each line."""
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        match = _FENCE.match(line.strip())
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
                yield number, line, True
                continue
            if marker.startswith(fence):
                fence = None
                yield number, line, True
                continue
        yield number, line, fence is not None


def sections(text: str, first_line: int = 1) -> list[Section]:
    """Heading-delimited sections (a preamble before the first heading has level 0)."""
    found: list[list] = [["", 0, first_line, []]]
    for number, line, in_code in _lines_outside_code(text):
        match = None if in_code else _HEADING.match(line)
        if match:
            found.append([match.group(2).strip(), len(match.group(1)), number + first_line - 1, []])
        else:
            found[-1][3].append(line)
    out = []
    for i, (heading, level, line, body) in enumerate(found):
        following = found[i + 1][1] if i + 1 < len(found) else 0
        leaf = not (following > level and i + 1 < len(found))
        out.append(Section(heading, level, line, "\n".join(body).strip(), leaf))
    return out


def rule_sections(text: str, first_line: int = 1) -> list[Section]:
    """Leaf sections with text under a heading: what a rule looks like in a rule file."""
    return [s for s in sections(text, first_line) if s.level > 0 and s.leaf and s.text]


def normalise(text: str) -> str:
    return _WS.sub(" ", text).strip().lower()


def units(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """(line, normalised text) of each paragraph or list item long enough to be a rule."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0

    def flush() -> None:
        joined = normalise(" ".join(current))
        if len(joined) >= MIN_UNIT_CHARS:
            out.append((start, joined))
        current.clear()

    for number, line, in_code in _lines_outside_code(text):
        stripped = line.strip()
        skip = in_code or not stripped or _HEADING.match(line) or stripped.startswith((">", "|", "<!--"))
        skip = skip or stripped.startswith(_PROVENANCE) or stripped.endswith(SUMMARY_SUFFIX)
        if skip or _BULLET.match(line):
            flush()
            if not skip:
                start = number + first_line - 1
                current.append(_BULLET.sub("", line))
            continue
        if not current:
            start = number + first_line - 1
        current.append(stripped)
    flush()
    return out
