"""The subject a rule is about: named in the unit, or in the term or heading it sits under."""

from __future__ import annotations

import re

from rules_spider.extraction.inline import code_spans
from rules_spider.units import Unit

_LITERAL = re.compile(r"^(?:['\"].*['\"]|[-+]?\d[\d.,_]*[a-z]{0,3}|true|false|none|null|nil|undefined|yes|no|on|off)$", re.I)
_TERM_KEYWORD = re.compile(
    r"^(?:(?:abstract|async|static|class|exception|function|method|attribute|data|property|classmethod"
    r"|staticmethod|coroutine|awaitable|decorator|module|field|setting|option|object|type|func|var|const)\s+)+",
    re.I,
)
# "it", "this", "this function", "these options", "they" open a sentence that leans on its context.
ANAPHORA = re.compile(
    r"^(?:it|they|this|these|that|those|such)(?:\s+(?:function|method|class|option|options|parameter|parameters"
    r"|argument|arguments|setting|settings|attribute|value|command|module|property|feature|flag|object|objects"
    r"|call|calls|variable|field|directive|policy|hook|fixture|decorator|filter|tag|generator|signal|backend"
    r"|middleware|behaviou?r|mode|API|interface|type|macro|property))?\b",
    re.I,
)
_GENERIC_HEADINGS = frozenset(
    "note notes warning warnings overview introduction example examples usage description details see also api "
    "reference parameters options arguments caveats limitations synopsis name discussion summary background "
    "general basics miscellaneous other remarks tips".split()
)
MAX_SUBJECT_CHARS = 60


def short_term(term: str) -> str:
    """The name a definition documents: ``class os.PathLike`` -> ``os.PathLike``, ``os.open(path, flags)`` ->
    ``os.open()``, ``-f, --force`` -> ``--force``."""
    text = _TERM_KEYWORD.sub("", term.strip()).strip()
    if text.startswith("-") and ", " in text:
        options = [o.strip() for o in text.split(", ")]
        longest = [o for o in options if o.startswith("--")]
        text = (longest or options)[0]
    paren = text.find("(")
    if paren > 0 and re.match(r"^[\w.$:]+$", text[:paren]):
        text = text[:paren] + "()"
    if len(text) > MAX_SUBJECT_CHARS:
        text = text[:MAX_SUBJECT_CHARS].rsplit(" ", 1)[0]
    return text


def _bare(name: str) -> str:
    return name.split("(", 1)[0].rsplit(".", 1)[-1].strip("`")


def choose_subject(unit: Unit) -> tuple[str | None, bool]:
    """(subject, whether it is code) for a unit: what its rule must name."""
    spans = [s.strip() for s in code_spans(unit.marked)]
    named = [s for s in spans if 1 < len(s) <= MAX_SUBJECT_CHARS and not _LITERAL.match(s)]
    term = short_term(unit.term) if unit.term else None
    if term:
        if not named or ANAPHORA.match(unit.text) or _bare(named[0]) == _bare(term):
            return term, True
        return named[0], True
    if named:
        return named[0], True
    for heading in reversed(unit.heading_path):
        if heading.strip().lower().rstrip(":") in _GENERIC_HEADINGS or len(heading) > MAX_SUBJECT_CHARS:
            continue
        return heading.strip(), False
    return None, False
