"""A rule's evidence as a reader checks it: the quote among the lines around it on its page, and the
identifiers it names (an edit that drops all of them has lost what the rule is about)."""

from __future__ import annotations

from dataclasses import dataclass

from rules_spider.analysis.subjects import find_subjects
from rules_spider.extraction.inline import code_spans
from rules_spider.items import Rule


@dataclass(frozen=True, slots=True)
class EvidenceContext:
    """The heading path, the lines before the quote, the quote, the lines after it (all page text)."""

    headings: tuple[str, ...]
    before: tuple[str, ...]
    quote: str
    after: tuple[str, ...]


def evidence_context(rule: Rule) -> EvidenceContext:
    """Where the quote sits on its page, from the unit the rule was composed from."""
    unit = rule.unit or {}
    before = [line for line in (unit.get("lead_in"), unit.get("previous")) if line]
    after = [unit["next"]] if unit.get("next") else []
    headings = tuple(unit.get("heading_path") or rule.section)
    return EvidenceContext(headings, tuple(before), rule.evidence, tuple(after))


def evidence_identifiers(rule: Rule) -> tuple[str, ...]:
    """The code names the evidence mentions: its inline code spans, then identifiers by shape."""
    marked = (rule.unit or {}).get("marked") or ""
    names = [span.strip() for span in code_spans(marked) if span.strip()]
    names.extend(s.text for s in find_subjects(rule.evidence) if s.is_code)
    return tuple(dict.fromkeys(names))


def dropped_identifiers(original: Rule, title: str, body: str) -> tuple[str, ...]:
    """The evidence's identifiers when the new title and body mention none of them, else ()."""
    names = evidence_identifiers(original)
    text = f"{title}\n{body}"
    return () if any(name in text for name in names) else names
