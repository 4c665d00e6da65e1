"""Directive cue words: which sentences tell the reader what to do or not do.

A cue is a phrase such as "must not", "should", "avoid" or "is deprecated".
Each cue has a strength (``must`` > ``should`` > ``prefer``) and a polarity
(``do`` / ``dont``). Imperative cues ("always", "never", "avoid", "do not",
"ensure") only count at the start of a clause, so "the function always
returns a list" and "if you do not pass a timeout" are not directives;
phrases that look like cues but are not ("you should see", "you don't need
to", "if you prefer", a "must" inside a "because ..." clause) are masked
first. A sentence without a cue word can still be an instruction when it
opens with a base-form verb and names code or gives a reason ("Call
``Response.raise_for_status()`` before reading the body").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import or_
from typing import Literal

from rules_spider.analysis.folding import Needs, WordSet, fold_case, has_words, passes
from rules_spider.analysis.words import IMPERATIVE_VERBS, LEADING_LABEL

Strength = Literal["must", "should", "prefer"]
Polarity = Literal["do", "dont"]
STRENGTH_RANK: dict[str, int] = {"must": 3, "should": 2, "prefer": 1}

_F = re.I


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue phrase as it appears in the sentence, at ``start``."""

    text: str
    strength: Strength
    polarity: Polarity
    start: int
    modal: bool  # a modal ("must", "should", ...) decides a sentence's strength
    imperative: bool = False  # an opening verb, no cue word


@dataclass(frozen=True, slots=True)
class Classification:
    """How strongly, and which way, a sentence instructs."""

    strength: Strength
    polarity: Polarity
    cues: tuple[Cue, ...]

    @property
    def imperative(self) -> bool:
        """Only an opening verb makes this an instruction (no cue word)."""
        return all(cue.imperative for cue in self.cues)


