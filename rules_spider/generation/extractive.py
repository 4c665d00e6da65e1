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

from rules_spider.analysis.boilerplate import rejection_reason
from rules_spider.analysis.categories import categorize
from rules_spider.analysis.code import block_language, extract_code_patterns
from rules_spider.analysis.directives import Directive
from rules_spider.analysis.grounding import evidence_in_text
from rules_spider.analysis.patterns import PagePatterns, find_patterns
from rules_spider.analysis.rewrite import imperative_body, make_title, mark_code
from rules_spider.analysis.safety import is_unsafe_rule, unsafe_text_reason
from rules_spider.analysis.sentences import sentence_spans
from rules_spider.analysis.subjects import find_subjects, strip_backticks
from rules_spider.ids import rule_id
from rules_spider.items import Block, DocPage, Rule
from rules_spider.quality.heuristic import heuristic_quality

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from rules_spider.generation.base import StatsLike

logger = logging.getLogger(__name__)

DEFAULT_MAX_RULES_PER_PAGE = 25
MAX_EXAMPLE_LINES = 60
MAX_KEYWORDS = 8
_PURPOSE = re.compile(r"\b(?:how\s+to|in\s+order\s+to|to)\s+([a-z][^,.:;()]{3,80})", re.I)
_ARG_VALUE = re.compile(r"([A-Za-z_$][\w$]*)\s*=(?!=)")


@dataclass(frozen=True, slots=True)
class _Candidate:
    rule: Rule
    strength: int
    order: tuple[int, int, int]


def _subject_names(subject: str) -> list[str]:
    """Ways a subject shows up in code: ``Client.close()`` -> ``Client.close``, ``close(``."""
    bare = strip_backticks(subject).strip()
    name = bare.split("(", 1)[0].strip().lstrip("-").rstrip("=")
    names = [n for n in (bare, name) if n]
    if "." in name:
        names.append(name.rsplit(".", 1)[-1] + "(")
    return [n for n in dict.fromkeys(names) if len(n) > 2]


def _example_for(
    page: DocPage, section_index: int, block_index: int, subjects: Sequence[str], introduces_code: bool
) -> Block | None:
    """The code block of the section that best illustrates a directive, if any does."""
    blocks = page.sections[section_index].blocks
    code = [
        (index, block)
        for index, block in enumerate(blocks)
        if block.kind == "code" and block.text.strip() and block.text.count("\n") < MAX_EXAMPLE_LINES
    ]
    names = [name for subject in subjects for name in _subject_names(subject)]
    mentioning = [(index, block) for index, block in code if any(name in block.text for name in names)]
    if mentioning:
        # nearest first; at equal distance the block after the sentence
        return min(mentioning, key=lambda pair: (abs(pair[0] - block_index), pair[0] < block_index))[1]
    if introduces_code:
        following = [block for index, block in code if index == block_index + 1]
        return following[0] if following else None
    return None


def _keywords(evidence: str, subjects: Sequence[str], patterns: PagePatterns, section_index: int) -> list[str]:
    lowered = evidence.lower()
    names = [strip_backticks(s).split("(", 1)[0].strip() for s in subjects]
    terms = [*patterns.section_keywords.get(section_index, []), *patterns.keywords]
    found = [term for term in terms if re.search(rf"\b{re.escape(term)}\b", lowered)]
    return list(dict.fromkeys(n for n in [*names, *found] if n))[:MAX_KEYWORDS]


def _abbreviated_call(code: str, name: str) -> str | None:
    """``pyrite.Client(base_url="x", timeout=5)`` -> ``pyrite.Client(base_url=..., timeout=...)``."""
    match = re.search(rf"(?<![\w$.]){re.escape(name)}\s*\(", code)
    if not match:
        return None
    depth, end = 0, None
    for pos in range(match.end() - 1, min(len(code), match.end() + 400)):
        depth += {"(": 1, ")": -1}.get(code[pos], 0)
        if depth == 0:
            end = pos
            break
    if end is None:
        return None
    args = code[match.end() : end].strip()
    if not args:
        return f"{name}()"
    keywords = _ARG_VALUE.findall(args)
    shown = ", ".join(f"{key}=..." for key in keywords) if keywords else "..."
    return f"{name}({shown})"


class ExtractiveGenerator:
    """Rules quoted from the page itself (see the module docstring)."""

    name = "extractive"
    model: str | None = None

    def __init__(self, max_rules_per_page: int = DEFAULT_MAX_RULES_PER_PAGE, stats: StatsLike | None = None) -> None:
        if max_rules_per_page < 1:
            raise ValueError(f"max_rules_per_page must be at least 1, got {max_rules_per_page}")
        self.max_rules_per_page = max_rules_per_page
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractiveGenerator:
        return cls(
            max_rules_per_page=crawler.settings.getint("RULES_MAX_RULES_PER_PAGE", DEFAULT_MAX_RULES_PER_PAGE),
            stats=crawler.stats,
        )

    def close(self) -> None:
        """Nothing to release: no model, no connections."""

    def _skip(self, reason: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"rules/extractive/skipped/{reason}", count)

    # -- rules from directives -------------------------------------------------

    def _directive_rule(self, page: DocPage, patterns: PagePatterns, directive: Directive) -> Rule | None:
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
        example = _example_for(
            page,
            directive.section_index,
            directive.block_index,
            subjects,
            introduces_code=directive.sentence.rstrip().endswith(":"),
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
        category: str,
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
            category=category,  # type: ignore[arg-type]
            example=example.text if example is not None else None,
            example_language=block_language(example) if example is not None else None,
            section=section,
            keywords=_keywords(evidence, subjects, patterns, section_index),
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
        code_patterns = extract_code_patterns([block])
        mentioned = [s.text for s in find_subjects(sentence, patterns.identifiers, patterns.code.cli) if s.is_code]
        if code_patterns.cli:
            command = code_patterns.cli[0]
            shown, verb = command, "Run"
        else:
            calls = code_patterns.calls
            named = [c for c in calls if any(strip_backticks(m).split("(")[0] in (c, c.rsplit(".", 1)[-1]) for m in mentioned)]
            call = (named or calls or [None])[0]
            shown = _abbreviated_call(block.text, call) if call else None
            verb = "Use"
        if not shown or not (sentence.rstrip().endswith(":") or mentioned):
            return None
        if rejection_reason(sentence, mentioned or [shown]) or unsafe_text_reason(sentence, page.url):
            self._skip("example_sentence")
            return None
        purpose = _PURPOSE.search(sentence)
        if purpose is None:
            self._skip("example_without_purpose")
            return None
        goal = purpose.group(1).strip()
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
        patterns = page.patterns if isinstance(page.patterns, PagePatterns) else find_patterns(page)
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
