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

from rules_spider.extraction.inline import CODE_CLOSE, CODE_OPEN

# Lower-cased tokens (without their final dot) after which a dot never ends a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "e.g", "i.e", "eg", "ie", "cf", "vs", "viz", "approx", "incl", "esp", "resp",
        "mr", "mrs", "ms", "dr", "prof", "st", "fig", "figs", "sec", "ch", "no", "nos",
        "vol", "ca", "al", "ver", "ref", "refs", "eq", "min", "max", "avg", "est",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)

# Markdown code spans and extraction's marked inline code (CODE_OPEN ... CODE_CLOSE).
_CODE_SPAN = re.compile(r"```.*?```|`[^`\n]+`|" + CODE_OPEN + "[^" + CODE_CLOSE + "]*" + CODE_CLOSE, re.S)
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`]+|\bwww\.[^\s<>\"'`]+")
_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*")
# Only terminal punctuation followed by a space, a tab, a line break or the end can end a
# sentence (``_is_boundary``); skip the rest (dots in names, versions, decimals) up front.
_END_BEFORE_BREAK = re.compile(_END.pattern + r"(?=[ \t\n]|\Z)")
_TOKEN_BEFORE = re.compile(r"([\w.\-]+)$")
_TOKEN_CHAR = re.compile(r"[\w.\-]")
_TOKEN_REACH = 64  # longer than any abbreviation
_SENTENCE_START = re.compile(r"[A-Z0-9\"'`(\[\u201c\u2018*_#@$<" + CODE_OPEN + "]")


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence and where it sits in the text it was split from."""

    text: str
    start: int
    end: int


def _protected(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _CODE_SPAN.finditer(text)] if "`" in text or CODE_OPEN in text else []
    if "://" not in text and "www." not in text:
        return spans
    for match in _URL.finditer(text):
        start, end = match.span()
        # A URL's trailing punctuation belongs to the sentence, not the URL.
        while end > start and text[end - 1] in ".,;:!?)]'\"":
            end -= 1
        spans.append((start, end))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= pos < end for start, end in spans)


def _token_before(text: str, dot: int) -> str:
    """``_TOKEN_BEFORE.search(text[:dot])``'s token, found by stepping back from ``dot``
    (at most ``_TOKEN_REACH`` characters: only a short token can be an abbreviation or an initial)."""
    end = dot - 1 if dot and text[dot - 1] == "\n" else dot  # "$" also matches before a final newline
    start, limit = end, max(0, dot - _TOKEN_REACH)
    while start > limit and _TOKEN_CHAR.match(text, start - 1):
        start -= 1
    return text[start:end]


def _is_boundary(text: str, dot: int, after: int, protected: list[tuple[int, int]]) -> bool:
    """Whether the terminal punctuation at ``dot`` (ending at ``after``) ends a sentence."""
    if protected and _inside(dot, protected):
        return False
    size = len(text)
    next_char = after  # the first character after spaces and tabs
    while next_char < size and text[next_char] in " \t":
        next_char += 1
    if next_char == size or text[next_char] == "\n":
        return True
    if next_char == after:  # no whitespace: dotted name, version, decimal
        return False
    if text[dot] != ".":
        return bool(_SENTENCE_START.match(text, next_char))
    token = _token_before(text, dot).lower()
    if token.rstrip(".") in ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isalpha():  # an initial: "J. Smith"
        return False
    return bool(_SENTENCE_START.match(text, next_char))


def sentence_spans(text: str) -> list[Span]:
    """Split ``text`` into sentences, keeping each one's offsets (verbatim slices)."""
    protected = _protected(text)
    cuts: list[int] = []
    for match in _END_BEFORE_BREAK.finditer(text):
        if _is_boundary(text, match.start(), match.end(), protected):
            cuts.append(match.end())
    pos = text.find("\n")
    while pos != -1:
        if not (protected and _inside(pos, protected)):
            cuts.append(pos)
        pos = text.find("\n", pos + 1)
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