# Phrases that contain cue words but give no instruction. Each alternative comes with
# the words it cannot match without (lower-cased; every group needs one of its words),
# so a sentence is only searched for the alternatives it could contain.
_NOT_CUE_ALTERNATIVES: tuple[tuple[tuple[tuple[str, ...], ...], str], ...] = (
    (
        (("should",), ("see", "look", "print", "output", "display", "show", "appear", "get", "receive", "able", "notice",
                       "visible", "similar", "something", "been")),
        r"\bshould\s+(?:now\s+|then\s+|also\s+|already\s+|probably\s+)?"
        r"(?:see|look|print|output|display|show|appear|get|receive|be\s+able\s+to|notice|"
        r"be\s+(?:visible|displayed|printed|shown|similar|something)|have\s+been)\b",
    ),
    (
        (("should",), ("work", "take", "succeed", "pass", "fail", "run", "finish", "complete", "start")),
        r"\b(?:it|this|that|everything|which)\s+should\s+(?:now\s+|then\s+)?(?:work|take|succeed|pass|fail|run|finish|complete|start)\b",
    ),
    ((("should",), ("noted",)), r"\bit\s+should\s+be\s+noted\b"),
    ((("should",), ("you",)), r"\bshould\s+you\b"),
    ((("should",),), r"\bshould\s+I\b"),
    ((("should",), ("we",)), r"\bshould\s+we\b"),
    ((("do",), ("need", "have")), r"\b(?:do\s+not|don['\u2019]t|doesn['\u2019]t|does\s+not)\s+(?:need|have)\s+to\b"),
    ((("do",), ("worry",)), r"\b(?:do\s+not|don['\u2019]t)\s+worry\b"),
    ((("prefer",), ("you",)), r"\b(?:if|whichever|as|when|unless)\s+you\s+(?:\w+\s+)?prefer\b"),
    ((("prefer",), ("you",)), r"\byou\s+(?:may|might|could)\s+prefer\b"),
    ((("required",), ("not",)), r"\b(?:is|are|was|were|be)\s+not\s+required\b"),
    ((("required",), ("not",)), r"\bnot\s+required\s+to\b"),
    ((("you",), ("never", "always")), r"\byou(?:['\u2019]ll|\s+will)\s+(?:never|always)\b"),
    ((("you",), ("never", "always")), r"\byou\s+(?:never|always)\s+have\s+to\b"),
    ((("should",), ("now", "happen", "occur")), r"\bshould\s+(?:now|happen|occur)\b"),
    ((("should",), ("wh", "how")), r"\b(?:what|how|where|whether|who)\s+(?:\w+\s+){0,4}should\b"),
    ((("should",), ("which",)), r"\bwhich\s+(?:\w+\s+){1,4}should\b"),
    ((("should",), ("equipped",)), r"\bshould\s+be\s+equipped\b"),
    ((("should",),), r"^\s*should\b"),
    ((("future", "eventually", "day"),), r"^\s*(?:in\s+the\s+future|eventually|one\s+day|someday)\b.*"),
    (
        (("should",), ("prevent", "allow", "help", "make", "let", "give", "mean", "suffice", "enough", "sufficient",
                       "possible", "fine", "ok", "easy")),
        r"\b(?:this|that|it|which)\s+should\s+(?:\w+\s+)?(?:prevent|allow|help|make|let|give|mean|suffice|be\s+(?:enough|sufficient|possible|fine|ok|okay|easy))\b",
    ),
    ((("sure",),), r"\b(?:to|will|would|helps?|in\s+order\s+to)\s+(?:make\s+sure|ensure|be\s+sure)\b"),
    (
        (("do",), ("want", "know", "see", "get", "care", "mind", "like", "understand", "have", "hesitate")),
        r"\b(?:do\s+not|don['\u2019]t)\s+(?:want|know|see|get|care|mind|like|understand|have|hesitate)\b",
    ),
    ((("no",), ("required",)), r"\bno\s+(?:\w+\s+){0,3}(?:is|are)\s+required\b"),
    ((("should",), ("work",)), r"(?<!you\s)\bshould\s+(?:just\s+|still\s+)?work\b"),
    ((("should",), ("have",)), r"\bshould\s+have\s+\w+(?:ed|en)\b"),
    ((("should",),), r"\bshould\s+(?:the|a|an|this|that|it|your|any)\b"),
    # a modal inside an "if ..." clause or a reported "X indicates that ... should" states a condition
    ((("if", "whether"), ("must", "should"), (",",)), r"\b(?:if|whether)\b[^,;.]{0,60}?\b(?:must|should)\b(?=[^,;.]*,)"),
    (
        (("indicat", "mean", "specif", "says", "said", "stat", "tell", "assum", "guarant", "infer", "show", "impl",
          "suggest", "know", "realis", "realiz", "determin"), ("that",), ("must", "should")),
        r"\b(?:indicat|mean|specif|says|said|stat(?:e|es|ing)\b|tell|assum|guarant|infer|show|impl(?:y|ies)|suggest|know|realis|realiz|determin)\w*\s+that\b[^,;.]{0,60}?\b(?:must|should)\b",
    ),
    # a modal inside a "so ..." or "because ..." clause explains, it does not instruct
    ((("so",), ("must", "should")), r"\bso\s+(?:that\s+)?(?:the|this|that|it|its|these|those|they|we)\b[^,;.]{0,60}?\b(?:must|should)\b"),
    ((("because", "since"), ("must", "should")), r"\b(?:because|since)\b[^,;.]{0,80}?\b(?:must|should)\b"),
)
_NOT_CUES = re.compile("|".join(source for _, source in _NOT_CUE_ALTERNATIVES), _F)

