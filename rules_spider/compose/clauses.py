"""Sentence surgery for rule text: version notes, naming the subject, complete-clause titles, reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules_spider.compose.subject import ANAPHORA

_VERSION_NOTE = re.compile(
    r"^(?P<label>new in|added in|changed in|deprecated since|deprecated in|removed in|version added|"
    r"version changed|deprecated)(?:\s+version)?\s+(?P<version>v?\d[\w.\-]*)\s*[:.,]?\s*",
    re.I,
)
# A sentence of a description that opens with its verb ("Must not be called twice.").
_MODAL_OPENING = re.compile(r"^(?:must|should|shall|cannot|may|might|will|won['\u2019]t|is|are|was|were|has|have|"
                            r"needs|requires|returns|raises)\b", re.I)
# Openings a title can do without: the guidance starts after them.
_PREAMBLE = re.compile(r"^(?:(?:also|please|but|however|so|and)\s*,?\s+)?(?:note|notice|remember|keep in mind|be aware|"
                       r"beware|bear in mind)(?:\s+that)?\s*[:,]?\s+(?=\S)", re.I)
# Where a long sentence may be shortened to its first complete clauses, best boundary first: a semicolon
# ends a clause outright; a dash or colon, then a subordinate "because ..." or "so that ..." do too.
_CLAUSE_BOUNDARIES = (
    re.compile(r";\s"),
    re.compile(r"\s[\u2014\u2013-]\s|:\s(?=[a-z`])"),
    re.compile(r",\s(?:because|since|so that|as this|which|otherwise)\b|\s(?:because|so that)\s"),
)
_REASON = re.compile(
    r"^(?:this is because|because|otherwise|the reason|doing so|that way|this (?:ensures|prevents|avoids|means|"
    r"guarantees|makes sure|way)|this (?:can|could|may|might|will|would) (?:cause|lead|result|break|corrupt|"
    r"fail|make)|if you don['\u2019]t|failing to|without (?:this|it))\b",
    re.I,
)
_REPLACEMENT = re.compile(r"\b(?:instead|use\s|replaced\s+by|in\s+favou?r\s+of|superseded\s+by|prefer\s|"
                          r"switch\s+to|migrate\s+to|alias\s+(?:for|of))", re.I)
_DEPRECATION = re.compile(r"\bdeprecat|\bremoved\b|\bwill be removed\b|\bno longer supported\b", re.I)
# A sentence that cannot be read without the one before it: it opens with a demonstrative ("This also
# applies to loops.", "These must be set first.") or a connective that answers it ("To avoid this, ...",
# "In this case, ...", "That is, ...", "But ..."). An opening "it" is not one: it is usually a dummy
# ("It is not possible to ...") or the term the unit documents.
_POINTS_BACK = re.compile(
    r"^(?:this|that|these|those)\b(?!\s+(?:is|are)\s+(?:a|an|the|how|why|what)\b)"
    r"|^(?:but|however|otherwise|instead|also|here|then|so|thus|hence)\b"
    r"|^(?:in\s+(?:this|that|such\s+a|either)\s+case|to\s+avoid\s+(?:this|that|it)|for\s+(?:this|that)\s+reason"
    r"|because\s+of\s+(?:this|that)|as\s+a\s+result|in\s+other\s+words|meaning\s+that|in\s+addition)\b",
    re.I,
)
TITLE_MAX_CHARS = 160
_MIN_CLAUSE_CHARS = 40


@dataclass(frozen=True, slots=True)
class VersionNote:
    label: str
    version: str


def split_version_note(text: str) -> tuple[VersionNote | None, str]:
    """``Changed in version 3.8: Calling ...`` -> (note, ``Calling ...``)."""
    match = _VERSION_NOTE.match(text)
    if not match:
        return None, text
    return VersionNote(match.group("label").lower(), match.group("version").rstrip(".")), text[match.end():]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text and text[0].islower() and not text.startswith("`") else text


# What introduces an example the rule does not quote ("..., like:", "as follows:"): cut with the colon.
_INTRODUCER = re.compile(r",?\s+(?:like|like\s+this|like\s+so|as\s+follows|such\s+as|for\s+example|for\s+instance"
                         r"|e\.g\.)\s*:\s*$", re.I)


def sentence_end(text: str) -> str:
    text = _INTRODUCER.sub("", text.rstrip())
    return text if text.endswith((".", "!", "?", ".)", '."', ".\u201d")) else text.rstrip(":;,") + "."


def name_subject(text: str, subject: str | None, is_code: bool) -> str:
    """``text`` with an opening "it"/"this function" or a bare verb opening given its code subject."""
    if not subject or not is_code:
        return text
    shown = f"`{subject}`"
    match = ANAPHORA.match(text)
    if match:
        if mentions(text[match.end():], subject):  # "It must be enabled with `X`": "it" is not `X`
            return text
        return shown + text[match.end():]
    if _MODAL_OPENING.match(text):
        return f"{shown} {text[:1].lower()}{text[1:]}"
    return text


_WORD = re.compile(r"[A-Za-z][\w-]{3,}")
_STOP = frozenset("with from that this what when where which using into your about other".split())


def mentions(text: str, subject: str, is_code: bool = True) -> bool:
    """Whether ``text`` already names ``subject`` (a code name, or a topic by one of its words)."""
    if not is_code:
        lowered = text.lower()
        return any(w.lower() in lowered for w in _WORD.findall(subject) if w.lower() not in _STOP)
    bare = subject.split("(", 1)[0].strip("` ")
    last = bare.rsplit(".", 1)[-1]
    return bool(bare) and (bare in text or (len(last) > 2 and last in text))


def without_preamble(text: str) -> str:
    """``Note that generator names are case sensitive.`` -> ``Generator names are case sensitive.``"""
    match = _PREAMBLE.match(text)
    return capitalised(text[match.end():]) if match else text


def title_clause(text: str) -> str:
    """A complete clause for a title: the sentence, or its first clause when the sentence is long."""
    if len(text) <= TITLE_MAX_CHARS:
        return sentence_end(text)
    for boundary in _CLAUSE_BOUNDARIES:
        cuts = [m.start() for m in boundary.finditer(text)
                if _MIN_CLAUSE_CHARS <= m.start() <= TITLE_MAX_CHARS and text.count("`", 0, m.start()) % 2 == 0
                and text.count("(", 0, m.start()) == text.count(")", 0, m.start())]
        if cuts:
            return sentence_end(text[: cuts[-1]])  # the longest complete part that fits
    return sentence_end(text)


def points_back(sentence: str) -> bool:
    """Whether ``sentence`` needs the sentence before it to be understood."""
    return bool(_POINTS_BACK.match(sentence.strip()))


def is_reason(sentence: str | None) -> bool:
    return bool(sentence) and bool(_REASON.match(sentence.strip()))  # type: ignore[union-attr]


def is_deprecation(text: str) -> bool:
    return bool(_DEPRECATION.search(text))


def names_replacement(text: str) -> bool:
    return bool(_REPLACEMENT.search(text))
