"""Sentence surgery for rule text: version notes, naming the subject, complete-clause titles, reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules_spider.compose.subject import ANAPHORA, is_special_method

_VERSION_NOTE = re.compile(
    r"^(?P<label>new in|added in|changed in|deprecated since|deprecated in|removed in|version added|"
    r"version changed|deprecated)(?:\s+version)?\s+(?P<version>v?\d[\w.\-]*)\s*[:.,]?\s*",
    re.I,
)
# A sentence of a description that opens with its verb ("Must not be called twice.").
_MODAL_OPENING = re.compile(r"^(?:must|should|shall|cannot|may|might|will|won['\u2019]t|is|are|was|were|has|have|"
                            r"needs|requires|returns|raises)\b", re.I)
# Openings a title can do without: the guidance starts after them.
_PREAMBLE = re.compile(r"^(?:(?:also|please|but|however|so|and)\s*,?\s+)?(?:note|notice|remember(?!\s+to\b)|keep in mind|be aware|"
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
# "In this case, ...", "As a side effect, ...", "But ...", "To hide it, ..."), or its opening clause says
# what it answers with one ("To enable this feature, ...", "If this is not acceptable (...), ...").
_POINTS_BACK = re.compile(
    r"^(?:this|that|these|those)\b(?!\s+(?:is|are)\s+(?:a|an|the|how|why|what)\b)"
    r"|^(?:but|however|otherwise|instead|also|here|then|so|thus|hence|similarly|likewise|consequently)\b"
    r"|^(?:in\s+(?:this|that|such\s+a|either)\s+case|to\s+avoid\s+(?:this|that|it)|for\s+(?:this|that)\s+reason"
    r"|because\s+of\s+(?:this|that)|as\s+a\s+(?:result|side\s+effect|consequence)|in\s+other\s+words"
    r"|meaning\s+that|in\s+addition|for\s+(?:example|instance)|to\s+[a-z]+\s+(?:it|them))\b"
    r"|^(?:to|if|when|once|unless|after|before|with|without|for|since|while|even\s+though|although)\s"
    r"[^,;]{0,60}?\b(?:this|these|those|such)\b(?=[^,;]*,)",
    re.I,
)
# "... workarounds for these browsers", "while this migration is running": a demonstrative that names a
# thing of the sentence before. Not "this is", "use this if", nor what the page itself is ("this page").
_DEMONSTRATIVE = re.compile(
    r"\b(?:this|these|those)\s+(?!(?:is|are|was|were|will|would|can|could|may|might|must|should|does|do|has|have"
    r"|means?|if|to|and|or|in|on|at|by|for|with|from|as|when|the|a|an|way|case|time|point|page|section|document"
    r"|chapter|guide|tutorial|example|release|version|module|package|project|library|documentation|manual)\b)"
    r"[a-z][\w-]*",
    re.I,
)
# An opening "it" or "they" that stands for something: not a dummy ("It is not possible to ...",
# "It is recommended ..."), which ANAPHORA's verbs leave out.
_PRONOUN_OPENING = re.compile(r"^(?:(?:even\s+though|although)\s+it\b|they\s)", re.I)
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


# A Sphinx parameter field's entry: "ensure (bool) – if set to True, ...", "prefix – can be used to ...".
_PARAMETER_ENTRY = re.compile(r"^(?P<name>[a-z_][\w.]*)(?: \((?P<type>[^()]{1,60})\))? [\u2013\u2014] (?P<rest>\S.*)$", re.S)


def parameter_statement(text: str, subject: str | None, is_code: bool) -> str | None:
    """A parameter field's entry as a sentence about the parameter of ``subject``, or None when ``text`` is no
    such entry: "exists (bool) – The file ..." -> "`click.Path()` parameter `exists`: The file ..."."""
    match = _PARAMETER_ENTRY.match(text)
    if match is None:
        return None
    owner = f"`{subject}` parameter" if subject and is_code else "Parameter"
    return f"{owner} `{match.group('name')}`: {capitalised(match.group('rest'))}"


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
        if subject.endswith("()") and _CALLABLES_OPERAND.match(match.group()):
            return text  # "The object must not be NULL" under Py_INCREF(): its argument, not the function
        return shown + text[match.end():]
    if _MODAL_OPENING.match(text):
        return f"{shown} {text[:1].lower()}{text[1:]}"
    return text


# What a callable's entry calls "the object" or "the value" is what it is given or returns.
_CALLABLES_OPERAND = re.compile(r"^the\s+(?:object|objects|value|values|variable|argument|arguments|parameter"
                                r"|parameters)$", re.I)
_WORD = re.compile(r"[A-Za-z][\w-]{3,}")
_PLAIN_WORD = re.compile(r"^[a-z]+$")
_STOP = frozenset("with from that this what when where which using into your about other".split())


def mentions(text: str, subject: str, is_code: bool = True) -> bool:
    """Whether ``text`` already names ``subject`` (a code name, or a topic by one of its words)."""
    if not is_code:
        lowered = text.lower()
        return any(w.lower() in lowered for w in _WORD.findall(subject) if w.lower() not in _STOP)
    bare = subject.split("(", 1)[0].strip("` ")
    last = bare.rsplit(".", 1)[-1]
    if not bare or bare in text or len(last) <= 2:
        return bool(bare) and bare in text
    if _PLAIN_WORD.match(last):  # "the request", "the pool": an English word names the code only when quoted as code
        return re.search(rf"`{re.escape(last)}(?:\(\))?`|\b{re.escape(last)}\(", text) is not None
    return last in text


_BACKTICKED = re.compile(r"`([^`]+)`")


def qualified_mention(text: str, subject: str) -> str:
    """``text`` with its first short mention of a qualified code ``subject`` given in full: "Since `notify()`
    does not release the lock, ..." under ``threading.Condition.notify()`` names the class as well."""
    bare = subject.split("(", 1)[0]
    if "." not in bare or bare in text or is_special_method(bare):
        return text
    for match in _BACKTICKED.finditer(text):
        quoted = match.group(1)
        short = quoted[:-2] if quoted.endswith("()") else quoted
        if "(" not in short and bare.endswith("." + short):
            before = text[:match.start()]
            if before.endswith(("an ", "An ")) and bare[:1].lower() not in "aeiou":
                before = before[:-2] + " "  # "an `atomic` block" -> "a `django.db.transaction.atomic()` block"
            # A class named in its own right keeps no parentheses: "construct `tornado.web.RequestHandler` objects".
            called = "()" if quoted.endswith("()") or (subject.endswith("()") and not short[:1].isupper()) else ""
            return f"{before}`{bare}{called}`{text[match.end():]}"
    return text


