"""Find the element that holds a page's documentation, not its chrome."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from rules_spider.extraction.page_chrome import is_boilerplate


# Most specific first: a theme's article wrapper beats a generic <main> that also
# holds sidebars. Each rule is (name, tag it needs or None, attribute, value);
# the attribute "class" matches one class token, None matches on the tag alone.
MAIN_RULES: tuple[tuple[str, str | None, str | None, str | None], ...] = (
    ("md-content__inner", None, "class", "md-content__inner"),
    ("theme-doc-markdown", None, "class", "theme-doc-markdown"),
    ("articleBody", None, "itemprop", "articleBody"),
    ("role=main", None, "role", "main"),
    ("main", "main", None, None),
    ("article", "article", None, None),
    ("div.body", "div", "class", "body"),
    ("div.document", "div", "class", "document"),
    ("rst-content", None, "class", "rst-content"),
    ("md-content", None, "class", "md-content"),
    ("vp-doc", None, "class", "vp-doc"),
    ("#content", None, "id", "content"),
    ("#main-content", None, "id", "main-content"),
    ("#main", None, "id", "main"),
    ("markdown-body", None, "class", "markdown-body"),
    ("markdown", None, "class", "markdown"),
    ("content", "div", "class", "content"),
)
_BY_CLASS: dict[str, list[tuple[int, str | None]]] = {}
_BY_ATTR: dict[tuple[str, str], list[tuple[int, str | None]]] = {}
_BY_TAG: dict[str, list[int]] = {}
for _rank, (_name, _tag, _attr, _value) in enumerate(MAIN_RULES):
    if _attr is None:
        _BY_TAG.setdefault(str(_tag), []).append(_rank)
    elif _attr == "class":
        _BY_CLASS.setdefault(str(_value), []).append((_rank, _tag))
    else:
        _BY_ATTR.setdefault((_attr, str(_value)), []).append((_rank, _tag))
_MATCH_ATTRS = ("itemprop", "role", "id")
# Themes put their content wrappers on these tags; iterating them is done in C.
_CANDIDATE_TAGS = ("div", "main", "article", "section")

# Density fallback: text blocks that vote for the container holding them.
_TEXT_TAGS = ("p", "pre", "li", "td", "dd", "blockquote")
_MIN_TEXT = 20
_SHARE = 0.8


def _ranks(el: etree._Element) -> list[int]:
    tag = el.tag
    ranks = list(_BY_TAG.get(tag, ()))
    attrib = el.attrib
    if attrib:
        cls = attrib.get("class")
        if cls:
            for token in cls.split():
                for rank, need in _BY_CLASS.get(token, ()):
                    if need is None or need == tag:
                        ranks.append(rank)
        for attr in _MATCH_ATTRS:
            value = attrib.get(attr)
            if value:
                for rank, need in _BY_ATTR.get((attr, value), ()):
                    if need is None or need == tag:
                        ranks.append(rank)
    return ranks


def main_candidates(root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Candidate content elements, best first, as (rule name, element).

    A rule that matches several unrelated elements (a blog index with many
    <article>s) is ambiguous and skipped, so a wider container wins instead.
    Elements inside site chrome (an <article> in a sidebar) never count.
    """
    by_rank: dict[int, list[etree._Element]] = {}
    for el in root.iter(_CANDIDATE_TAGS):
        for rank in _ranks(el):
            by_rank.setdefault(rank, []).append(el)
    for rank in sorted(by_rank):
        outermost = _outermost(by_rank[rank])
        if len(outermost) != 1:
            continue
        el = outermost[0]
        if not _inside_chrome(el):
            yield MAIN_RULES[rank][0], el


def _outermost(elements: list[etree._Element]) -> list[etree._Element]:
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


def _inside_chrome(el: etree._Element) -> bool:
    return is_boilerplate(el) or any(is_boilerplate(a) for a in el.iterancestors() if a.tag not in ("html", "body"))


def body_of(root: etree._Element) -> etree._Element:
    found = root.find("body")
    return found if found is not None else root


def densest_container(body: etree._Element) -> etree._Element:
    """The deepest element holding most (80%) of the page's running text.

    Used only when no known content container matched: text blocks vote for every
    ancestor, and we descend from <body> while one child still holds most votes,
    which leaves out link-only sidebars and short footers around the text.
    """
    votes: dict[etree._Element, int] = {}
    total = 0
    for el in body.iter(_TEXT_TAGS):
        length = len("".join(el.itertext()).strip()) - sum(len("".join(a.itertext()).strip()) for a in el.iter("a"))
        if length < _MIN_TEXT or any(is_boilerplate(a) for a in el.iterancestors() if a is not body):
            continue
        total += length
        for ancestor in el.iterancestors():
            votes[ancestor] = votes.get(ancestor, 0) + length
            if ancestor is body:
                break
    if not total:
        return body
    node = body
    while True:
        best = max((c for c in node if isinstance(c.tag, str)), key=lambda c: votes.get(c, 0), default=None)
        if best is None or votes.get(best, 0) < _SHARE * total:
            return node
        node = best
