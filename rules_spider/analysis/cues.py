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
from typing import Literal

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


# Phrases that contain cue words but give no instruction.
_NOT_CUES = re.compile(
    r"\bshould\s+(?:now\s+|then\s+|also\s+|already\s+|probably\s+)?"
    r"(?:see|look|print|output|display|show|appear|get|receive|be\s+able\s+to|notice|"
    r"be\s+(?:visible|displayed|printed|shown|similar|something)|have\s+been)\b"
    r"|\b(?:it|this|that|everything|which)\s+should\s+(?:now\s+|then\s+)?(?:work|take|succeed|pass|fail|run|finish|complete|start)\b"
    r"|\bit\s+should\s+be\s+noted\b|\bshould\s+you\b|\bshould\s+I\b|\bshould\s+we\b"
    r"|\b(?:do\s+not|don['\u2019]t|doesn['\u2019]t|does\s+not)\s+(?:need|have)\s+to\b"
    r"|\b(?:do\s+not|don['\u2019]t)\s+worry\b"
    r"|\b(?:if|whichever|as|when|unless)\s+you\s+(?:\w+\s+)?prefer\b|\byou\s+(?:may|might|could)\s+prefer\b"
    r"|\b(?:is|are|was|were|be)\s+not\s+required\b|\bnot\s+required\s+to\b"
    r"|\byou(?:['\u2019]ll|\s+will)\s+(?:never|always)\b|\byou\s+(?:never|always)\s+have\s+to\b"
    r"|\bshould\s+(?:now|happen|occur)\b|\b(?:what|how|where|whether|who)\s+(?:\w+\s+){0,4}should\b|\bwhich\s+(?:\w+\s+){1,4}should\b"
    r"|\bshould\s+be\s+equipped\b|^\s*should\b"
    r"|^\s*(?:in\s+the\s+future|eventually|one\s+day|someday)\b.*"
    r"|\b(?:this|that|it|which)\s+should\s+(?:\w+\s+)?(?:prevent|allow|help|make|let|give|mean|suffice|be\s+(?:enough|sufficient|possible|fine|ok|okay|easy))\b"
    r"|\b(?:to|will|would|helps?|in\s+order\s+to)\s+(?:make\s+sure|ensure|be\s+sure)\b"
    r"|\b(?:do\s+not|don['\u2019]t)\s+(?:want|know|see|get|care|mind|like|understand|have|hesitate)\b"
    r"|\bno\s+(?:\w+\s+){0,3}(?:is|are)\s+required\b"
    r"|(?<!you\s)\bshould\s+(?:just\s+|still\s+)?work\b|\bshould\s+have\s+\w+(?:ed|en)\b"
    r"|\bshould\s+(?:the|a|an|this|that|it|your|any)\b"
    # a modal inside an "if ..." clause or a reported "X indicates that ... should" states a condition
    r"|\b(?:if|whether)\b[^,;.]{0,60}?\b(?:must|should)\b(?=[^,;.]*,)"
    r"|\b(?:indicat|mean|specif|says|said|stat(?:e|es|ing)\b|tell|assum|guarant|infer|show|impl(?:y|ies)|suggest|know|realis|realiz|determin)\w*\s+that\b[^,;.]{0,60}?\b(?:must|should)\b"
    # a modal inside a "so ..." or "because ..." clause explains, it does not instruct
    r"|\bso\s+(?:that\s+)?(?:the|this|that|it|its|these|those|they|we)\b[^,;.]{0,60}?\b(?:must|should)\b"
    r"|\b(?:because|since)\b[^,;.]{0,80}?\b(?:must|should)\b",
    _F,
)

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

# Every cue above contains one of these words.
_ANY_CUE_WORD = re.compile(
    r"\b(?:must|mustn|should|shouldn|ought|required|recommend\w*|discouraged|deprecated|removed|never|always|"
    r"do\s+not|don['\u2019]t|sure|ensure|avoid\w*|prefer\w*|consider|prevent|may\s+not)\b",
    _F,
)

# What may come right before an imperative cue for it to start a clause.
_CLAUSE_START = re.compile(
    r"(?:^|[,;:(\u2014\u2013]|\s-|\b(?:and|but|or|so|then|please|thus|therefore|instead|generally|however|"
    r"rather|just|should|must|always|simply|only|otherwise|first|finally|"
    r"important|note|warning|tip|caution|danger)|[*\u2022>])\s*$",
    _F,
)
_LABEL = re.compile(r"^\s*(?:[-*\u2022]\s+)?(?:\*\*)?(?:note|tip|warning|important|caution|danger|attention|hint|deprecated)(?:\*\*)?\s*[:!\u2014-]\s*", _F)


# Base-form verbs that open an instruction ("Set max_connections to ...").
IMPERATIVE_VERBS: frozenset[str] = frozenset(
    """use call pass set run install enable disable keep store put place register load catch stream mark read send
    return raise log define declare import export write pick choose create switch migrate add configure wrap handle
    reuse close open pin specify validate check test mock patch build deploy inject bind subclass implement extend
    override emit await select memoise memoize cache include exclude provide apply initialize initialise instantiate
    invoke replace remove delete upgrade update limit increase decrease lower split separate group name rename
    annotate document commit push tag publish freeze lock share isolate reset restart reload dispose clean flush
    drain retry throttle batch paginate filter sort escape sanitize sanitise encode decode serialize serialise
    compress hash encrypt sign verify authenticate authorize authorise protect restrict grant revoke rotate monitor
    measure profile benchmark trace inspect format lint mount attach detach listen subscribe unsubscribe dispatch
    trigger schedule cancel abort wait poll compile bundle generate prefer reserve release stop start treat give
    turn leave let move copy convert cast assign derive inherit skip""".split()
)
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
    label = _LABEL.match(text)
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


def _mask(sentence: str) -> str:
    """Blank out phrases that look like cues but are not, keeping offsets."""
    return _NOT_CUES.sub(lambda m: " " * len(m.group(0)), sentence)


def find_cues(sentence: str) -> list[Cue]:
    """The directive cues of ``sentence``, without overlaps, in order."""
    if not _ANY_CUE_WORD.search(sentence):
        return []  # most sentences: skip the masking
    masked = _mask(sentence)
    label = _LABEL.match(masked)
    taken: list[tuple[int, int]] = []
    cues: list[Cue] = []
    for pattern, strength, polarity, modal, needs_start in _CUES:
        for match in pattern.finditer(masked):
            start, end = match.span()
            if any(not (end <= a or start >= b) for a, b in taken):
                continue
            if needs_start:
                before = masked[label.end() if label and label.end() <= start else 0 : start]
                if not _CLAUSE_START.search(before):
                    continue
                clause = re.split(r"[;:]\s", before)[-1]
                if _CONJUNCTION.search(clause) and not _INSTRUCTION_START.match(clause):
                    continue
            taken.append((start, end))
            cues.append(Cue(sentence[start:end], strength, polarity, start, modal))
    cues.sort(key=lambda cue: cue.start)
    return cues


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