# "PEP 343: The 'with' statement" / "To enable the statement in Python 2.5, ...": the heading's quoted name says which.
_QUOTED_KIND = re.compile(r"[`'\u2018\"\u201c](?P<name>[\w.-]{1,40})[`'\u2019\"\u201d]\s+(?P<kind>statement|keyword|expression"
                          r"|operator|directive|decorator|command|option|setting|function|method|module|class|fixture"
                          r"|hook|filter|tag|signal|field|attribute|variable|flag)\b", re.I)


def heading_names_kind(text: str, heading: str | None) -> str:
    """``text`` with its first "the statement" given the name the heading quotes for it ("the `with` statement")."""
    match = _QUOTED_KIND.search(heading or "")
    if match is None:
        return text
    name, kind = match.group("name"), match.group("kind").lower()
    if f"`{name}`" in text:
        return text
    return re.sub(rf"\b([Tt]he) {kind}\b(?!s)", rf"\1 `{name}` {kind}", text, count=1)


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


def is_aside(sentence: str) -> bool:
    """ "(Contributed by Pablo Galindo in bpo-38530.)": a sentence in parentheses says nothing a rule can lean on."""
    text = sentence.strip()
    return text.startswith("(") and text.endswith((")", ").", ".)"))


def names_by_demonstrative(sentence: str) -> bool:
    """Whether ``sentence`` names a thing only as "these browsers", "this migration"."""
    return bool(_DEMONSTRATIVE.search(sentence))


def opens_with_pronoun(sentence: str) -> bool:
    """ "It must be ...", "They are ...", "Even though it is ...": an opening pronoun that stands for something."""
    text = sentence.strip()
    return bool(_PRONOUN_OPENING.match(text)) or (bool(ANAPHORA.match(text)) and text[:3].lower() == "it ")


def is_reason(sentence: str | None) -> bool:
    return bool(sentence) and bool(_REASON.match(sentence.strip()))  # type: ignore[union-attr]


def is_deprecation(text: str) -> bool:
    return bool(_DEPRECATION.search(text))


def names_replacement(text: str) -> bool:
    return bool(_REPLACEMENT.search(text))
