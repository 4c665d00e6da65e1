"""Walk a content element in document order and emit headings and blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from rules_spider.extraction.admonitions import (
    GITHUB_ALERT,
    KIND_ALIASES,
    admonition_kind,
    admonition_title,
    is_generic_title,
    resolve_kind,
)
from rules_spider.extraction.boilerplate import class_tokens, is_boilerplate
from rules_spider.extraction.code import code_language, code_text
from rules_spider.items import Block

HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Phrasing content: flows into the surrounding paragraph. Any other tag breaks it.
INLINE_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn", "em",
        "font", "i", "img", "ins", "kbd", "mark", "nobr", "q", "rp", "rt", "ruby", "s", "samp", "small",
        "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "math",
    }
)
_DOMAIN_LANGUAGES = {"py": "python", "js": "javascript", "c": "c", "cpp": "cpp", "rb": "ruby", "php": "php"}
_WS = re.compile(r"\s+")
# Zero-width characters themes put in headings and code-ish text; invisible to readers.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u2060\ufeff\u00ad"))


@dataclass(slots=True)
class Heading:
    level: int
    text: str


Event = Heading | Block


def clean_inline(text: str) -> str:
    return _WS.sub(" ", text.translate(_INVISIBLE)).strip()


def inline_text(el: etree._Element) -> str:
    """The element's visible text with whitespace collapsed and chrome skipped."""
    parts: list[str] = []
    _gather_inline(el, parts)
    return clean_inline("".join(parts))


