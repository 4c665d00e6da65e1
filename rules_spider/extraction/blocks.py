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
from rules_spider.extraction.page_chrome import class_tokens, is_boilerplate
from rules_spider.extraction.code import code_language, code_text
from rules_spider.extraction.inline import INLINE_TAGS, clean_inline, clean_marked, gather_child, inline_marked, plain, raw_text
from rules_spider.items import Block, BlockKind

HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_DOMAIN_LANGUAGES = {"py": "python", "js": "javascript", "c": "c", "cpp": "cpp", "rb": "ruby", "php": "php"}
# Sphinx gives a described object's <dt> its qualified name as id ("os.path.join", "Session.close").
_QUALIFIED_ID = re.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+$")
_FIELD_NAME_END = re.compile(r"\s*:\s*$")


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    marked: str = ""


Event = Heading | Block


def _block(kind: BlockKind, marked: str, **fields: object) -> Block:
    text = plain(marked)
    return Block(kind=kind, text=text, marked=marked if marked != text else "", **fields)  # type: ignore[arg-type]


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
            run.append(raw_text(el.text))
        for child in el:
            tag = child.tag
            if child is skip:
                pass
            elif tag in INLINE_TAGS:
                gather_child(child, run)
            elif isinstance(tag, str) and not is_boilerplate(child):
                self._flush(run, out)
                self._element(child, out, nested=nested)
            if child.tail:
                run.append(raw_text(child.tail))
        self._flush(run, out)

    @staticmethod
    def _flush(run: list[str], out: list[Event]) -> None:
        if run:
            marked = clean_marked("".join(run))
            run.clear()
            if marked:
                out.append(_block("paragraph", marked))

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
            marked = inline_marked(el)
            if marked:
                out.append(_block("paragraph", marked) if nested else Heading(level, plain(marked), marked))
        elif tag == "p":
            marked = inline_marked(el)
            if marked:
                out.append(_block("paragraph", marked))
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
        items: list[str] = []  # marked text of each item

        def flush() -> None:
            if items:
                out.append(_list_block(items))
                items.clear()

        for child in el:
            if not isinstance(child.tag, str) or is_boilerplate(child):
                continue
            if child.tag in ("ul", "ol"):  # a list nested without its <li> (invalid, common)
                nested: list[Event] = []
                self._list(child, nested)
                for block in nested:
                    if isinstance(block, Block) and block.kind == "list":
                        items.extend(_marked_items(block))
                    elif isinstance(block, Block):
                        flush()
                        out.append(block)
                continue
            open_item = False
            for block in self._nested(child):
                if block.kind == "paragraph":
                    if open_item:
                        items[-1] = f"{items[-1]} {block.marked or block.text}"
                    else:
                        items.append(block.marked or block.text)
                        open_item = True
                elif block.kind == "list":
                    items.extend(_marked_items(block))
                    open_item = False
                else:  # code, tables and admonitions keep their own kind, in order
                    flush()
                    out.append(block)
                    open_item = False
        flush()

    def _definitions(self, el: etree._Element, out: list[Event]) -> None:
        if "field-list" in class_tokens(el):
            self._fields(el, out)
            return
        language = None
        for token in class_tokens(el):
            if token in _DOMAIN_LANGUAGES:
                language = _DOMAIN_LANGUAGES[token]
                break
        term: str | None = None
        after_term = False  # several <dt> before one <dd> are one item's forms ("-S", "--gpg-sign", ...)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or is_boilerplate(child):
                continue
            if tag == "dt":
                marked = inline_marked(child)
                if not marked:
                    continue
                name = _term_name(child, plain(marked))
                term = f"{term}, {name}" if after_term and term and name else name
                after_term = True
                # An API signature (Sphinx domains) keeps its language; it is what is documented, not an example.
                signature = "sig" in class_tokens(child)
                out.append(_block("term", marked, term=term, language=language if signature else None))
            else:
                after_term = False
                for block in self._nested(child):
                    if block.term is None:  # an inner <dl> already named its own terms
                        block.term = term
                    out.append(block)

    def _fields(self, el: etree._Element, out: list[Event]) -> None:
        """A Sphinx field list ("Parameters", "Raises", "Deprecated") belongs to the object its <dl> is in: its
        field names name no term, so its blocks take the enclosing definition's, and a "Deprecated" field is a
        deprecation note. Older Sphinx writes it as a table of <th> names and <td> bodies."""
        if el.tag == "table":
            cells = (cell for tr in el.iter("tr") for cell in tr if cell.tag in ("th", "td"))
        else:
            cells = (child for child in el if child.tag in ("dt", "dd"))
        deprecated = False
        for cell in cells:
            if is_boilerplate(cell):
                continue
            if cell.tag in ("dt", "th"):
                marked = inline_marked(cell)
                deprecated = _FIELD_NAME_END.sub("", plain(marked)).lower() == "deprecated"
                if marked:
                    out.append(_block("term", marked))
            else:
                for block in self._nested(cell):
                    if deprecated and block.kind in ("paragraph", "list") and block.admonition is None:
                        block.admonition = "deprecated"
                    out.append(block)

    def _table(self, el: etree._Element, out: list[Event], *, nested: bool) -> None:
        if "field-list" in class_tokens(el):
            self._fields(el, out)
            return
        if _is_layout_table(el):
            self._children(el, out, nested=nested)
            return
        rows: list[str] = []
        columns: list[str] = []
        for tr in el.iter("tr"):
            cells = [cell for cell in tr if cell.tag in ("td", "th") and not is_boilerplate(cell)]
            marked = [m for m in (inline_marked(cell) for cell in cells) if m]
            if not marked:
                continue
            if not rows and not columns and all(cell.tag == "th" for cell in cells):
                columns = [plain(m) for m in marked]
            rows.append(" | ".join(marked))
        if rows:
            block = _list_block(rows, kind="table")
            block.columns = columns
            out.append(block)

    def _blockquote(self, el: etree._Element, out: list[Event], *, nested: bool) -> None:
        blocks = self._nested(el)
        if blocks and blocks[0].kind == "paragraph":
            first = blocks[0].marked or blocks[0].text
            match = GITHUB_ALERT.match(first)
            if match:
                rest = first[match.end():]
                prose = ([rest] if rest else []) + [b.marked or b.text for b in blocks[1:] if b.kind != "code"]
                self._emit_admonition(KIND_ALIASES[match.group(1).lower()], prose, blocks[1:], out)
                return
        if nested:
            out.extend(blocks)
        else:
            self._children(el, out, nested=False)

    def _admonition(self, el: etree._Element, out: list[Event]) -> None:
        title_el = admonition_title(el)
        title = inline_marked(title_el) if title_el is not None else ""
        kind = resolve_kind(el, plain(title))
        blocks = self._nested(el, skip=title_el)
        prose = [b.marked or b.text for b in blocks if b.kind != "code"]
        if title and not is_generic_title(plain(title)):
            prose.insert(0, title)
        self._emit_admonition(kind, prose, blocks, out)

    @staticmethod
    def _emit_admonition(kind: str, prose: list[str], blocks: list[Block], out: list[Event]) -> None:
        # Code inside an admonition stays a code block (after it), so examples keep their language.
        marked = "\n".join(p for p in prose if p)
        if marked:
            out.append(_block("admonition", marked, admonition=kind))
        out.extend(b for b in blocks if b.kind == "code")


