"""A page's own title: <title> without the site's suffix, or its first <h1>."""

from __future__ import annotations

import re

from lxml import etree

from rules_spider.extraction.inline import clean_inline, inline_text

# " — Pyrite 2.1 documentation", " - Flowkit", " | Docusaurus", " · GitBook", " » Site"
_SEPARATOR = re.compile(r"\s+(?:[—–|·•»]|-{1,2}|::)\s+")


def page_title(root: etree._Element, main: etree._Element | None = None) -> str:
    found = root.find("head/title")
    raw = clean_inline("".join(found.itertext())) if found is not None else ""
    h1 = first_h1(main if main is not None else root)
    if not raw:
        return h1
    separators = list(_SEPARATOR.finditer(raw))
    if not separators:
        return raw
    last = separators[-1]
    tail = raw[last.end():]
    if h1 and h1.casefold() == tail.casefold():  # "Site | Page" order
        return tail
    return raw[: last.start()].strip() or raw


def first_h1(el: etree._Element) -> str:
    found = next(el.iter("h1"), None)
    return inline_text(found) if found is not None else ""
