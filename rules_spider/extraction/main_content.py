"""Find the element that holds a page's documentation, not its chrome."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from rules_spider.extraction.boilerplate import is_boilerplate


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# Most specific first: a theme's article wrapper beats a generic <main> that also
# holds sidebars. Each rule is (name, xpath predicate on any element).
MAIN_RULES: tuple[tuple[str, str], ...] = (
    ("md-content__inner", _has_class("md-content__inner")),
    ("theme-doc-markdown", _has_class("theme-doc-markdown")),
    ("articleBody", "@itemprop='articleBody'"),
    ("role=main", "@role='main'"),
    ("main", "self::main"),
    ("article", "self::article"),
    ("div.body", f"self::div and {_has_class('body')}"),
    ("div.document", f"self::div and {_has_class('document')}"),
    ("rst-content", _has_class("rst-content")),
    ("md-content", _has_class("md-content")),
    ("vp-doc", _has_class("vp-doc")),
    ("#content", "@id='content'"),
    ("#main-content", "@id='main-content'"),
    ("#main", "@id='main'"),
    ("markdown-body", _has_class("markdown-body")),
    ("markdown", _has_class("markdown")),
    ("content", f"self::div and {_has_class('content')}"),
)
_RULE_TESTS = [(name, etree.XPath(f"boolean(self::*[{pred}])")) for name, pred in MAIN_RULES]
_ANY_RULE = etree.XPath("//body//*[" + " or ".join(f"({pred})" for _, pred in MAIN_RULES) + "]")
_BODY = etree.XPath("//body")

# Density fallback: text blocks that vote for the container holding them.
_TEXT_TAGS = ("p", "pre", "li", "td", "dd", "blockquote")
_MIN_TEXT = 20
_SHARE = 0.8


def main_candidates(root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Candidate content elements, best first, as (rule name, element).

    A rule that matches several unrelated elements (a blog index with many
    <article>s) is ambiguous and skipped, so a wider container wins instead.
    Elements inside site chrome (an <article> in a sidebar) never count.
    """
    matches = _ANY_RULE(root)
    by_rule: dict[str, list[etree._Element]] = {}
    for el in matches:
        for name, test in _RULE_TESTS:
            if test(el):
                by_rule.setdefault(name, []).append(el)
    for name, _ in MAIN_RULES:
        found = by_rule.get(name)
        if not found:
            continue
        outermost = _outermost(found)
        if len(outermost) != 1:
            continue
        el = outermost[0]
        if not _inside_chrome(el):
            yield name, el


def _outermost(elements: list[etree._Element]) -> list[etree._Element]:
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


def _inside_chrome(el: etree._Element) -> bool:
    return is_boilerplate(el) or any(is_boilerplate(a) for a in el.iterancestors() if a.tag not in ("html", "body"))


def body_of(root: etree._Element) -> etree._Element:
    found = _BODY(root)
    return found[0] if found else root


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
