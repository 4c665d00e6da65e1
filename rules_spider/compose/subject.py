"""The subject a rule is about: named in the unit, or in the term or heading it sits under."""

from __future__ import annotations

import re

from rules_spider.extraction.inline import CODE_OPEN, code_spans
from rules_spider.items import Block, Section
from rules_spider.units import Unit

_LITERAL = re.compile(r"^(?:['\"].*['\"]|[-+]?\d[\d.,_]*[a-z]{0,3}|true|false|none|null|nil|undefined|yes|no|on|off)$", re.I)
_TERM_KEYWORD = re.compile(
    r"^(?:(?:abstract|async|static|class|exception|function|method|attribute|data|property|classmethod"
    r"|staticmethod|coroutine|awaitable|decorator|module|field|setting|option|object|type|func|var|const)\s+)+",
    re.I,
)
# "it", "this", "this function", "these options" open a sentence that leans on its context, when a verb
# follows: "It must not be called twice." "It's a good idea", "it is recommended" and "this is because" do
# not lean on anything ("it" there stands for nothing).
_NOUNS = (r"function|method|class|option|options|parameter|parameters|argument|arguments|setting|settings|attribute"
          r"|value|command|module|property|feature|flag|object|objects|call|calls|variable|field|directive|policy"
          r"|hook|fixture|decorator|filter|tag|generator|signal|backend|middleware|mode|API|interface|type|macro")
_VERBS = (r"must|should|shall|can|cannot|can['\u2019]t|may|might|will|won['\u2019]t|does|doesn['\u2019]t|do|don['\u2019]t"
          r"|has|have|needs|returns|raises|requires|accepts|only|never|always|also|was|were|are|aren['\u2019]t"
          r"|isn['\u2019]t(?!\s+(?:advisable|recommended|possible|necessary|needed|a\s+good|wise|allowed))"
          r"|is\s+(?:not(?!\s+(?:advisable|recommended|possible|necessary|needed|required|a\s+good|always|wise|allowed"
          r"|safe\s+to|clear|easy))|no\s+longer|deprecated|removed|ignored|called|used|evaluated|invoked|executed"
          r"|thread-?safe|safe(?!\s+to)|unsafe|only|never|always|required|reentrant|run|meant|intended|provided"
          r"|guaranteed)")
ANAPHORA = re.compile(rf"^(?:it|this|these|those|(?:this|these|the)\s+(?:{_NOUNS}))(?=\s+(?:{_VERBS})\b)", re.I)
# "... never modify this setting ...": the sentence is about the term it sits under, wherever it says so.
_ANAPHOR_INSIDE = re.compile(rf"\b(?:this|these)\s+(?:{_NOUNS})\b", re.I)
_GENERIC_HEADINGS = frozenset(
    "note notes warning warnings overview introduction example examples usage description details see also api "
    "reference parameters options arguments caveats limitations synopsis name discussion summary background "
    "general basics miscellaneous other remarks tips deprecated deprecation changes changed".split()
)
# A <dt> or heading that is prose (an FAQ question, a sentence) is context, not a name.
_PROSE_TERM = re.compile(r"\?\s*$|^(?:\S+\s+){6,}")
# ... and a term or quoted code that opens with a quote, bracket, brace or digit is a value ({'key': 'value'},
# (args, incomplete), 42), not a name.
_VALUE_TERM = re.compile(r"^[\[{(\"'\d]")
MAX_SUBJECT_CHARS = 60
_DEPRECATION_NOTE = re.compile(r"^(?:deprecated|removed)\b", re.I)


def short_term(term: str) -> str:
    """The name a definition documents: ``class os.PathLike`` -> ``os.PathLike``, ``os.open(path, flags)`` ->
    ``os.open()``, ``-f, --force`` -> ``--force``."""
    text = _TERM_KEYWORD.sub("", term.strip()).strip()
    if text.startswith("-") and ", " in text:
        options = [o.strip() for o in text.split(", ")]
        longest = [o for o in options if o.startswith("--")]
        text = (longest or options)[0]
    elif ", " in text and "(" not in text:
        text = text.split(", ", 1)[0]  # the names of one item (several <dt> before its <dd>): the first
    paren = text.find("(")
    if paren > 0 and re.match(r"^[\w.$:]+$", text[:paren]):
        text = text[:paren] + "()"
    if len(text) > MAX_SUBJECT_CHARS:
        text = text[:MAX_SUBJECT_CHARS].rsplit(" ", 1)[0]
    return text


