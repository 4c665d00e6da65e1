"""Phrasing content: a block's visible text, with inline code kept as marked spans.

A block's ``text`` is what a reader sees (rules quote their evidence from it);
its ``marked`` twin is the same characters with every inline code span
(``<code>``, ``<tt>``, ``<kbd>``, ``<samp>``) wrapped in ``CODE_OPEN`` /
``CODE_CLOSE``. The markers are control characters that never survive HTML
parsing, so ``plain(marked) == text`` always holds, any slice of ``marked``
maps to a verbatim slice of ``text``, and a rule body can show identifiers in
backticks (``backticked``) while its evidence stays verbatim.
"""

from __future__ import annotations

import re

from lxml import etree

from rules_spider.extraction.page_chrome import is_boilerplate
from rules_spider.ids import normalise_text

CODE_OPEN = "\x02"
CODE_CLOSE = "\x03"
# Phrasing content: flows into the surrounding paragraph. Any other tag breaks it.
INLINE_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn", "em",
        "font", "i", "img", "ins", "kbd", "mark", "nobr", "q", "rp", "rt", "ruby", "s", "samp", "small",
        "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "math",
    }
)
CODE_TAGS = frozenset({"code", "tt", "kbd", "samp"})
# Zero-width characters themes put in headings and code-ish text; invisible to readers. The
# markers are dropped from page text too, so they only ever mean inline code.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u2060\ufeff\u00ad" + CODE_OPEN + CODE_CLOSE))
_MARKERS = dict.fromkeys(map(ord, CODE_OPEN + CODE_CLOSE))
# Whitespace moves outside a code span, so collapsing whitespace never leaves a marker
# between two spaces (which would keep both in the plain text).
_SPACE_AFTER_OPEN = re.compile(CODE_OPEN + r"(\s+)")
_SPACE_BEFORE_CLOSE = re.compile(r"(\s+)" + CODE_CLOSE)
_EMPTY_SPAN = re.compile(CODE_OPEN + CODE_CLOSE)
_SPAN = re.compile(CODE_OPEN + "([^" + CODE_CLOSE + "]*)" + CODE_CLOSE)


def clean_inline(text: str) -> str:
    """Whitespace collapsed, invisible characters (and stray markers) removed."""
    return normalise_text(text.translate(_INVISIBLE))


def clean_marked(text: str) -> str:
    """``clean_inline`` for marked text: the markers stay, around non-blank code."""
    if CODE_OPEN not in text:
        return normalise_text(text)
    text = _SPACE_AFTER_OPEN.sub(r"\1" + CODE_OPEN, text)
    text = _SPACE_BEFORE_CLOSE.sub(CODE_CLOSE + r"\1", text)
    text = _EMPTY_SPAN.sub("", text)
    return normalise_text(text)


def plain(marked: str) -> str:
    """The visible text of marked text."""
    return marked.translate(_MARKERS) if CODE_OPEN in marked else marked


def backticked(marked: str) -> str:
    """Marked text with each code span in Markdown backticks."""
    if CODE_OPEN not in marked:
        return marked
    return _SPAN.sub(lambda m: f"``{m.group(1)}``" if "`" in m.group(1) else f"`{m.group(1)}`", marked)


def code_spans(marked: str) -> list[str]:
    """The inline code spans of marked text, in order."""
    return _SPAN.findall(marked) if CODE_OPEN in marked else []


def is_all_code(marked: str) -> bool:
    """True when every visible character sits inside a code span (a heading like ``SECRET_KEY``)."""
    if CODE_OPEN not in marked:
        return False
    return not _SPAN.sub("", marked).strip(" ()[].,:")


def inline_marked(el: etree._Element) -> str:
    """The element's visible text, inline code marked, whitespace collapsed, chrome skipped."""
    parts: list[str] = []
    gather_inline(el, parts)
    return clean_marked("".join(parts))


def inline_text(el: etree._Element) -> str:
    """The element's visible text with whitespace collapsed and chrome skipped."""
    return plain(inline_marked(el))


def raw_text(text: str) -> str:
    """A text node as gathered: invisible characters (and stray markers) removed."""
    return text.translate(_INVISIBLE)


def gather_inline(el: etree._Element, parts: list[str], *, in_code: bool = False) -> None:
    """Append the visible text of ``el``'s content to ``parts`` (markers around inline code)."""
    if el.text:
        parts.append(raw_text(el.text))
    for child in el:
        gather_child(child, parts, in_code=in_code)
        if child.tail:
            parts.append(raw_text(child.tail))


def gather_child(child: etree._Element, parts: list[str], *, in_code: bool = False) -> None:
    """Append the visible text of one child element (not its tail) to ``parts``."""
    tag = child.tag
    if tag == "br":
        parts.append(" ")
    elif not is_boilerplate(child):
        if tag in INLINE_TAGS:
            opens = tag in CODE_TAGS and not in_code
            if opens:
                parts.append(CODE_OPEN)
            gather_inline(child, parts, in_code=in_code or opens)
            if opens:
                parts.append(CODE_CLOSE)
        else:  # a block inside phrasing content still separates words
            parts.append(" ")
            gather_inline(child, parts, in_code=in_code)
            parts.append(" ")
