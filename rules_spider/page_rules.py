"""One page in, its rules out: the whole page-to-rules step as one pure function.

    page bytes -> extract -> candidate units -> rule model -> select -> compose -> grounded, safe rules

It runs in the worker pool, once per page; the crawl process only routes the result, counts it and
streams the rules. Every check runs here, once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from rules_spider.analysis.grounding import evidence_in_text
from rules_spider.analysis.keywords import page_keywords, rule_keywords
from rules_spider.analysis.safety import is_unsafe_rule, unsafe_text_reason
from rules_spider.compose import PageInfo, compose_rule
from rules_spider.extraction import extract_page
from rules_spider.ids import content_hash
from rules_spider.items import DocPage, Rule, Section
from rules_spider.rulemodel.loading import current_rule_model
from rules_spider.units import Unit, page_units
from rules_spider.units.scored import ScoredUnit


TOP_KEYWORDS = 10
MAX_RULE_KEYWORDS = 8


@dataclass(frozen=True, slots=True)
class Selection:
    """How rules are chosen: the model's own threshold unless one is given; ``max_rules`` only as a safety bound."""

    threshold: float | None = None
    max_rules: int = 200
    state_dir: Path | None = None
    keep_units: bool = False  # return the scored units too (LLM generators work from them)
    # Units at or above this probability are returned for an LLM generator, which may find guidance
    # the threshold missed; below it they are not worth the prompt tokens.
    candidate_threshold: float = 0.3


@dataclass(slots=True)
class PageResult:
    """What the crawl process needs of a page."""

    title: str
    content_hash: str
    has_content: bool
    language: str | None
    rules: list[Rule] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    units: list[ScoredUnit] = field(default_factory=list)
    text: str = ""
    sections: list[Section] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    model_version: str = ""


def page_to_rules(html: str | bytes, page: PageInfo, selection: Selection, encoding: str | None = None) -> PageResult:
    """The rules of one documentation page (see the module docstring)."""
    extracted = extract_page(html, page.url, encoding)
    result = PageResult(title=extracted.title, content_hash=content_hash(extracted.text),
                        has_content=any(section.blocks for section in extracted.sections),
                        language=extracted.language)
    if not result.has_content:
        return result
    if extracted.language and not extracted.language.lower().startswith("en"):
        result.counts["rules/skipped/not_english"] += 1  # the model learned English documentation
        return result
    model = current_rule_model(selection.state_dir)
    result.model_version = model.card.model_version
    keywords, section_keywords = page_keywords(
        DocPage(url=page.url, source_name=page.source_name, technology=page.technology,
                sections=list(extracted.sections), text=extracted.text), TOP_KEYWORDS)
    result.keywords = keywords
    units = page_units(extracted.sections, page.url, extracted.title)
    result.counts["units/candidates"] += len(units)
    if not units:
        return result
    probabilities = model.model.proba_from_counts(model.model.counts(units))
    threshold = model.threshold if selection.threshold is None else selection.threshold
    chosen = sorted((i for i, p in enumerate(probabilities) if p >= threshold), key=lambda i: (-probabilities[i], i))
    if len(chosen) > selection.max_rules:
        result.counts["rules/dropped/over_page_bound"] += len(chosen) - selection.max_rules
        chosen = chosen[: selection.max_rules]
    result.counts["units/selected"] += len(chosen)
    if selection.keep_units:
        result.units = [ScoredUnit(u, float(p)) for u, p in zip(units, probabilities, strict=True)
                        if p >= min(selection.candidate_threshold, threshold)]
        result.text = extracted.text
        result.sections = list(extracted.sections)
    seen: set[str] = set()
    for index in sorted(chosen):
        unit = units[index]
        rule = compose_rule(unit, float(probabilities[index]), page, extracted.sections[unit.section_index],
                            extracted.text)
        reason = _rejection(rule, extracted.text)
        if reason:
            result.counts[f"rules/dropped/{reason}"] += 1
            continue
        if rule.id in seen:
            continue
        seen.add(rule.id)
        rule.quality_model = model.card.model_version
        rule.unit = unit_context(unit, page.url)
        rule.keywords = rule_keywords(rule.evidence, [rule.subject] if rule.subject else [],
                                      [*section_keywords.get(unit.section_index, []), *keywords], MAX_RULE_KEYWORDS)
        result.rules.append(rule)
    return result


def _rejection(rule: Rule, page_text: str) -> str | None:
    if not rule.title.strip() or not rule.body.strip():
        return "empty_text"
    if not evidence_in_text(rule.evidence, page_text):
        return "ungrounded"
    if is_unsafe_rule(rule):
        return "unsafe"
    return None


def unit_context(unit: Unit, source_url: str = "") -> dict[str, object]:
    """A unit as stored with its rule (JSON-friendly). Its context travels with the rule into rules.jsonl,
    the review page and the MCP server, so context text the safety check refuses is left out."""
    data: dict[str, object] = {name: getattr(unit, name) for name in _UNIT_FIELDS}
    for key in ("previous", "next", "lead_in", "term"):
        value = data[key]
        if value and _unsafe(str(value), source_url):
            data[key] = None
    data["heading_path"] = [h for h in unit.heading_path if not _unsafe(h, source_url)]
    data["columns"] = list(unit.columns)
    return data


_UNIT_FIELDS = tuple(f.name for f in fields(Unit))


@lru_cache(maxsize=4096)
def _unsafe(text: str, source_url: str) -> bool:
    # A page's headings and neighbouring sentences come back for rule after rule: check each once.
    return unsafe_text_reason(text, source_url) is not None


def unit_from_context(data: dict[str, object]) -> Unit:
    """The unit a stored rule came from."""
    values = dict(data)
    values["heading_path"] = tuple(values.get("heading_path") or ())  # type: ignore[arg-type]
    values["columns"] = tuple(values.get("columns") or ())  # type: ignore[arg-type]
    return Unit(**values)  # type: ignore[arg-type]


def unit_of_rule(rule: object) -> Unit:
    """The unit a rule (or a stored rule record) was composed from; a rule from before units were stored
    (or an LLM rule that quotes no single unit) is read as its evidence sentence under its section."""
    stored = getattr(rule, "unit", None)
    if stored:
        return unit_from_context(stored)
    evidence = str(getattr(rule, "evidence", ""))
    section = tuple(getattr(rule, "section", None) or ())
    return Unit(text=evidence, marked=evidence, kind="sentence", page_kind="guide", heading_path=section,
                section_index=0, block_index=0)