def _bare(name: str) -> str:
    return name.split("(", 1)[0].rsplit(".", 1)[-1].strip("`")


def choose_subject(unit: Unit, blocks: list[Block],
                   documented: frozenset[str] = frozenset()) -> tuple[str | None, bool]:
    """(subject, whether it is code) for a unit of a section with ``blocks``: what its rule must name.
    ``documented`` holds the names the page documents (``documented_names``): a bare method quoted under a
    class's entry is named in full. A sentence about an argument that names no code is about the callable
    declared before it (``_declared_owner``)."""
    subject, is_code = _named_subject(unit, documented)
    if not is_code and unit.kind == "sentence":
        owner = _declared_owner(unit.text, blocks, unit.block_index)
        if owner is not None:
            return owner, True
    return subject, is_code


def _named_subject(unit: Unit, documented: frozenset[str]) -> tuple[str | None, bool]:
    spans = [s.strip() for s in code_spans(unit.marked)]
    named = [s for s in spans if 1 < len(s) <= MAX_SUBJECT_CHARS and not _LITERAL.match(s) and not _VALUE_TERM.match(s)]
    term = short_term(unit.term) if unit.term else None
    if term and (_PROSE_TERM.search(term) or _VALUE_TERM.match(term) or term.lower().rstrip(":") in _GENERIC_HEADINGS):
        term = None
    if term:
        deprecation = unit.admonition == "deprecated" or _DEPRECATION_NOTE.match(unit.text)
        if (not named or deprecation or ANAPHORA.match(unit.text) or _anaphor_first(unit.marked)
                or _bare(named[0]) == _bare(term) or _member_of(named[0], term)):
            # A deprecation note names what replaces the term; the term is what it is about. A term in plain
            # words ("Code objects", a glossary's "abstract base class") is a topic, not code.
            return term, not _PLAIN_WORDS.match(term)
        if not _opens_with_code(unit.marked) and not _ANAPHOR_INSIDE.search(unit.marked):
            # "Prefer to use `context()` instead." under undo(): said of the entry's API; but "override `prepare`,
            # and this method ..." speaks of what it quotes.
            return term, not _PLAIN_WORDS.match(term)
        return _sibling(named[0], term, documented) or named[0], True
    if named:
        return named[0], True
    for heading in reversed(unit.heading_path):
        topic = _SECTION_NUMBER.sub("", heading.strip())
        if _is_subject_heading(topic):
            return topic, False
    return None, False


_PLAIN_WORDS = re.compile(r"^[A-Za-z][a-z]+(?:[ -][A-Za-z]?[a-z]+)+$")
_CODE_OPENING = re.compile(r"^(?:(?:the|a|an|calling|using|setting|passing)\s+)?" + CODE_OPEN, re.I)


def _opens_with_code(marked: str) -> bool:
    """ "`flush()` must be called ...", "The `callback` argument ...": the quoted code is the sentence's subject."""
    return bool(_CODE_OPENING.match(marked))


_BARE_CALL = re.compile(r"^[A-Za-z_]\w*\(\)$")


def is_special_method(name: str) -> bool:
    """ "`__hash__()`", "object.__del__()": a special method is any class's ("the class defines `__getattr__()`"),
    never one class's to qualify it with."""
    return name.rsplit(".", 1)[-1].startswith("__")


def documented_names(sections: list[Section]) -> frozenset[str]:
    """The names of the APIs a page documents in its definition lists (``tornado.web.RequestHandler.flush()``)."""
    return frozenset(short_term(block.term) for section in sections for block in section.blocks if block.term)


def _sibling(name: str, term: str, documented: frozenset[str]) -> str | None:
    """ "Subclasses must override `get_app()`" under ``tornado.testing.AsyncHTTPTestCase``: the method of that
    class (or of the class or module its entry belongs to) when the page documents it under that full name."""
    if not documented or not _BARE_CALL.match(name) or is_special_method(name):
        return None
    owner = term[:-2] if term.endswith("()") else term
    parent = owner.rsplit(".", 1)[0] if "." in owner else None
    for scope in (owner, parent):
        if scope and f"{scope}.{name}" in documented:
            return f"{scope}.{name}"
    return None


_PLAIN_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# A callable, a class or an option: what has parameters or attributes (a module's term does not).
_API_TERM = re.compile(r"\(\)$|^-|(?:^|\.)[A-Z][\w$]*$")