# (pattern, strength, polarity, modal, needs clause start)
_CUES: tuple[tuple[re.Pattern[str], Strength, Polarity, bool, bool], ...] = (
    (re.compile(r"\bmust\s+(?:not|never)\b|\bmustn['\u2019]t\b|\bmay\s+not\b(?=\s+be\s+used)", _F), "must", "dont", True, False),
    (re.compile(r"\bmust\b", _F), "must", "do", True, False),
    (re.compile(r"\b(?:is|are|be)\s+(?:strictly\s+|absolutely\s+)?required\b", _F), "must", "do", True, False),
    (re.compile(r"\bshould\s+(?:not|never)\b|\bshouldn['\u2019]t\b", _F), "should", "dont", True, False),
    (re.compile(r"\bshould\b|\bought\s+to\b", _F), "should", "do", True, False),
    (re.compile(r"\bnot\s+(?:\w+\s+)?recommended\b|\b(?:do|does)\s+not\s+recommend\b|\bdon['\u2019]t\s+recommend\b|\brecommend\s+against\b", _F), "should", "dont", True, False),
    (re.compile(r"\b(?:is|are|it's)\s+(?:strongly\s+|highly\s+)?recommended\b|\b(?:we|i)\s+(?:strongly\s+|highly\s+)?recommend\b|\brecommended\s+(?:way|approach|practice|method|pattern|setting|configuration|option|solution)\b|\bthe\s+recommendation\s+is\b", _F), "should", "do", True, False),
    (re.compile(r"\b(?:is|are)\s+(?:strongly\s+|highly\s+)?discouraged\b", _F), "should", "dont", True, False),
    (re.compile(r"\b(?:is|are|has\s+been|have\s+been|was|were|now|been)\s+deprecated\b|\bdeprecated\s+(?:since|in|as\s+of|and\s+will|in\s+favou?r)\b|\bwill\s+be\s+removed\s+in\b|^\s*deprecated\b", _F), "should", "dont", True, False),
    (re.compile(r"\b(?:do\s+not|don['\u2019]t)\s+forget\b", _F), "must", "do", False, True),
    (re.compile(r"\bnever\b", _F), "must", "dont", False, True),
    (re.compile(r"\balways\b", _F), "must", "do", False, True),
    (re.compile(r"\b(?:do\s+not|don['\u2019]t)\b", _F), "must", "dont", False, True),
    (re.compile(r"\bmake\s+sure\b|\bbe\s+sure\s+to\b", _F), "must", "do", False, False),
    (re.compile(r"\bensure\b", _F), "must", "do", False, True),
    # "To avoid X, do Y": the main clause is the instruction, X what it prevents.
    (re.compile(r"^\s*(?:in\s+order\s+)?to\s+(?:avoid|prevent)\b", _F), "should", "do", False, False),
    (re.compile(r"\bavoid(?:ing)?\b", _F), "should", "dont", False, True),
    (re.compile(r"\b(?:is|are)\s+preferred\b|\bpreferably\b|\bprefer\b", _F), "prefer", "do", False, False),
    (re.compile(r"\bconsider\s+(?:using|setting|enabling|disabling|passing|adding|switching|increasing|raising|lowering)\b", _F), "prefer", "do", False, True),
)

# A word each pattern of ``_CUES`` cannot match without (lower-cased), in the same order.
_CUE_WORDS: tuple[tuple[str, ...], ...] = (
    ("must", "may"), ("must",), ("required",), ("should",), ("should", "ought"), ("recommend",), ("recommend",),
    ("discouraged",), ("deprecated", "removed"), ("forget",), ("never",), ("always",), ("do",), ("sure",),
    ("ensure",), ("avoid", "prevent"), ("avoid",), ("prefer",), ("consider",),
)
assert len(_CUE_WORDS) == len(_CUES)

# Every cue above contains one of these words.
_ANY_CUE_WORD = re.compile(
    r"\b(?:must|mustn|should|shouldn|ought|required|recommend\w*|discouraged|deprecated|removed|never|always|"
    r"do\s+not|don['\u2019]t|sure|ensure|avoid\w*|prefer\w*|consider|prevent|may\s+not)\b",
    _F,
)

# ... and the words (see ``folding``) a sentence needs before ``_ANY_CUE_WORD`` is worth running.
_ANY_CUE_NEEDS: Needs = ((
    "must", "should", "ought", "required", "recommend", "discouraged", "deprecated", "removed", "never", "always", "do",
    "sure", "avoid", "prefer", "consider", "prevent", "may",
),)

