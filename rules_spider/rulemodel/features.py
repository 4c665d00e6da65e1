"""A unit and its context as tokens for a hashing vectorizer.

Words and word pairs of the unit (inline code, URLs and numbers folded into placeholder words so an
identifier of one documentation set does not stand for guidance in another), its opening words, its
shape, the words of its heading, what it documents, the admonition it sits in, its page kind, the
openings of its neighbours, and the cue words ``analysis.cues`` finds - as features, never as gates.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rules_spider.analysis.cues import classify
from rules_spider.extraction.inline import CODE_CLOSE, CODE_OPEN
from rules_spider.units import Unit

_CODE = re.compile(CODE_OPEN + "[^" + CODE_CLOSE + "]*" + CODE_CLOSE)
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+")
_NUMBER = re.compile(r"\b\d[\d.,]*\b")
_WORD = re.compile(r"[a-z]+(?:['\u2019][a-z]+)?")
_HAS_DIGIT = re.compile(r"\d")
_HEADING_WORD = re.compile(r"[a-z]{3,}")
_LENGTH_BINS = (4, 8, 14, 22, 35, 60)


def _words(text: str) -> list[str]:
    # Each substitution only when its text can be there: most sentences have no URL and many no code.
    if "://" in text or "www." in text:
        text = _URL.sub(" zurl ", text)
    if CODE_OPEN in text:
        text = _CODE.sub(" zcode ", text)
    if _HAS_DIGIT.search(text):
        text = _NUMBER.sub(" znum ", text)
    return _WORD.findall(text.lower())


# A page's headings, lead-ins and sentences come back for unit after unit (a sentence is the next of one
# unit and the previous of another): their tokens are made once.
@lru_cache(maxsize=4096)
def _opening_words(text: str, count: int) -> tuple[str, ...]:
    """The first words of a context sentence (only its opening is a feature: no need to fold all of it)."""
    return tuple(_words(text[: 16 * count])[:count])


@lru_cache(maxsize=1024)
def _heading_tokens(innermost: str, outermost: str, depth: int) -> tuple[str, ...]:
    return (*(f"h:{w}" for w in _HEADING_WORD.findall(innermost.lower())),
            *(f"t:{w}" for w in _HEADING_WORD.findall(outermost.lower())), f"depth:{min(depth, 4)}")


@lru_cache(maxsize=1024)
def _lead_in_tokens(lead_in: str) -> tuple[str, ...]:
    return ("lead:colon" if lead_in.rstrip().endswith(":") else "lead:yes",
            *(f"l:{w}" for w in _opening_words(lead_in, 6)))


@lru_cache(maxsize=4096)
def _neighbour_tokens(side: str, text: str | None) -> tuple[str, ...]:
    neighbour = _opening_words(text, 2) if text else ()
    first = f"{side}1:{neighbour[0] if neighbour else 'none'}"
    return (first, f"{side}2:{neighbour[0]}_{neighbour[1]}") if len(neighbour) > 1 else (first,)


def _length_bin(count: int) -> str:
    for limit in _LENGTH_BINS:
        if count <= limit:
            return f"len:<={limit}"
    return "len:long"


def unit_tokens(unit: Unit) -> list[str]:
    """The tokens the rule model hashes for ``unit`` (an analyzer for ``HashingVectorizer``)."""
    words = _words(unit.marked)
    tokens = ["w:" + w for w in words]
    tokens.extend([f"b:{a}_{b}" for a, b in zip(words, words[1:])])
    if words:
        tokens.append(f"f1:{words[0]}")
        if len(words) > 1:
            tokens.append(f"f2:{words[0]}_{words[1]}")
    tokens.append(_length_bin(len(words)))
    stripped = unit.marked.rstrip()
    if stripped.endswith(":"):
        tokens.append("end:colon")
    elif stripped.endswith("?"):
        tokens.append("end:question")
    elif not stripped.endswith((".", "!", ")", '"', "\u201d")):
        tokens.append("end:open")
    if unit.marked.startswith(CODE_OPEN):
        tokens.append("start:code")
    spans = unit.marked.count(CODE_OPEN)
    tokens.append(f"code:{min(spans, 3)}")
    context = [f"kind:{unit.kind}", f"page:{unit.page_kind}", f"adm:{unit.admonition or 'none'}",
               f"term:{unit.term_from or 'none'}"]
    tokens.extend(context)
    if unit.heading_path:
        tokens.extend(_heading_tokens(unit.heading_path[-1], unit.heading_path[0], len(unit.heading_path)))
    if unit.lead_in:
        tokens.extend(_lead_in_tokens(unit.lead_in))
    tokens.extend(_neighbour_tokens("p", unit.previous))
    tokens.extend(_neighbour_tokens("n", unit.next))
    cue = classify(unit.text, has_subject=bool(spans or unit.term))
    if cue is None:
        tokens.append("cue:none")
    else:
        strength = "imperative" if cue.imperative else cue.strength
        tokens.extend([f"cue:{strength}", f"pol:{cue.polarity}", f"cue:{strength}_{cue.polarity}"])
        tokens.extend(f"cw:{c.text.lower()}" for c in cue.cues)
        tokens.extend(f"x:{c}_{strength}" for c in context)
    return tokens