def _marked_items(block: Block) -> list[str]:
    return (block.marked or block.text).split("\n")


def _list_block(marked_items: list[str], kind: BlockKind = "list") -> Block:
    block = _block(kind, "\n".join(marked_items))
    block.items = [plain(item) for item in marked_items]
    return block


def _term_name(dt: etree._Element, text: str) -> str:
    """What a definition documents: the qualified name of a Sphinx object, else its signature's name,
    else the <dt> text."""
    ident = dt.get("id") or ""
    parent = dt.getparent()
    if ident.startswith("c.") and parent is not None and "c" in class_tokens(parent):
        ident = ident[2:]  # Sphinx's C domain prefixes its ids: "c.Py_INCREF" documents Py_INCREF
    if _QUALIFIED_ID.match(ident):
        short = ident.rsplit(".", 1)[-1]
        at = text.find(short)
        if at >= 0:
            rest = text[at + len(short):]
            return ident + ("()" if rest.startswith("(") else "")
    return _signature_name(dt) or text


def _signature_name(dt: etree._Element) -> str | None:
    """A Sphinx signature's name without its parameters: ``jinja-filters.dictsort(value: Mapping[K, V], ...)``
    -> ``dictsort()``; the prefix stays when it is a dotted name (``Session.`` + ``close``)."""
    name = next((el for el in dt.iter("span", "code") if "descname" in class_tokens(el)), None)
    if name is None:
        return None
    short = clean_inline("".join(name.itertext()))
    if not short:
        return None
    prefix = next((clean_inline("".join(el.itertext())) for el in dt.iter("span", "code")
                   if "descclassname" in class_tokens(el)), "")
    qualified = prefix + short if _QUALIFIED_ID.match(prefix + short) else short
    takes_arguments = any("sig-paren" in class_tokens(el) for el in dt.iter("span"))
    return qualified + ("()" if takes_arguments else "")


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