# What may come right before an imperative cue for it to start a clause.
_CLAUSE_START = re.compile(
    r"(?:^|[,;:(\u2014\u2013]|\s-|\b(?:and|but|or|so|then|please|thus|therefore|instead|generally|however|"
    r"rather|just|should|must|always|simply|only|otherwise|first|finally|"
    r"important|note|warning|tip|caution|danger)|[*\u2022>])\s*$",
    _F,
)
# Longest alternative of ``_CLAUSE_START`` ("therefore"), plus slack.
_CLAUSE_START_REACH = 12
_CLAUSE_SEPARATOR = re.compile(r"[;:]\s")


_INTRO = re.compile(
    r"^(?:(?:in|for|when|if|on|during|before|after|once|while|to|with|unless|by\s+default|in\s+production)\b[^,;:]{0,60},\s*)",
    _F,
)
# Words that turn an imperative step into guidance: a reason, a condition, an alternative.
_GUIDANCE = re.compile(
    r"\b(?:because|so\s+that|so\s+each|whenever|only\s+(?:when|if)|unless|otherwise|instead\s+of|rather\s+than|"
    r"in\s+production|for\s+production|in\s+ci|by\s+default|to\s+avoid|to\s+prevent|to\s+ensure|at\s+least|at\s+most)\b",
    _F,
)
# A conjunction joining a prohibition to a statement ("macros are built separately,
# and do not share flags") continues the statement; joined to an instruction it is one.
_CONJUNCTION = re.compile(r"\b(?:and|but|or)\s*$", _F)
_FINITE = frozenset("is are was were has have can could will would must should does do may might".split())
_INSTRUCTION_START = re.compile(
    r"^\s*(?:(?:[-*\u2022]|\d+[.)])\s+)?(?:(?:in|for|when|if|on|during|before|after|once|while|to|with|unless)\b[^,;:]{0,60},\s*)?"
    r"(?:please\s+)?(?:never|always|do\s+not|don['\u2019]t|avoid|make\s+sure|be\s+sure|ensure|prefer|(?:" + "|".join(sorted(IMPERATIVE_VERBS)) + r"))\b",
    _F,
)


def opening_verb(text: str) -> tuple[str, int] | None:
    """The base-form verb opening ``text`` (after a label and an intro clause), and where it is."""
    label = LEADING_LABEL.match(text)
    offset = label.end() if label else 0
    intro = _INTRO.match(text[offset:])
    if intro:
        offset += intro.end()
    words = text[offset:].split(maxsplit=1)
    if not words:
        return None
    verb = words[0].strip("*_`")
    if verb.lower() not in IMPERATIVE_VERBS or (offset == 0 and not verb[:1].isupper()):
        return None
    following = words[1].split()[:3] if len(words) > 1 else []
    if any(word.lower() in _FINITE for word in following):
        return None  # "Mock objects are ...", "Build scripts can ...": a noun, not a verb
    return verb, offset


def may_be_directive(sentence: str) -> bool:
    """Cheap pre-check: False means ``classify`` returns None whatever the subjects."""
    text = sentence.strip()
    return bool(find_cues(text)) or (not text.endswith(":") and opening_verb(text) is not None)


def imperative_cue(sentence: str, has_subject: bool) -> Cue | None:
    """An instruction opened by a base-form verb ("Call X before Y"), if the sentence
    names code (``has_subject``) or gives a reason or condition; steps that
    introduce an example ("Run the following:") are not rules by themselves."""
    text = sentence.strip()
    if text.endswith(":"):
        return None
    opening = opening_verb(text)
    if opening is None:
        return None
    verb, offset = opening
    if not (has_subject or _GUIDANCE.search(text)):
        return None
    return Cue(verb, "should", "do", offset, modal=False, imperative=True)


_WORDS = WordSet([*(needs for needs, _ in _NOT_CUE_ALTERNATIVES), *((words,) for words in _CUE_WORDS)])
_NOT_CUE_MASKS: tuple[tuple[int, ...], ...] = tuple(_WORDS.masks(needs) for needs, _ in _NOT_CUE_ALTERNATIVES)
_NOT_CUE_WORD_BITS = reduce(or_, (mask for masks in _NOT_CUE_MASKS for mask in masks))  # only these bits choose alternatives
_CUE_MASKS: tuple[int, ...] = tuple(_WORDS.masks((words,))[0] for words in _CUE_WORDS)


