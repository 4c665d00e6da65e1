"""Cheap word checks that let case-insensitive patterns skip text they cannot match.

A ``re.I`` pattern that needs the word "should" cannot match a sentence whose
folded text lacks "should". Folding is ``str.lower`` plus the three characters
``re.I`` matches to ASCII letters that ``lower`` leaves alone (``\u0130``, ``\u0131``
and the long s ``\u017f``), so a missing word really means no match.

A pattern's ``Needs`` are groups of words: it cannot match unless the text
holds, for every group, at least one of its words (as a substring).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

Needs = tuple[tuple[str, ...], ...]

_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold_case(text: str) -> str:
    """``text`` lower-cased the way ``re.I`` compares letters (for word checks only)."""
    return text.lower() if text.isascii() else text.translate(_FOLD).lower()


def has_words(folded: str, needs: Needs) -> bool:
    """Whether ``folded`` holds, for every group of ``needs``, one of its words."""
    for group in needs:
        for word in group:
            if word in folded:
                break
        else:
            return False
    return True


class WordSet:
    """The words of several patterns' ``Needs``, checked against a text all at once.

    ``present`` gives one bit per word found; ``masks`` turns a pattern's needs into
    one mask per group, and ``passes`` says whether every group has a word present.
    A word of ASCII letters occurs in a text only inside one of its whitespace-separated
    tokens, so tokens are looked up (and remembered: docs repeat their words) rather
    than the text searched once per word.
    """

    def __init__(self, needs: Iterable[Needs]) -> None:
        words = sorted({word for group_list in needs for group in group_list for word in group})
        if any(fold_case(word) != word for word in words):
            raise ValueError("WordSet words are matched against folded text: give them lower-cased")
        self._bit = {word: 1 << index for index, word in enumerate(words)}
        self._in_tokens = tuple((word, bit) for word, bit in self._bit.items() if word.isascii() and word.isalpha())
        self._elsewhere = tuple((word, bit) for word, bit in self._bit.items() if (word, bit) not in self._in_tokens)
        self._token_bits = lru_cache(maxsize=16384)(self._bits_of_token)

    def masks(self, needs: Needs) -> tuple[int, ...]:
        return tuple(sum(self._bit[word] for word in set(group)) for group in needs)

    def present(self, folded: str) -> int:
        """The bits of the words that occur in ``folded`` (a ``fold_case`` text)."""
        bits = 0
        token_bits = self._token_bits
        for token in folded.split():
            bits |= token_bits(token)
        for word, bit in self._elsewhere:
            if word in folded:
                bits |= bit
        return bits

    def _bits_of_token(self, token: str) -> int:
        bits = 0
        for word, bit in self._in_tokens:
            if word in token:
                bits |= bit
        return bits


def passes(present: int, masks: tuple[int, ...]) -> bool:
    """Whether every group of a pattern's needs (``WordSet.masks``) has a word in ``present``."""
    for mask in masks:
        if not present & mask:
            return False
    return True
