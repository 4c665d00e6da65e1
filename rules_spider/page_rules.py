"""One page in, its rules out: the whole page-to-rules step as one pure function.

    page bytes -> extract -> candidate units -> rule model -> select -> compose -> grounded, safe rules

It runs in the worker pool, once per page; the crawl process only routes the result, counts it and
streams the rules. Every check runs here, once.
"""

from __future__ import annotations


from rules_spider.analysis.grounding import evidence_in_text
from rules_spider.analysis.keywords import page_keywords, rule_keywords
from rules_spider.analysis.safety import is_unsafe_rule
from rules_spider.compose import PageInfo, compose_rule
from rules_spider.compose.subject import documented_names
from rules_spider.extraction import extract_page
from rules_spider.ids import content_hash
from rules_spider.generation.llm_cache import LlmCache
from rules_spider.items import DocPage, Rule
from rules_spider.reranker.loading import current_reranker
from rules_spider.rulemodel.loading import current_rule_model
from rules_spider.units import page_units
from rules_spider.units.scored import ScoredUnit
from rules_spider.units.stored import unit_context
from rules_spider.page_task import PageResult, Selection


TOP_KEYWORDS = 10
MAX_RULE_KEYWORDS = 8


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
    keywords, section_keywords = page_keywords(
        DocPage(url=page.url, source_name=page.source_name, technology=page.technology,
                sections=list(extracted.sections), text=extracted.text), TOP_KEYWORDS)
    result.keywords = keywords
    units = page_units(extracted.sections, page.url, extracted.title)
    result.counts["units/candidates"] += len(units)
    if not units:
        return result
    if units[0].page_kind in selection.skip_page_kinds:
        result.counts[f"rules/skipped/page_kind/{units[0].page_kind}"] += 1
        return result
    probabilities = model.model.proba_from_counts(model.model.counts(units))
    model_version, default_threshold = model.card.model_version, model.threshold
    if selection.reranker is not None:
        reranker = current_reranker(selection.reranker)
        cache = LlmCache(selection.reranker_cache) if selection.reranker_cache is not None else None
        probabilities, read, from_cache = reranker.rescore(units, probabilities, cache)
        result.counts["units/reranked_from_cache" if from_cache else "units/reranked"] += read
        model_version = f"{model_version}+{reranker.card.reranker_version}"
        default_threshold = reranker.card.threshold
    result.model_version = model_version
    threshold = default_threshold if selection.threshold is None else selection.threshold
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
    documented = documented_names(extracted.sections)
    for index in sorted(chosen):
        unit = units[index]
        rule = compose_rule(unit, float(probabilities[index]), page, extracted.sections[unit.section_index],
                            extracted.text, documented=documented)
        reason = _rejection(rule, extracted.text)
        if reason:
            result.counts[f"rules/dropped/{reason}"] += 1
            continue
        if rule.id in seen:
            continue
        seen.add(rule.id)
        rule.quality_model = model_version
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
