"""The word lists more than one analysis module reads, kept here once.

Each module builds the pattern it needs from these; a word added here reaches every reader.
"""

from __future__ import annotations

import re

_F = re.I

# Labels an admonition or a bolded lead-in opens with ("Note:", "**Warning** -").
ADMONITION_LABELS: tuple[str, ...] = (
    "note", "tip", "hint", "warning", "important", "caution", "danger", "attention", "deprecated", "remember",
)  # fmt: skip
# What extraction may leave as an admonition's whole title line, besides the labels.
ADMONITION_TITLE_ONLY: tuple[str, ...] = ("info", r"see\s+also", "seealso", "error")

# A label and its punctuation at the start of a sentence or bullet, to strip before reading the sentence.
LEADING_LABEL = re.compile(
    rf"^\s*(?:[-*\u2022]\s+)?(?:\*\*)?(?:{'|'.join(ADMONITION_LABELS)})(?:\*\*)?\s*[:!\u2014-]\s*", _F
)

# Words that negate what a sentence says ("not", "never", "no longer", "cannot", "-n't").
_NEGATION = r"\b(?:not|never|no\s+longer|cannot)\b|n['\u2019]t\b"
# ... and words that turn it against something ("avoid X", "Y instead of X", "X is deprecated").
_AVERSION = r"\b(?:no|avoid|without|instead|rather|deprecated)\b"
NEGATION = re.compile(_NEGATION, _F)
NEGATION_OR_AVERSION = re.compile(f"{_NEGATION}|{_AVERSION}", _F)

# Phrases that say nothing a reader can act on ("follow best practices", "configure it properly").
VAGUE_PHRASES: tuple[str, ...] = (
    r"best\s+practices?", r"good\s+practices?", r"the\s+documentation", r"the\s+docs", r"the\s+guidelines",
    r"the\s+right\s+way", r"properly", r"appropriate(?:ly)?", r"as\s+appropriate", r"as\s+needed", r"if\s+needed",
    r"when\s+necessary", r"where\s+possible", r"carefully", r"correctly", r"be\s+careful", r"and\s+so\s+on", r"etc",
    r"documented",
)  # fmt: skip
VAGUE = re.compile(rf"\b(?:{'|'.join(VAGUE_PHRASES)})\b", _F)
# A word each phrase of VAGUE_PHRASES contains (lower-cased, for ``folding.has_words``).
VAGUE_WORDS: tuple[str, ...] = (
    "practice", "documentation", "docs", "guidelines", "right", "properly", "appropriate", "needed", "necessary",
    "possible", "carefully", "correctly", "careful", "so on", "etc", "documented",
)  # fmt: skip

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
