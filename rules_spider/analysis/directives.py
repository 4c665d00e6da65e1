"""Directive sentences: what a page tells its reader to do or not to do.

A directive is a prose sentence carrying a cue (see ``cues``) or stating an
anti-pattern ("instead of X, use Y"), plus every warning, danger, caution,
important and deprecated admonition: when none of an alert admonition's
sentences has a cue, its opening sentence(s) become one directive.
A sentence that leans on the one before it ("This is deprecated.") takes
that sentence into its evidence, so the quote still says what "this" is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rules_spider.analysis.antipatterns import AntiPattern, find_anti_pattern
from rules_spider.analysis.cues import STRENGTH_RANK, Polarity, Strength, classify, may_be_directive
from rules_spider.analysis.prose import ProseSentence, iter_prose
from rules_spider.analysis.subjects import find_subjects
from rules_spider.analysis.words import NEGATION
from rules_spider.items import DocPage

# Admonition kinds that are directives by themselves, and the strength they carry.
ALERT_ADMONITIONS: dict[str, Strength] = {
    "danger": "must",
    "warning": "should",
    "caution": "should",
    "important": "should",
    "deprecated": "should",
}
_ANAPHORA = re.compile(r"^(?:this|these|that|they|doing\s+so|otherwise|such|those)\b", re.I)
_IT = re.compile(r"^it\b(?!['\u2019]s\s+(?:a\s+)?(?:good|best|recommended|important))(?!\s+is\s+(?:a\s+)?(?:good|best|strongly|highly|recommended|important|necessary))", re.I)


@dataclass(frozen=True, slots=True)
class Directive:
    """One instruction found on a page.

    ``sentence`` is the directive sentence; ``evidence`` the verbatim quote
    that backs it (the sentence, or the sentence with the one it refers to).
    """

    sentence: str
    evidence: str
    strength: Strength
    polarity: Polarity
    cues: tuple[str, ...]
    path: tuple[str, ...]
    section_index: int
    block_index: int
    admonition: str | None = None
    subjects: tuple[str, ...] = ()
    anti_pattern: AntiPattern | None = None
    imperative: bool = False  # an instruction only by its opening verb, no cue word

    @property
    def subject(self) -> str | None:
        return self.subjects[0] if self.subjects else None

    @property
    def is_deprecation(self) -> bool:
        return (
            self.admonition == "deprecated"
            or (self.anti_pattern is not None and self.anti_pattern.kind == "deprecated")
            or any("deprecat" in cue.lower() or "removed" in cue.lower() for cue in self.cues)
        )

    @property
    def rank(self) -> int:
        return STRENGTH_RANK[self.strength]


def _code_subjects(text: str, known: Iterable[str], commands: Iterable[str] = ()) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.text for s in find_subjects(text, known, commands) if s.is_code))


def _evidence(sentence: ProseSentence, known: frozenset[str], commands: tuple[str, ...]) -> str:
    """The sentence, widened to the previous one when it only says "this"/"it"."""
    if sentence.previous is not None and (
        _ANAPHORA.match(sentence.text) or (_IT.match(sentence.text) and not _code_subjects(sentence.text, known, commands))
    ):
        return sentence.unit[sentence.previous.start : sentence.span.end]
    return sentence.text


def _directive(sentence: ProseSentence, known: frozenset[str], commands: tuple[str, ...]) -> Directive | None:
    text = sentence.text
    anti_pattern = find_anti_pattern(text)
    if anti_pattern is None and not may_be_directive(text):
        return None
    classification = classify(text, has_subject=bool(_code_subjects(text, known, commands)))
    if classification is None and (anti_pattern is None or anti_pattern.kind == "avoid"):
        return None
    strength: Strength
    polarity: Polarity
    if classification is not None:
        strength, polarity = classification.strength, classification.polarity
        cues = tuple(cue.text for cue in classification.cues)
        imperative = classification.imperative and anti_pattern is None
    else:  # "instead of X, use Y" / "X is deprecated in favour of Y" without a cue word
        deprecated = anti_pattern is not None and anti_pattern.kind == "deprecated"
        strength, polarity = "should", "dont" if deprecated else "do"
        cues = ("deprecated",) if deprecated else ("instead of",)
        imperative = False
    if anti_pattern is not None and anti_pattern.kind == "avoid" and polarity == "do":
        anti_pattern = None  # "don't forget to ..." is not an anti-pattern
    evidence = _evidence(sentence, known, commands)
    return Directive(
        sentence=text,
        evidence=evidence,
        strength=strength,
        polarity=polarity,
        cues=cues,
        path=sentence.path,
        section_index=sentence.section_index,
        block_index=sentence.block_index,
        admonition=sentence.admonition,
        subjects=_code_subjects(evidence, known, commands),
        anti_pattern=anti_pattern,
        imperative=imperative,
    )


def _alert_directive(sentences: list[ProseSentence], known: frozenset[str], commands: tuple[str, ...]) -> Directive:
    """An alert admonition without cue words: its opening sentence(s) are the directive."""
    first = sentences[0]
    last = sentences[1] if len(sentences) > 1 and len(first.text.split()) < 8 else first
    evidence = first.unit[first.span.start : last.span.end]
    kind = first.admonition or "warning"
    polarity: Polarity = "dont" if kind == "deprecated" or NEGATION.search(evidence) else "do"
    return Directive(
        sentence=evidence,
        evidence=evidence,
        strength=ALERT_ADMONITIONS.get(kind, "should"),
        polarity=polarity,
        cues=(kind,),
        path=first.path,
        section_index=first.section_index,
        block_index=first.block_index,
        admonition=kind,
        subjects=_code_subjects(evidence, known, commands),
        anti_pattern=find_anti_pattern(evidence) if kind == "deprecated" else None,
    )


def find_directives(page: DocPage, known: Iterable[str] = (), commands: Iterable[str] = ()) -> list[Directive]:
    """The page's directives in document order; ``known`` names and ``commands`` from its
    code help find what each one is about."""
    known_set = frozenset(known)
    command_list = tuple(commands)
    directives: list[Directive] = []
    seen: set[str] = set()
    alert_units: dict[tuple[int, int, str], list[ProseSentence]] = {}
    alert_has_cue: set[tuple[int, int, str]] = set()
    for sentence in iter_prose(page):
        key = (sentence.section_index, sentence.block_index, sentence.unit)
        directive = _directive(sentence, known_set, command_list)
        if sentence.block_kind == "admonition" and sentence.admonition in ALERT_ADMONITIONS:
            alert_units.setdefault(key, []).append(sentence)
            if directive is not None:
                alert_has_cue.add(key)
        if directive is not None and directive.evidence not in seen:
            seen.add(directive.evidence)
            directives.append(directive)
    for key, sentences in alert_units.items():
        if key in alert_has_cue:
            continue
        directive = _alert_directive(sentences, known_set, command_list)
        if directive.evidence not in seen:
            seen.add(directive.evidence)
            directives.append(directive)
    directives.sort(key=lambda d: (d.section_index, d.block_index))
    return directives