def _gather_inline(el: etree._Element, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if tag == "br":
            parts.append(" ")
        elif not is_boilerplate(child):
            if tag in INLINE_TAGS:
                _gather_inline(child, parts)
            else:  # a block inside phrasing content still separates words
                parts.append(" ")
                _gather_inline(child, parts)
                parts.append(" ")
        if child.tail:
            parts.append(child.tail)


class BlockWalker:
    """Turns one content element into a flat list of Heading and Block events.

    ``prune_link_lists`` drops lists that are nothing but links; it is meant for
    the <body> fallback, where such lists are site navigation.
    """

    def __init__(self, root: etree._Element, *, prune_link_lists: bool = False) -> None:
        self.root = root
        self.prune_link_lists = prune_link_lists

    def walk(self) -> list[Event]:
        out: list[Event] = []
        self._children(self.root, out, nested=False)
        return out

    # --- containers ------------------------------------------------------------
    def _children(self, el: etree._Element, out: list[Event], *, nested: bool,
                  skip: etree._Element | None = None) -> None:
        run: list[str] = []
        if el.text:
            run.append(el.text)
        for child in el:
            tag = child.tag
            if child is skip:
                pass
            elif tag in INLINE_TAGS:
                if tag == "br":
                    run.append(" ")
                elif not is_boilerplate(child):
                    _gather_inline(child, run)
            elif isinstance(tag, str) and not is_boilerplate(child):
                self._flush(run, out)
                self._element(child, out, nested=nested)
            if child.tail:
                run.append(child.tail)
        self._flush(run, out)

    @staticmethod
    def _flush(run: list[str], out: list[Event]) -> None:
        if run:
            text = clean_inline("".join(run))
            run.clear()
            if text:
                out.append(Block(kind="paragraph", text=text))

    def _nested(self, el: etree._Element, skip: etree._Element | None = None) -> list[Block]:
        """Blocks inside a list item, admonition or definition: headings become paragraphs."""
        events: list[Event] = []
        self._children(el, events, nested=True, skip=skip)
        return [e for e in events if isinstance(e, Block)]

    # --- dispatch --------------------------------------------------------------
    def _element(self, el: etree._Element, out: list[Event], *, nested: bool) -> None:
        tag = el.tag
        level = HEADING_LEVELS.get(tag)
        if level is not None:
            text = inline_text(el)
            if text:
                out.append(Block(kind="paragraph", text=text) if nested else Heading(level, text))
        elif tag == "p":
            text = inline_text(el)
            if text:
                out.append(Block(kind="paragraph", text=text))
        elif tag == "pre":
            self._code(el, out)
        elif tag in ("ul", "ol", "menu"):
            self._list(el, out)
        elif tag == "dl":
            self._definitions(el, out)
        elif tag == "table":
            self._table(el, out, nested=nested)
        elif tag == "hr":
            return
        elif tag == "blockquote" and admonition_kind(el) is None:
            self._blockquote(el, out, nested=nested)
        elif admonition_kind(el) is not None:
            self._admonition(el, out)
        else:
            self._children(el, out, nested=nested)

    # --- blocks ----------------------------------------------------------------
    def _code(self, pre: etree._Element, out: list[Event]) -> None:
        text = code_text(pre)
        if text.strip():
            out.append(Block(kind="code", text=text, language=code_language(pre, self.root)))

    def _list(self, el: etree._Element, out: list[Event]) -> None:
        if self.prune_link_lists and _is_link_list(el):
            return
        items: list[str] = []

        def flush() -> None:
            if items:
                out.append(Block(kind="list", text="\n".join(items), items=list(items)))
                items.clear()

        for child in el:
            if not isinstance(child.tag, str) or is_boilerplate(child):
                continue
            if child.tag in ("ul", "ol"):  # a list nested without its <li> (invalid, common)
                nested: list[Event] = []
                self._list(child, nested)
                for block in nested:
                    if isinstance(block, Block) and block.kind == "list":
                        items.extend(block.items)
                    elif isinstance(block, Block):
                        flush()
                        out.append(block)
                continue
            open_item = False
            for block in self._nested(child):
                if block.kind == "paragraph":
                    if open_item:
                        items[-1] = f"{items[-1]} {block.text}"
                    else:
                        items.append(block.text)
                        open_item = True
                elif block.kind == "list":
                    items.extend(block.items)
                    open_item = False
                else:  # code, tables and admonitions keep their own kind, in order
                    flush()
                    out.append(block)
                    open_item = False
        flush()

    def _definitions(self, el: etree._Element, out: list[Event]) -> None:
        language = None
        for token in class_tokens(el):
            if token in _DOMAIN_LANGUAGES:
                language = _DOMAIN_LANGUAGES[token]
                break
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or is_boilerplate(child):
                continue
            if tag == "dt":
                text = inline_text(child)
                if not text:
                    continue
                if "sig" in class_tokens(child):  # an API signature (Sphinx domains)
                    out.append(Block(kind="code", text=text, language=language))
                else:
                    out.append(Block(kind="paragraph", text=text))
            else:
                out.extend(self._nested(child))

    def _table(self, el: etree._Element, out: list[Event], *, nested: bool) -> None:
        if _is_layout_table(el):
            self._children(el, out, nested=nested)
            return
        rows: list[str] = []
        for tr in el.iter("tr"):
            cells = [inline_text(cell) for cell in tr if cell.tag in ("td", "th") and not is_boilerplate(cell)]
            cells = [c for c in cells if c]
            if cells:
                rows.append(" | ".join(cells))
        if rows:
            out.append(Block(kind="table", text="\n".join(rows), items=rows))

    def _blockquote(self, el: etree._Element, out: list[Event], *, nested: bool) -> None:
        blocks = self._nested(el)
        if blocks and blocks[0].kind == "paragraph":
            match = GITHUB_ALERT.match(blocks[0].text)
            if match:
                rest = blocks[0].text[match.end():]
                prose = ([rest] if rest else []) + [b.text for b in blocks[1:] if b.kind != "code"]
                self._emit_admonition(KIND_ALIASES[match.group(1).lower()], prose, blocks[1:], out)
                return
        if nested:
            out.extend(blocks)
        else:
            self._children(el, out, nested=False)

    def _admonition(self, el: etree._Element, out: list[Event]) -> None:
        title_el = admonition_title(el)
        title = inline_text(title_el) if title_el is not None else ""
        kind = resolve_kind(el, title)
        blocks = self._nested(el, skip=title_el)
        prose = [b.text for b in blocks if b.kind != "code"]
        if title and not is_generic_title(title):
            prose.insert(0, title)
        self._emit_admonition(kind, prose, blocks, out)

    @staticmethod
    def _emit_admonition(kind: str, prose: list[str], blocks: list[Block], out: list[Event]) -> None:
        # Code inside an admonition stays a code block (after it), so examples keep their language.
        text = "\n".join(p for p in prose if p)
        if text:
            out.append(Block(kind="admonition", text=text, admonition=kind))
        out.extend(b for b in blocks if b.kind == "code")


def _is_link_list(el: etree._Element) -> bool:
    text = clean_inline("".join(el.itertext()))
    if not text:
        return True
    link_text = clean_inline(" ".join("".join(a.itertext()) for a in el.iter("a")))
    return len(link_text) >= 0.8 * len(text)


_LAYOUT_MARKERS = ("pre", "table", "h1", "h2", "h3", "h4")


def _is_layout_table(el: etree._Element) -> bool:
    # Pygments "highlighttable" and old table-based layouts hold blocks, not data.
    return "highlighttable" in class_tokens(el) or next(el.iterdescendants(_LAYOUT_MARKERS), None) is not None
