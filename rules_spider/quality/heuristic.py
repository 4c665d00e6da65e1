"""A heuristic quality score for rules, used until a learned model exists.

This is a hand-set formula, not a fitted model: it encodes what makes a rule
worth pasting into a project and is the same for every run. The score is a
weighted sum of six parts, each in [0, 1]:

=============  ======  ==========================================================
part           weight  value
=============  ======  ==========================================================
specificity    0.30    code identifiers named in the body (``Client.close()``,
                       ``--flag``, ``max_retries``): none -> 0.35 if the body has
                       at least 3 content words else 0, one -> 0.70, two or more
                       -> 0.85; +0.15 when it names a version; -0.30 when it
                       leans on vague phrases ("best practices", "properly",
                       "as needed"); clipped to [0, 1]
grounding      0.20    1 when the evidence is quoted from ``page_text``, 0 when
                       it is not, 0.5 when no page text is given (unchecked)
strength       0.15    strongest directive cue in body or evidence: must 1.0,
                       should 0.8, prefer 0.6, none 0.3
length         0.15    body words: < 4 -> 0; 4..7 -> 0.5 rising to 1; 8..40 -> 1;
                       41..80 falling to 0.4; > 80 -> 0.3
category       0.10    security 1.0, deprecation 0.95, anti_pattern 0.9,
                       performance 0.85, configuration 0.85, api_usage 0.8,
                       testing 0.8, best_practice 0.75
example        0.10    1 for a code example naming one of the body's
                       identifiers, 0.7 for any other example, 0 without one
=============  ======  ==========================================================

``heuristic_quality`` is pure and deterministic; the result is rounded to 4
decimals so it serialises identically everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rules_spider.analysis.cues import STRENGTH_RANK, classify
from rules_spider.analysis.grounding import MIN_EVIDENCE_WORDS, evidence_in_text
from rules_spider.analysis.keywords import STOP_WORDS
from rules_spider.analysis.subjects import Subject, find_subjects, strip_backticks
from rules_spider.analysis.words import VAGUE
from rules_spider.items import Rule

WEIGHTS: dict[str, float] = {
    "specificity": 0.30,
    "grounding": 0.20,
    "strength": 0.15,
    "length": 0.15,
    "category": 0.10,
    "example": 0.10,
}
CATEGORY_VALUE: dict[str, float] = {
    "security": 1.0,
    "deprecation": 0.95,
    "anti_pattern": 0.9,
    "performance": 0.85,
    "configuration": 0.85,
    "api_usage": 0.8,
    "testing": 0.8,
    "best_practice": 0.75,
}
STRENGTH_VALUE: dict[str | None, float] = {"must": 1.0, "should": 0.8, "prefer": 0.6, None: 0.3}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_STOP = frozenset(STOP_WORDS)


def _specificity(body: str, found: Sequence[Subject]) -> float:
    subjects = [s for s in found if s.is_code]
    versions = [s for s in found if s.kind == "version"]
    if len(subjects) >= 2:
        value = 0.85
    elif subjects:
        value = 0.70
    else:
        content = [w for w in _WORD.findall(body) if w.lower() not in _STOP]
        value = 0.35 if len(content) >= 3 else 0.0
    if versions:
        value += 0.15
    if VAGUE.search(body):
        value -= 0.30
    return min(1.0, max(0.0, value))


def _grounding(rule: Rule, page_text: str | None) -> float:
    if page_text is None:
        return 0.5 if len(rule.evidence.split()) >= MIN_EVIDENCE_WORDS else 0.0
    return 1.0 if evidence_in_text(rule.evidence, page_text) else 0.0


def _strength(rule: Rule) -> float:
    found = [c.strength for c in (classify(rule.body, True), classify(rule.evidence, True)) if c is not None]
    best = max(found, key=STRENGTH_RANK.__getitem__) if found else None
    return STRENGTH_VALUE[best]


def _length(body: str) -> float:
    words = len(body.split())
    if words < 4:
        return 0.0
    if words < 8:
        return 0.5 + (words - 4) * 0.125
    if words <= 40:
        return 1.0
    if words <= 80:
        return 1.0 - (words - 40) / 40 * 0.6
    return 0.3


def _example(rule: Rule, found: Sequence[Subject]) -> float:
    if not rule.example:
        return 0.0
    names = {strip_backticks(s.text).split("(")[0] for s in found if s.is_code}
    names |= {name.rsplit(".", 1)[-1] for name in names}
    return 1.0 if any(name and name in rule.example for name in names) else 0.7


def heuristic_parts(rule: Rule, page_text: str | None = None) -> dict[str, float]:
    """Each part of the heuristic, before weighting (see the module docstring)."""
    found = find_subjects(rule.body)
    return {
        "specificity": _specificity(rule.body, found),
        "grounding": _grounding(rule, page_text),
        "strength": _strength(rule),
        "length": _length(rule.body),
        "category": CATEGORY_VALUE.get(rule.category, 0.75),
        "example": _example(rule, found),
    }


def heuristic_quality(rule: Rule, page_text: str | None = None) -> float:
    """The heuristic quality of ``rule`` in [0, 1] (formula in the module docstring)."""
    parts = heuristic_parts(rule, page_text)
    score = sum(WEIGHTS[name] * value for name, value in parts.items())
    return round(min(1.0, max(0.0, score)), 4)
