"""Anti-patterns: what the docs say not to do, and what to do instead.

Recognised shapes (X is what to avoid, Y what to use):
``avoid X`` / ``don't X`` / ``never X``; ``instead of X, use Y``;
``use Y instead of X`` / ``Y rather than X`` / ``prefer Y over X``;
``X is deprecated[ since V], use Y`` / ``X is deprecated in favour of Y`` /
``X has been replaced by Y``; ``don't use X; use Y instead``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rules_spider.analysis.folding import Needs, WordSet, fold_case, has_words, passes
from rules_spider.analysis.words import IMPERATIVE_VERBS

AntiPatternKind = Literal["avoid", "instead", "deprecated"]

_F = re.I
# Multi-word verbs first: "switch to X" before "switch".
_VERBS = rf"(?:switch\s+to|migrate\s+to|rely\s+on|{'|'.join(sorted(IMPERATIVE_VERBS, key=lambda verb: (-len(verb), verb)))})"
_LEAD = r"(?:(?:you\s+(?:should|must|can)\s+|we\s+recommend\s+(?:that\s+you\s+)?|please\s+|just\s+|simply\s+|always\s+)*)"
_VERSION = r"(?P<version>(?:since|in|as\s+of|from)\s+(?:version\s+|v|release\s+)?\d[\w.]*)"
_END = r"\s*[.;!]?\s*$"
_REMOVED = r"(?:\s+and\s+will\s+be\s+removed(?:\s+in\s+(?P<removed>(?:version\s+|v)?\d[\w.]*\d|\d))?)"
# "Deprecated since version 2.1:" opening a Sphinx deprecation note.
_DEPRECATED_LABEL = re.compile(r"^\s*deprecated\s+(?:since|in|as\s+of)\s+(?P<version>(?:version\s+|v)?\d[\w.]*\d|\d)\s*[:.]\s+(?=\S)", _F)

_PATTERNS: tuple[tuple[AntiPatternKind, re.Pattern[str]], ...] = (
    ("instead", re.compile(rf"\binstead\s+of\s+(?P<avoid>(?:[^,;()]|\([^()]*\))+?)\s*,\s*{_LEAD}(?P<verb>{_VERBS})\s+(?P<prefer>.+?){_END}", _F)),
    ("instead", re.compile(rf"^(?:.*?\b)?(?:do\s+not|don['\u2019]t|never|avoid)\s+(?:using\s+|use\s+|calling\s+|call\s+)?(?P<avoid>.+?)\s*[;,.:\u2014]\s*{_LEAD}(?P<verb>{_VERBS})\s+(?P<prefer>.+?)\s+instead{_END}", _F)),
    ("instead", re.compile(rf"^{_LEAD}(?P<verb>{_VERBS})(?!\s+(?:\w+\s+)?(?:and|or|is|are|was|were|has|have|can|will|must|should)\b)\s+(?P<prefer>.+?)\s+(?:instead\s+of|rather\s+than)\s+(?P<avoid>.+?){_END}", _F)),
    ("instead", re.compile(rf"^{_LEAD}prefer\s+(?P<prefer>.+?)\s+(?:over|to)\s+(?P<avoid>.+?){_END}", _F)),
    ("deprecated", re.compile(rf"^(?:deprecated\s+{_VERSION}\s*[:.,]?\s*)(?:please\s+)?(?P<verb>{_VERBS})\s+(?P<prefer>.+?)(?:\s+instead)?{_END}", _F)),
    ("deprecated", re.compile(rf"^(?P<avoid>.+?)\s+(?:is|are|has\s+been|have\s+been|was|were)\s+(?:now\s+)?deprecated(?:\s+{_VERSION})?{_REMOVED}?\s*(?:[,;:\u2014]|\.|\s+and)\s*(?:please\s+|you\s+should\s+)?(?P<verb>{_VERBS})\s+(?P<prefer>.+?)(?:\s+instead)?{_END}", _F)),
    ("deprecated", re.compile(rf"^(?P<avoid>.+?)\s+(?:is|are|has\s+been|have\s+been|was|were)\s+(?:now\s+)?deprecated(?:\s+{_VERSION})?\s+in\s+favou?r\s+of\s+(?P<prefer>.+?){_END}", _F)),
    ("deprecated", re.compile(rf"^(?P<avoid>.+?)\s+(?:is|are|has\s+been|have\s+been|was|were)\s+(?:replaced|superseded)\s+by\s+(?P<prefer>.+?){_END}", _F)),
    ("deprecated", re.compile(rf"^(?P<avoid>.+?)\s+(?:is|are|has\s+been|have\s+been|was|were)\s+(?:now\s+)?deprecated(?:\s+{_VERSION})?{_REMOVED}?{_END}", _F)),
    ("avoid", re.compile(rf"^(?:.*?[,;:]\s*)?{_LEAD}(?:avoid|do\s+not|don['\u2019]t|never|should\s+not|must\s+not)\s+(?P<avoid>.+?)(?:\s*(?:,|\u2014|\s-)\s*(?:because|as|since|which|it|this|otherwise).*)?{_END}", _F)),
)
# Words each shape above cannot match without (see ``folding``), in the same order.
_PATTERN_NEEDS: tuple[Needs, ...] = (
    (("instead",), (",",)),
    (("do", "never", "avoid"), ("instead",)),
    (("instead", "rather"),),
    (("prefer",),),
    (("deprecated",),),
    (("deprecated",),),
    (("deprecated",), ("favo",)),
    (("replaced", "superseded"),),
    (("deprecated",),),
    (("avoid", "do", "never", "not"),),
)
assert len(_PATTERN_NEEDS) == len(_PATTERNS)
# Every shape below contains one of these words; most sentences contain none.
_TRIGGER = re.compile(r"\b(?:instead|rather|prefer|deprecated|replaced|superseded|avoid|never|not|don['\u2019]t)\b", _F)
_DEPRECATION_WORDS = re.compile(r"\bdeprecated\b|\breplaced\s+by\b|\bsuperseded\b", _F)
_SPACES = re.compile(r"\s+")
_TRIGGER_NEEDS: Needs = (("instead", "rather", "prefer", "deprecated", "replaced", "superseded", "avoid", "never", "not", "don"),)
_WORDS = WordSet(_PATTERN_NEEDS)
_PATTERN_MASKS = tuple(_WORDS.masks(needs) for needs in _PATTERN_NEEDS)
_CLAUSE_HEAD = re.compile(r"^(?:in\s+[\w .]+?,\s*|note\s*:\s*|warning\s*:\s*)", _F)


@dataclass(frozen=True, slots=True)
class AntiPattern:
    """What a sentence says to avoid (and to use instead, when it says)."""

    sentence: str
    kind: AntiPatternKind
    avoid: str | None
    prefer: str | None
    verb: str | None = None
    version: str | None = None
    removed: str | None = None


def _clean(phrase: str | None) -> str | None:
    if phrase is None:
        return None
    phrase = _CLAUSE_HEAD.sub("", phrase.strip()).strip(" ,;:")
    return phrase or None


def find_anti_pattern(sentence: str) -> AntiPattern | None:
    """The anti-pattern ``sentence`` states, if it states one."""
    text = sentence.strip()
    folded = fold_case(text)
    if not has_words(folded, _TRIGGER_NEEDS) or not _TRIGGER.search(text):
        return None
    present = _WORDS.present(folded)
    label = _DEPRECATED_LABEL.match(text)
    label_version = f"since {label.group('version')}" if label else None
    if label:
        rest = text[label.end() :]
        # "Deprecated since 2.1: The verify parameter is deprecated; use X." -> the part after the label
        if _DEPRECATION_WORDS.search(rest):
            text = rest  # a part of the text: the words present are still a superset
    for (kind, pattern), masks in zip(_PATTERNS, _PATTERN_MASKS):
        if not passes(present, masks):
            continue
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        avoid = _clean(groups.get("avoid"))
        prefer = _clean(groups.get("prefer"))
        if kind == "avoid" and (avoid is None or len(avoid.split()) < 1):
            continue
        if kind != "avoid" and prefer is None and avoid is None:
            continue
        verb = groups.get("verb")
        version = groups.get("version") or label_version
        return AntiPattern(
            sentence=sentence,
            kind=kind,
            avoid=avoid,
            prefer=prefer,
            verb=_SPACES.sub(" ", verb.lower()) if verb else None,
            version=_SPACES.sub(" ", version) if version else None,
            removed=groups.get("removed"),
        )
    return None
