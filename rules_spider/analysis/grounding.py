"""Grounding: a rule's evidence must be what the page says, word for word.

Evidence is grounded when, after collapsing whitespace, it is a substring of
the page's extracted text and long enough to carry a claim (at least
``MIN_EVIDENCE_WORDS`` words). An example, when the rule has one, must come
from one of the page's code blocks (or, without blocks, from its text).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rules_spider.ids import normalise_text
from rules_spider.items import DocPage, Rule

MIN_EVIDENCE_WORDS = 4


@lru_cache(maxsize=16)
def _normalised_page(page_text: str) -> str:
    # Pages are checked once per rule; normalise each page's text once.
    return normalise_text(page_text)


def evidence_in_text(evidence: str, page_text: str) -> bool:
    """Whether ``evidence`` is quoted verbatim (modulo whitespace) from ``page_text``."""
    quote = normalise_text(evidence)
    return len(quote.split()) >= MIN_EVIDENCE_WORDS and quote in _normalised_page(page_text)


def is_grounded(rule: Rule, page_text: str, code_blocks: Iterable[str] | None = None) -> bool:
    """Whether ``rule`` quotes ``page_text`` and its example comes from the page's code."""
    if not evidence_in_text(rule.evidence, page_text):
        return False
    if rule.example:
        example = normalise_text(rule.example)
        sources = list(code_blocks) if code_blocks is not None else [page_text]
        if not any(example in _normalised_page(source) for source in sources):
            return False
    return True


def page_code_blocks(page: DocPage) -> list[str]:
    return [block.text for section in page.sections for block in section.blocks if block.kind == "code"]


def is_grounded_in_page(rule: Rule, page: DocPage) -> bool:
    """``is_grounded`` against ``page.text`` and the page's own code blocks."""
    return is_grounded(rule, page.text, page_code_blocks(page))
