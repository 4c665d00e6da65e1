"""The offline, deterministic rule generator: rules are what the page says.

Every rule comes from one directive of the page (a cue sentence, an
anti-pattern, an alert admonition; see ``rules_spider.analysis``), or from a
sentence that introduces a code example. The body is that sentence in the
imperative (``rules_spider.analysis.rewrite``), the evidence is the sentence
verbatim, the example is the nearest code block of the same section that
names the subject. Sentences that are page chrome, marketing, vague or
about nothing in particular, and anything unsafe to hand an AI assistant,
never become rules. No model, no network, same output for the same page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rules_spider.analysis.unusable_sentences import rejection_reason
from rules_spider.analysis.categories import categorize
from rules_spider.analysis.code import block_language, extract_code_patterns
from rules_spider.analysis.directives import Directive
from rules_spider.analysis.examples import MAX_EXAMPLE_LINES, abbreviated_call, example_goal, nearest_example
from rules_spider.analysis.grounding import evidence_in_text
from rules_spider.analysis.keywords import rule_keywords
from rules_spider.analysis.patterns import PagePatterns, find_patterns
from rules_spider.analysis.rewrite import imperative_body, make_title, mark_code
from rules_spider.analysis.safety import is_unsafe_rule, unsafe_text_reason
from rules_spider.analysis.sentences import sentence_spans
from rules_spider.analysis.subjects import find_subjects, strip_backticks
from rules_spider.ids import rule_id
from rules_spider.items import Block, DocPage, Rule, RuleCategory
from rules_spider.quality.heuristic import heuristic_quality

if TYPE_CHECKING:
    from rules_spider.generation.base import StatsLike

logger = logging.getLogger(__name__)

DEFAULT_MAX_RULES_PER_PAGE = 25
MAX_KEYWORDS = 8
_CHANGELOG = re.compile(r"change-?log|release[\s_-]?notes|releases|what['\u2019]?s[\s_-]new|news|history", re.I)
# A sentence pointing at the code right after it.
_INTRODUCES_CODE = re.compile(r":\s*$|\bthe\s+following\b|\bas\s+follows\b|\blike\s+(?:this|so)\b|\bbelow\b", re.I)


@dataclass(frozen=True, slots=True)
class _Candidate:
    rule: Rule
    strength: int
    order: tuple[int, int, int]


class ExtractiveGenerator:
    """Rules quoted from the page itself (see the module docstring)."""

    name = "extractive"
    model: str | None = None

    def __init__(self, max_rules_per_page: int = DEFAULT_MAX_RULES_PER_PAGE, stats: StatsLike | None = None) -> None:
        if max_rules_per_page < 1:
            raise ValueError(f"max_rules_per_page must be at least 1, got {max_rules_per_page}")
        self.max_rules_per_page = max_rules_per_page
        self.stats = stats

    def close(self) -> None:
        """Nothing to release: no model, no connections."""

    def _skip(self, reason: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"rules/extractive/skipped/{reason}", count)

    # -- rules from directives -------------------------------------------------

    def _directive_rule(self, page: DocPage, patterns: PagePatterns, directive: Directive) -> Rule | None:
        if directive.imperative and (_CHANGELOG.search(page.url) or any(_CHANGELOG.search(h) for h in directive.path)):
            self._skip("changelog")  # "Add X", "Fix Y": release notes describe changes, they do not instruct
            return None
        reason = rejection_reason(directive.sentence, directive.subjects)
        if reason is None and directive.evidence != directive.sentence:
            reason = rejection_reason(directive.evidence, directive.subjects)
        if reason:
            self._skip(reason)
            return None
        anti_pattern = directive.anti_pattern
        if directive.admonition == "deprecated" and anti_pattern is not None and anti_pattern.avoid is None:
            # "Deprecated since 2.0: use Y instead." under a heading naming what is deprecated
            heading = page.sections[directive.section_index].heading
            named = [s.text for s in find_subjects(heading, patterns.identifiers, patterns.code.cli) if s.is_code]
            if named:
                anti_pattern = replace(anti_pattern, avoid=named[0])
        plain = imperative_body(directive.evidence, anti_pattern)
        subjects = list(dict.fromkeys([
            *directive.subjects, *(s.text for s in find_subjects(plain, patterns.identifiers, patterns.code.cli) if s.is_code)
        ]))
        subject = subjects[0] if subjects else None
        example = nearest_example(
            page.sections[directive.section_index],
            directive.block_index,
            subjects,
            introduces_code=bool(_INTRODUCES_CODE.search(directive.sentence)),
        )
        category = categorize(
            directive.evidence,
            polarity="dont" if anti_pattern is not None else directive.polarity,
            deprecation=directive.is_deprecation,
            admonition=directive.admonition,
            section=directive.path,
        )
        body = mark_code(plain, subjects)
        title = mark_code(make_title(plain, subject), subjects)
        return self._rule(page, patterns, directive.evidence, body, title, category,
                          example, list(directive.path), subjects, directive.section_index)

    def _rule(
        self,
        page: DocPage,
        patterns: PagePatterns,
        evidence: str,
        body: str,
        title: str,
        category: RuleCategory,
        example: Block | None,
        section: list[str],
        subjects: Sequence[str],
        section_index: int,
    ) -> Rule:
        rule = Rule(
            id=rule_id(page.url, evidence),
            title=title,
            body=body,
            technology=page.technology,
            framework=page.framework or patterns.technology.framework,
            source_name=page.source_name,
            url=page.url,
            evidence=evidence,
            category=category,
            example=example.text if example is not None else None,
            example_language=block_language(example) if example is not None else None,
            section=section,
            keywords=rule_keywords(
                evidence, subjects, [*patterns.section_keywords.get(section_index, []), *patterns.keywords], MAX_KEYWORDS
            ),
            urls=[page.url],
            source_priority=page.source_priority,
            generator=self.name,
        )
        rule.heuristic_score = heuristic_quality(rule, page.text)
        return rule

    # -- rules from described code examples -------------------------------------

    def _example_rules(self, page: DocPage, patterns: PagePatterns) -> list[tuple[Rule, tuple[int, int, int]]]:
        """api_usage rules for code in sections without directives, when a sentence describes the code."""
        with_directives = {d.section_index for d in patterns.directives}
        rules: list[tuple[Rule, tuple[int, int, int]]] = []
        for section_index, section in enumerate(page.sections):
            if section_index in with_directives:
                continue
            for block_index, block in enumerate(section.blocks):
                if block.kind != "code" or block_index == 0 or block.text.count("\n") >= MAX_EXAMPLE_LINES:
                    continue
                before = section.blocks[block_index - 1]
                if before.kind != "paragraph":
                    continue
                spans = sentence_spans(before.text)
                if not spans:
                    continue
                rule = self._example_rule(page, patterns, section_index, section.path or [section.heading],
                                          spans[-1].text, block)
                if rule is not None:
                    rules.append((rule, (section_index, block_index - 1, spans[-1].start)))
                    break  # one example rule per section
        return rules

    def _example_rule(
        self, page: DocPage, patterns: PagePatterns, section_index: int, path: list[str], sentence: str, block: Block
    ) -> Rule | None:
        goal = example_goal(sentence)
        if goal is None:
            self._skip("example_without_purpose")
            return None
        code_patterns = extract_code_patterns([block])
        mentioned = [s.text for s in find_subjects(sentence, patterns.identifiers, patterns.code.cli) if s.is_code]
        names = {strip_backticks(m).split("(")[0] for m in mentioned}
        shown: str | None = None
        if code_patterns.cli:
            verb = "Run"
            named = [c for c in code_patterns.cli if any(c.startswith(n) for n in names)]
            candidates = named or (code_patterns.cli if len(code_patterns.cli) == 1 else [])
            shown = candidates[0] if candidates else None
        else:
            verb = "Use"
            calls = list(dict.fromkeys(code_patterns.calls))
            named = [c for c in calls if c in names or c.rsplit(".", 1)[-1] in names]
            candidates = named or (calls if len(calls) == 1 else [])
            shown = abbreviated_call(block.text, candidates[0]) if candidates else None
        if shown is None:
            self._skip("example_ambiguous")  # the sentence does not say which call it is about
            return None
        if rejection_reason(sentence, mentioned or [shown]) or unsafe_text_reason(sentence, page.url):
            self._skip("example_sentence")
            return None
        body = f"{verb} `{shown}` to {goal}."
        title = mark_code(make_title(f"{verb} {shown} to {goal}", shown), [shown])
        category = categorize(sentence, section=path)
        if category == "best_practice" or category == "anti_pattern":
            category = "api_usage"
        return self._rule(page, patterns, sentence, body, title, category, block, list(path), [shown, *mentioned],
                          section_index)

    # -- the generator ---------------------------------------------------------

    def generate(self, page: DocPage) -> list[Rule]:
        """Rules drawn from ``page`` (extracted: ``sections`` and ``text`` filled), strongest kept."""
        if not page.text.strip():
            self._skip("empty_page")
            return []
        if page.language and not page.language.lower().startswith("en"):
            self._skip("not_english")  # the cue words are English
            return []
        patterns = find_patterns(page)
        candidates: list[_Candidate] = []
        for index, directive in enumerate(patterns.directives):
            rule = self._directive_rule(page, patterns, directive)
            if rule is not None:
                order = (directive.section_index, directive.block_index, index)
                candidates.append(_Candidate(rule, directive.rank, order))
        for rule, order in self._example_rules(page, patterns):
            candidates.append(_Candidate(rule, 0, order))
        kept: list[_Candidate] = []
        seen: set[str] = set()
        for candidate in candidates:
            rule = candidate.rule
            unsafe = is_unsafe_rule(rule)
            if unsafe:
                logger.warning("Dropped an unsafe rule from %s: %s", page.url, unsafe)
                self._skip("unsafe")
                continue
            if not evidence_in_text(rule.evidence, page.text):
                self._skip("ungrounded")
                continue
            if rule.id in seen:
                continue
            seen.add(rule.id)
            kept.append(candidate)
        if len(kept) > self.max_rules_per_page:
            self._skip("over_page_cap", len(kept) - self.max_rules_per_page)
            strongest = sorted(kept, key=lambda c: (-(c.rule.heuristic_score or 0.0), -c.strength, c.order))
            kept = sorted(strongest[: self.max_rules_per_page], key=lambda c: c.order)
        else:
            kept.sort(key=lambda c: c.order)
        return [candidate.rule for candidate in kept]
