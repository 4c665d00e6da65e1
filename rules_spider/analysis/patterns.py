"""Everything analysis finds on one page, bundled for the generators."""

from __future__ import annotations

from dataclasses import dataclass, field

from rules_spider.analysis.antipatterns import AntiPattern
from rules_spider.analysis.code import CodePatterns, page_code_patterns
from rules_spider.analysis.directives import Directive, find_directives
from rules_spider.analysis.keywords import page_keywords
from rules_spider.analysis.technology import TechnologyProfile, detect_technology
from rules_spider.items import DocPage


@dataclass(slots=True)
class PagePatterns:
    """Directives, anti-patterns, code patterns, technology and keywords of a page."""

    directives: list[Directive]
    anti_patterns: list[AntiPattern]
    code: CodePatterns
    technology: TechnologyProfile
    keywords: list[str]
    section_keywords: dict[int, list[str]] = field(default_factory=dict)
    identifiers: frozenset[str] = frozenset()



def find_patterns(page: DocPage, *, top_keywords: int = 10) -> PagePatterns:
    """Analyse ``page`` (already extracted: ``sections`` and ``text`` filled)."""
    code = page_code_patterns(page)
    identifiers = code.identifiers()
    directives = find_directives(page, identifiers, code.cli)
    keywords, section_keywords = page_keywords(page, top_keywords)
    return PagePatterns(
        directives=directives,
        anti_patterns=[d.anti_pattern for d in directives if d.anti_pattern is not None],
        code=code,
        technology=detect_technology(page, code),
        keywords=keywords,
        section_keywords=section_keywords,
        identifiers=identifiers,
    )
