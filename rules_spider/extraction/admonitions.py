"""Recognise admonitions (callouts) and normalise their kind.

Covers Sphinx/docutils (``div.admonition.warning``, ``div.deprecated``,
``div.versionchanged``), MkDocs Material (``div.admonition``, ``details``),
Docusaurus (``theme-admonition-*``, ``alert--*``), GitHub (``markdown-alert-*``
and the raw ``> [!WARNING]`` form), Bootstrap/Hugo (``alert-*``), Quarto
(``callout-*``) and Starlight (``starlight-aside--*``).
"""

from __future__ import annotations

import re

from lxml import etree

# Every spelling a theme uses, mapped onto the kinds Block.admonition documents.
KIND_ALIASES: dict[str, str] = {
    "warning": "warning", "warn": "warning", "attention": "caution", "caution": "caution",
    "danger": "danger", "error": "danger", "failure": "danger", "fail": "danger", "missing": "danger",
    "bug": "danger", "important": "important", "note": "note", "abstract": "note", "summary": "note",
    "tldr": "note", "question": "note", "help": "note", "faq": "note", "example": "note", "quote": "note",
    "cite": "note", "secondary": "note", "primary": "note", "tip": "tip", "hint": "tip", "success": "tip",
    "check": "tip", "done": "tip", "info": "info", "todo": "info", "seealso": "seealso", "see-also": "seealso",
    "deprecated": "deprecated", "versionremoved": "deprecated", "versionchanged": "versionchanged",
    "versionadded": "versionadded",
}

# Classes that make an element an admonition on their own.
_CONTAINER_CLASSES = frozenset(
    {"admonition", "markdown-alert", "theme-admonition", "alert", "callout", "starlight-aside",
     "deprecated", "versionremoved", "versionchanged", "versionadded", "nextra-callout"}
)
_KIND_PREFIXES = ("theme-admonition-", "admonition-", "markdown-alert-", "alert--", "alert-", "callout-",
                  "starlight-aside--", "is-")
# Titles that only repeat the kind ("Warning", "See also") carry nothing for the text.
GENERIC_TITLES = frozenset(
    set(KIND_ALIASES) | {"see also", "deprecated", "warning!", "note:", "tip:", "danger!", "admonition"}
)
_TITLE_CLASSES = frozenset({"admonition-title", "markdown-alert-title", "admonition-heading", "callout-title",
                            "starlight-aside__title", "alert-heading", "title"})
GITHUB_ALERT = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)


def admonition_kind(el: etree._Element) -> str | None:
    """Normalised kind when ``el`` is an admonition, else None."""
    tag = el.tag
    if tag == "details":
        return _kind_from_classes(el.get("class", "").split()) or "note"
    if tag not in ("div", "aside", "section", "blockquote"):
        return None
    cls = el.get("class")
    if not cls:
        return None
    tokens = cls.split()
    if not _CONTAINER_CLASSES.intersection(tokens):
        # A bare ``div.warning`` counts only when it carries an admonition title.
        kind = _kind_from_classes(tokens)
        if kind and (tag == "aside" or admonition_title(el) is not None):
            return kind
        return None
    return _kind_from_classes(tokens) or "note"


def _kind_from_classes(tokens: list[str]) -> str | None:
    for token in tokens:
        token = token.lower()
        kind = KIND_ALIASES.get(token)
        if kind:
            return kind
        for prefix in _KIND_PREFIXES:
            if token.startswith(prefix):
                kind = KIND_ALIASES.get(token[len(prefix):])
                if kind:
                    return kind
    return None


def admonition_title(el: etree._Element) -> etree._Element | None:
    """The element holding an admonition's title (a direct child), if any."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == "summary":
            return child
        cls = child.get("class")
        if cls:
            for token in cls.split():
                if token in _TITLE_CLASSES or token.startswith(("admonitionHeading", "admonition-title")):
                    return child
    return None


def kind_from_title(title: str) -> str | None:
    low = title.strip().lower()
    if low.startswith("deprecat"):
        return "deprecated"
    return KIND_ALIASES.get(low.rstrip(":!").strip().replace(" ", ""))


def resolve_kind(el: etree._Element, title: str) -> str:
    """Kind from the classes, refined by the title.

    A "Deprecated" callout is a deprecation whatever colour the theme gives it, and
    a generic admonition (Sphinx ``.. admonition:: Warning``) takes its title's kind.
    """
    title_kind = kind_from_title(title) if title else None
    if title_kind == "deprecated":
        return title_kind
    if el.tag == "details":
        class_kind = _kind_from_classes(el.get("class", "").split())
    else:
        class_kind = admonition_kind(el)
        if class_kind == "note" and _kind_from_classes(el.get("class", "").split()) is None:
            class_kind = None
    return class_kind or title_kind or "note"


def is_generic_title(title: str) -> bool:
    t = title.strip().lower()
    return t in GENERIC_TITLES or t.rstrip(":!").strip() in GENERIC_TITLES
