"""A unit and its context as tokens for a hashing vectorizer.

Words and word pairs of the unit (inline code, URLs and numbers folded into placeholder words so an
identifier of one documentation set does not stand for guidance in another), its opening words, its
shape, the words of its heading, what it documents, the admonition it sits in, its page kind, the
openings of its neighbours, and the cue words ``analysis.cues`` finds - as features, never as gates.
"""

from __future__ import annotations

import re

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


def _opening_words(text: str, count: int) -> list[str]:
    """The first words of a context sentence (only its opening is a feature: no need to fold all of it)."""
    return _words(text[: 16 * count])[:count]


def _length_bin(count: int) -> str:
    for limit in _LENGTH_BINS:
        if count <= limit:
            return f"len:<={limit}"
    return "len:long"


def unit_tokens(unit: Unit) -> list[str]:
    """The tokens the rule model hashes for ``unit`` (an analyzer for ``HashingVectorizer``)."""
    words = _words(unit.marked)
    tokens = [f"w:{w}" for w in words]
    tokens.extend(f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False))
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
        tokens.extend(f"h:{w}" for w in _HEADING_WORD.findall(unit.heading_path[-1].lower()))
        tokens.extend(f"t:{w}" for w in _HEADING_WORD.findall(unit.heading_path[0].lower()))
        tokens.append(f"depth:{min(len(unit.heading_path), 4)}")
    if unit.lead_in:
        tokens.append("lead:colon" if unit.lead_in.rstrip().endswith(":") else "lead:yes")
        tokens.extend(f"l:{w}" for w in _opening_words(unit.lead_in, 6))
    for side, text in (("p", unit.previous), ("n", unit.next)):
        neighbour = _opening_words(text, 2) if text else []
        tokens.append(f"{side}1:{neighbour[0] if neighbour else 'none'}")
        if len(neighbour) > 1:
            tokens.append(f"{side}2:{neighbour[0]}_{neighbour[1]}")
    cue = classify(unit.text, has_subject=bool(spans or unit.term))
    if cue is None:
        tokens.append("cue:none")
    else:
        strength = "imperative" if cue.imperative else cue.strength
        tokens.extend([f"cue:{strength}", f"pol:{cue.polarity}", f"cue:{strength}_{cue.polarity}"])
        tokens.extend(f"cw:{c.text.lower()}" for c in cue.cues)
        tokens.extend(f"x:{c}_{strength}" for c in context)
    return tokens
