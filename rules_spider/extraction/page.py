"""HTML in, documentation structure out: the one entry point of extraction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from lxml import etree

from rules_spider.extraction.blocks import BlockWalker, Event
from rules_spider.extraction.document import document_language, parse_html
from rules_spider.extraction.main_content import body_of, densest_container, main_candidates
from rules_spider.extraction.sections import build_sections, sections_text
from rules_spider.extraction.title import page_title
from rules_spider.ids import content_hash
from rules_spider.items import Section

logger = logging.getLogger(__name__)

BODY_CONTAINER = "body"


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """A page's documentation content.

    ``text`` joins every heading and block text with newlines; rules quote their
    evidence from it. ``container`` names the rule that located the content
    (e.g. ``role=main``, ``md-content__inner``; ``body`` when none matched and
    the densest part of <body> was used; empty when the page had no content).
    """

    title: str
    sections: list[Section] = field(default_factory=list)
    text: str = ""
    language: str | None = None
    container: str = ""


def extract_page(html: str | bytes, url: str, encoding: str | None = None) -> ExtractedPage:
    """Title, sections and text of the page's main content, without site chrome."""
    root = parse_html(html, encoding)
    if root is None:
        logger.debug("No markup to extract at %s", url)
        return ExtractedPage(title="")
    try:
        container, main, events = _main_events(root)
    except RecursionError:
        # libxml2 caps nesting at 256 levels; a few block kinds recurse deeper than Python allows.
        logger.warning("Markup nested too deeply to extract at %s", url)
        container, main, events = "", None, []
    title = page_title(root, main)
    sections = build_sections(events, title)
    if not events:
        logger.debug("No content found at %s", url)
    return ExtractedPage(
        title=title,
        sections=sections,
        text=sections_text(sections),
        language=document_language(root),
        container=container if events else "",
    )


def _main_events(root: etree._Element) -> tuple[str, etree._Element | None, list[Event]]:
    # First known container that yields anything wins; an empty one (a page whose
    # article is rendered by JavaScript) falls through to the next.
    for name, element in main_candidates(root):
        events = BlockWalker(element).walk()
        if events:
            return name, element, events
    body = body_of(root)
    dense = densest_container(body)
    events = BlockWalker(dense, prune_link_lists=True).walk()
    return BODY_CONTAINER, dense if events else None, events


def page_content_hash(page: ExtractedPage) -> str:
    """Hash of the page text; equal for the same content published at two URLs."""
    return content_hash(page.text)