def _member_of(name: str, term: str) -> bool:
    """A bare lower-case name quoted under an API's term is one of its parameters or attributes
    ("`buf` must be a writable buffer" under ``BaseIOStream.read_into()``): the rule is about the API."""
    return bool(_PLAIN_NAME.match(name)) and bool(_API_TERM.search(term))


def opens_with_term_anaphor(text: str) -> bool:
    """ "This function ...", "These options ...": an opening that a documented term can stand for."""
    return bool(_ANAPHOR_INSIDE.match(text))


def names_term_by_anaphor(text: str) -> bool:
    """ "... when this option is set ...": words that a documented term can stand for, anywhere."""
    return bool(_ANAPHOR_INSIDE.search(text))


_THIS_CALLABLE = re.compile(r"\bthis\s+(?:method|function)\b")
_NAMES_ANOTHER = re.compile(r"\b(?:method|function)\s+(?:named|called)\b")


def term_for_anaphor(statement: str, subject: str, term: str | None) -> str:
    """``statement`` with "this method" / "this function" named, when the rule is about other code it quotes and
    the unit documents a callable: "The method `notifyAll` is a deprecated alias for this method." under
    ``threading.Condition.notify_all()`` says which method."""
    if not term or not term.endswith("()"):
        return statement
    name = short_term(term)
    if name == subject or not name.endswith("()"):
        return statement
    match = _THIS_CALLABLE.search(statement)
    if match is None or _NAMES_ANOTHER.search(statement, 0, match.start()):
        return statement  # "If the object has a method named `__dir__()`, this method will be called": that one
    return f"{statement[:match.start()]}`{name}`{statement[match.end():]}"


def _anaphor_first(marked: str) -> bool:
    """ "this setting" before any code the sentence quotes: it speaks of the term, not of what it quotes
    ("never modify this setting, modify `X` instead"; but "override `prepare`, and this method ...")."""
    match = _ANAPHOR_INSIDE.search(marked)
    code = marked.find(CODE_OPEN)
    return match is not None and (code < 0 or match.start() < code)


_NOT_SUBJECT_HEADING = re.compile(r"^(?:step\s+\d|version\s|v?\d+(?:\.\d+)+|release|what|how|why|when|where|who|"
                                  r"which|can|should|is|are|do|does)\b|\?\s*$|\d{4}-\d\d-\d\d", re.I)


# "1.7. Extracting Parameters in Extension Functions": the number of a numbered manual's section (a
# version heading, "3.1.2" or "2.1.0 (2020-05-01)", has no dot before its words).
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.\s+(?=[A-Z])")


def _is_subject_heading(heading: str) -> bool:
    """A heading that can stand as a rule's subject: short, a name or topic, not a question, step or release."""
    text = heading.strip()
    return (bool(text) and len(text) <= 40 and text.lower().rstrip(":") not in _GENERIC_HEADINGS
            and not _NOT_SUBJECT_HEADING.search(text))


# "The arg argument must be a tuple ...", "The remaining arguments must be addresses ...": a sentence about an
# argument, after the declaration that shows whose ("int PyArg_ParseTuple(PyObject *arg, const char *format, ...);").
_ARGUMENT_OPENING = re.compile(r"^the\s+(?:first|second|third|last|remaining|other|(?P<name>[a-z_]\w*))\s+"
                               r"(?:argument|parameter)s?\b", re.I)
_DECLARATION = re.compile(r"\b(?P<name>[A-Za-z_][\w.:]*)\s*\((?P<parameters>[^()]*)\)")
_PARAMETER_NAME = re.compile(r"([A-Za-z_]\w*)\s*(?:=[^,]*)?$")
_DECLARATION_LINES = 3


def _declared_owner(text: str, blocks: list[Block], block_index: int) -> str | None:
    """The callable whose argument ``text`` speaks of, from the declaration in the code block nearest before it,
    when the sentence names no API itself: ``PyArg_ParseTuple()`` for "The arg argument must be a tuple ..."."""
    match = _ARGUMENT_OPENING.match(text)
    if match is None:
        return None
    for block in reversed(blocks[:block_index]):
        if block.kind != "code":
            continue
        if block.text.count("\n") >= _DECLARATION_LINES:
            return None  # an example program, not the declaration of one callable
        declarations = _DECLARATION.findall(block.text)
        if len(declarations) != 1:
            return None
        owner, parameters = declarations[0]
        names = {m.group(1) for p in parameters.split(",") if (m := _PARAMETER_NAME.search(p.strip()))}
        if match.group("name") is None or match.group("name") in names:
            return f"{owner}()"
        return None
    return None
