"""Code examples for rules: which block illustrates a directive, what a
sentence introducing a block says it is for, and a call shown compactly."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rules_spider.analysis.cues import opening_verb
from rules_spider.analysis.subjects import strip_backticks
from rules_spider.items import Block, Section

# Longer blocks are whole programs, not examples of one rule.
MAX_EXAMPLE_LINES = 60
# "To create a client, ...", "The following shows how to stream responses:",
# "Run the server to preview the docs:".
_PURPOSE_FIRST = re.compile(r"^(?:in\s+order\s+)?to\s+([a-z][^,.:;()]{3,80}?),\s", re.I)
_HOW_TO = re.compile(r"\b(?:shows?|demonstrates?|illustrates?|explains?)\s+how\s+to\s+([a-z][^,.:;()]{3,80})", re.I)
_VERB_TO = re.compile(r"\s(?:in\s+order\s+)?to\s+([a-z][^,.:;()]{3,80})", re.I)
_ARG_NAME = re.compile(r"([A-Za-z_$][\w$]*)\s*=(?!=)")


def _subject_names(subject: str) -> list[str]:
    """Ways a subject shows up in code: ``Client.close()`` -> ``Client.close``, ``close(``."""
    bare = strip_backticks(subject).strip()
    name = bare.split("(", 1)[0].strip().lstrip("-").rstrip("=")
    names = [n for n in (bare, name) if n]
    if "." in name:
        names.append(name.rsplit(".", 1)[-1] + "(")
    return [n for n in dict.fromkeys(names) if len(n) > 2]


def nearest_example(section: Section, block_index: int, subjects: Sequence[str], introduces_code: bool) -> Block | None:
    """The code block of ``section`` that illustrates a directive in block ``block_index``.

    The nearest block naming one of ``subjects`` (at equal distance the one
    after the directive); otherwise, when the directive introduces code
    ("as follows:"), the block right after it; otherwise none.
    """
    code = [
        (index, block)
        for index, block in enumerate(section.blocks)
        if block.kind == "code" and block.text.strip() and block.text.count("\n") < MAX_EXAMPLE_LINES
    ]
    names = [name for subject in subjects for name in _subject_names(subject)]
    mentioning = [(index, block) for index, block in code if any(name in block.text for name in names)]
    if mentioning:
        return min(mentioning, key=lambda pair: (abs(pair[0] - block_index), pair[0] < block_index))[1]
    if introduces_code:
        following = [block for index, block in code if index == block_index + 1]
        return following[0] if following else None
    return None


def example_goal(sentence: str) -> str | None:
    """What a sentence introducing an example says the code is for, if it says."""
    text = sentence.strip()
    for pattern in (_PURPOSE_FIRST, _HOW_TO):
        match = pattern.search(text)
        if match:
            return match.group(1).strip()
    if opening_verb(text) is not None:
        match = _VERB_TO.search(text)
        if match:
            return match.group(1).strip()
    return None


@lru_cache(maxsize=256)
def _call_of(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w$.]){re.escape(name)}\s*\(")


def abbreviated_call(code: str, name: str) -> str | None:
    """The first call of ``name`` in ``code`` with values elided:
    ``pyrite.Client(base_url="x", timeout=5)`` -> ``pyrite.Client(base_url=..., timeout=...)``."""
    match = _call_of(name).search(code)
    if not match:
        return None
    depth, end = 0, None
    for pos in range(match.end() - 1, min(len(code), match.end() + 400)):
        depth += {"(": 1, ")": -1}.get(code[pos], 0)
        if depth == 0:
            end = pos
            break
    if end is None:
        return None
    args = code[match.end() : end].strip()
    if not args:
        return f"{name}()"
    keywords = _ARG_NAME.findall(args)
    return f"{name}({', '.join(f'{key}=...' for key in keywords) if keywords else '...'})"
