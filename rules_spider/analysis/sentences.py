"""Sentence splitting for documentation prose.

Documentation sentences are full of dots that do not end anything: dotted
names (``os.path.join``), versions (``v2.1``), file names (``setup.py``),
URLs, abbreviations (``e.g.``) and inline code spans. A sentence ends at
``.``, ``!`` or ``?`` followed by whitespace and something that can start a
sentence, or at a line break (extraction keeps paragraphs on one line, so a
line break inside a block is a real break: list items, admonition titles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lower-cased tokens (without their final dot) after which a dot never ends a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "e.g", "i.e", "eg", "ie", "cf", "vs", "viz", "approx", "incl", "esp", "resp",
        "mr", "mrs", "ms", "dr", "prof", "st", "fig", "figs", "sec", "ch", "no", "nos",
        "vol", "ca", "al", "ver", "ref", "refs", "eq", "min", "max", "avg", "est",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)

_CODE_SPAN = re.compile(r"```.*?```|`[^`\n]+`", re.S)
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`]+|\bwww\.[^\s<>\"'`]+")
_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*")
_TOKEN_BEFORE = re.compile(r"([\w.\-]+)$")
_SENTENCE_START = re.compile(r"[A-Z0-9\"'`(\[\u201c\u2018*_#@$<]")


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence and where it sits in the text it was split from."""

    text: str
    start: int
    end: int


def _protected(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _CODE_SPAN.finditer(text)]
    for match in _URL.finditer(text):
        start, end = match.span()
        # A URL's trailing punctuation belongs to the sentence, not the URL.
        while end > start and text[end - 1] in ".,;:!?)]'\"":
            end -= 1
        spans.append((start, end))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= pos < end for start, end in spans)


def _is_boundary(text: str, dot: int, after: int, protected: list[tuple[int, int]]) -> bool:
    """Whether the terminal punctuation at ``dot`` (ending at ``after``) ends a sentence."""
    if _inside(dot, protected):
        return False
    rest = text[after:]
    stripped = rest.lstrip(" \t")
    if not stripped or stripped[0] == "\n":
        return True
    if len(stripped) == len(rest):  # no whitespace: dotted name, version, decimal
        return False
    if text[dot] != ".":
        return bool(_SENTENCE_START.match(stripped))
    token_match = _TOKEN_BEFORE.search(text[:dot])
    token = token_match.group(1).lower() if token_match else ""
    if token.rstrip(".") in ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isalpha():  # an initial: "J. Smith"
        return False
    return bool(_SENTENCE_START.match(stripped))


def sentence_spans(text: str) -> list[Span]:
    """Split ``text`` into sentences, keeping each one's offsets (verbatim slices)."""
    protected = _protected(text)
    cuts: list[int] = []
    for match in _END.finditer(text):
        if _is_boundary(text, match.start(), match.end(), protected):
            cuts.append(match.end())
    for pos, char in enumerate(text):
        if char == "\n" and not _inside(pos, protected):
            cuts.append(pos)
    cuts = sorted(set(cuts))
    spans: list[Span] = []
    start = 0
    for cut in [*cuts, len(text)]:
        piece = text[start:cut]
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        if body:
            spans.append(Span(body, start + lead, start + lead + len(body)))
        start = cut
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, each a verbatim slice of it."""
    return [span.text for span in sentence_spans(text)]