# Real documentation has thousands of distinct word combinations: small caches here meant recompiling
# regular expressions on most pages (a fifth of page-to-rules time on Debian's Python docs).
@lru_cache(maxsize=16384)
def _not_cues_for(present: int) -> re.Pattern[str] | None:
    """``_NOT_CUES`` narrowed to the alternatives whose words are ``present``; the others
    cannot match the sentence anywhere, so the narrowed pattern matches what the whole one does."""
    possible = tuple(index for index, masks in enumerate(_NOT_CUE_MASKS) if passes(present, masks))
    return _not_cues(possible) if possible else None


@lru_cache(maxsize=8192)
def _not_cues(alternatives: tuple[int, ...]) -> re.Pattern[str]:
    return re.compile("|".join(_NOT_CUE_ALTERNATIVES[index][1] for index in alternatives), _F)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _mask(sentence: str, present: int | None = None) -> str:
    """Blank out phrases that look like cues but are not, keeping offsets (``present``:
    the sentence's ``_WORDS``, when known)."""
    if present is None:
        present = _WORDS.present(fold_case(sentence))
    pattern = _not_cues_for(present & _NOT_CUE_WORD_BITS)
    return sentence if pattern is None else pattern.sub(_blank, sentence)


def find_cues(sentence: str) -> list[Cue]:
    """The directive cues of ``sentence``, without overlaps, in order."""
    return list(_cues(sentence))


# A page asks about the same sentence several times (directive check, classification,
# evidence, rule body, title); the answer is a pure function of the text.
@lru_cache(maxsize=2048)
def _cues(sentence: str) -> tuple[Cue, ...]:
    folded = fold_case(sentence)
    if not has_words(folded, _ANY_CUE_NEEDS) or not _ANY_CUE_WORD.search(sentence):
        return ()  # most sentences: skip the masking
    present = _WORDS.present(folded)  # masking only removes words: valid for ``masked`` too
    masked = _mask(sentence, present)
    label = LEADING_LABEL.match(masked)
    taken: list[tuple[int, int]] = []
    cues: list[Cue] = []
    for (pattern, strength, polarity, modal, needs_start), needs in zip(_CUES, _CUE_MASKS):
        if not present & needs:
            continue
        for match in pattern.finditer(masked):
            start, end = match.span()
            if any(not (end <= a or start >= b) for a, b in taken):
                continue
            if needs_start:
                before = masked[label.end() if label and label.end() <= start else 0 : start]
                # A clause start ends ``before`` (up to whitespace) and is at most 9 characters
                # long: search only its tail (``\b`` still sees the character before ``pos``).
                if not _CLAUSE_START.search(before, max(0, len(before.rstrip()) - _CLAUSE_START_REACH)):
                    continue
                clause = _CLAUSE_SEPARATOR.split(before)[-1]
                if _CONJUNCTION.search(clause) and not _INSTRUCTION_START.match(clause):
                    continue
            taken.append((start, end))
            cues.append(Cue(sentence[start:end], strength, polarity, start, modal))
    cues.sort(key=lambda cue: cue.start)
    return tuple(cues)


def classify(sentence: str, has_subject: bool = False) -> Classification | None:
    """Strength and polarity of a directive sentence; None when it gives no instruction.

    A modal ("must", "should", "is recommended") sets the strength when present
    ("you should always" is a ``should``); otherwise the strongest imperative
    cue does. Any prohibiting cue makes the polarity ``dont``. Without any cue
    word, an opening verb may still make it a ``should`` (``imperative_cue``;
    ``has_subject`` says whether the sentence names code).
    """
    cues = find_cues(sentence)
    if not cues:
        imperative = imperative_cue(sentence, has_subject)
        return Classification("should", "do", (imperative,)) if imperative is not None else None
    deciding = [cue for cue in cues if cue.modal] or cues
    strength = max(deciding, key=lambda cue: STRENGTH_RANK[cue.strength]).strength
    polarity: Polarity = "dont" if any(cue.polarity == "dont" for cue in cues) else "do"
    return Classification(strength, polarity, tuple(cues))
