"""Sentences that look like directives but are page chrome, marketing or too vague to use.

"Always up to date", "Never miss a release - subscribe!", "Follow best
practices", a tutorial's "we must first dereference count": a developer
would not paste any of them into a project, so no rule may come from them. ``rejection_reason`` says why a sentence is not
rule material, or None when it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rules_spider.analysis.folding import Needs, fold_case, has_words
from rules_spider.analysis.keywords import STOP_WORDS
from rules_spider.analysis.words import VAGUE, VAGUE_WORDS

MIN_WORDS = 4
MAX_WORDS = 80
_F = re.I
_CHROME = re.compile(
    r"\b(?:skip\s+to\s+(?:main\s+)?content|edit\s+(?:this\s+page|on\s+github)|was\s+this\s+(?:page|article)\s+helpful|"
    r"on\s+this\s+page|table\s+of\s+contents|back\s+to\s+top|last\s+updated|all\s+rights\s+reserved|"
    r"privacy\s+policy|terms\s+of\s+(?:service|use)|cookie\s+(?:policy|settings|preferences)|we\s+use\s+cookies|"
    r"accept\s+(?:\w+\s+){0,2}cookies|enable\s+javascript|quick\s+search|show\s+source|page\s+source|copyright\b|\u00a9|powered\s+by|built\s+with\s+(?:sphinx|mkdocs|docusaurus)|"
    r"report\s+an?\s+(?:issue|bug)\s+with\s+this\s+page|toggle\s+(?:navigation|menu|theme|dark\s+mode))"
    r"|^(?:listing|figure|fig\.|table|example|snippet)\s+\d+(?:[-.]\d+)*\s*[:.]",
    _F,
)
# Every alternative of ``_CHROME`` holds one of these words (see ``folding``).
_CHROME_NEEDS: Needs = ((
    "skip", "edit", "helpful", "page", "contents", "top", "updated", "reserved", "privacy", "terms", "cookie",
    "javascript", "search", "source", "copyright", "\u00a9", "powered", "built", "report", "toggle", "listing", "fig",
    "table", "example", "snippet",
),)
_POINTER_NEEDS: Needs = (("details", "information", "learn", "full", "check", "refer", "consult", "look"),)
_MARKETING = re.compile(
    r"\b(?:sign\s+up|subscribe\s+(?:to\s+(?:our|the|my)\s+[\w\s-]{0,30}?(?:newsletter|channel|mailing\s+list|blog|feed|updates)|now|today|for\s+free)|newsletter|free\s+trial|start\s+(?:your\s+)?(?:free\s+)?trial|pricing|book\s+a\s+demo|"
    r"request\s+a\s+demo|contact\s+(?:us|sales)|talk\s+to\s+(?:sales|an\s+expert)|follow\s+us|star\s+us|join\s+(?:our|the)\s+"
    r"(?:community|discord|slack|newsletter|mailing\s+list)|trusted\s+by|loved\s+by|used\s+by\s+(?:thousands|millions)|"
    r"world[\s-]class|best[\s-]in[\s-]class|enterprise[\s-]grade|blazing(?:ly)?[\s-]fast|lightning[\s-]fast|cutting[\s-]edge|"
    r"next[\s-]generation|game[\s-]chang\w+|seamless(?:ly)?|effortless(?:ly)?|hassle[\s-]free|supercharge|"
    r"never\s+miss|don['\u2019]t\s+miss|stay\s+(?:tuned|updated|in\s+the\s+loop)|upgrade\s+to\s+(?:pro|premium|enterprise|a\s+paid)|"
    r"pro\s+plan|premium\s+plan|limited[\s-]time|get\s+started\s+(?:for\s+free|today|now)|try\s+(?:it\s+)?(?:for\s+)?free|"
    r"(?:is|are)\s+(?:now\s+)?out\b|now\s+available|just\s+released|upgrade\s+(?:today|now)|today[.!]?\s*$|"
    r"workshops?|webinars?|meetups?|conferences?|livestreams?|giveaways?|swag|"
    r"follow\s+\w+\s+on\s+(?:mastodon|twitter|x|github|linkedin|bluesky|youtube|discord|reddit)|"
    r"^(?:always|never)\s+(?:up[\s-]to[\s-]date|free|open[\s-]source|fast|reliable|simple)\b|"
    r"the\s+(?:friendly|modern|fastest|best|easiest|simplest|ultimate|most\s+\w+)\s+[\w\s/-]{0,30}?(?:client|library|framework|tool|toolkit|platform|way)\b|"
    r"you['\u2019]ll\s+(?:love|enjoy)|you\s+will\s+(?:love|enjoy)|our\s+(?:customers|team|platform|product|community)\s+)",
    _F,
)
# First-person narration of a tutorial ("we must first dereference count", "let's run it").
_NARRATIVE = re.compile(
    r"\blet['\u2019]s\b|\blet\s+us\b|\bwe['\u2019](?:ll|re|ve|d)\b"
    r"|\bwe\b(?!\s+(?:(?:strongly|highly|do\s+not|don['\u2019]t)\s+)?(?:recommend|suggest|advise|encourage))"
    r"|(?-i:\bus\b)|\b(?:i|we)\s+(?:think|believe|guess)\b",
    _F,
)
# Sentences that only point elsewhere.
_POINTER = re.compile(
    r"\b(?:for\s+(?:more\s+)?details|for\s+more\s+information|to\s+learn\s+more|for\s+(?:a|the)\s+full\s+list)\b[^.]{0,40}[.:]?\s*$"
    r"|(?:^|,\s*)(?:you\s+(?:should|can|may|might)\s+)?(?:check\s+out|refer\s+to|consult|take\s+a\s+look\s+at|have\s+a\s+look\s+at)\b",
    _F,
)
# Release-note items: "Fix the resolver (#1234)", "Set docs.rs as the default #8877".
_CHANGELOG_ITEM = re.compile(r"(?:\(#\d{2,}\)|\s#\d{2,}|\bPR\s*#?\d+|\bGH-\d+)[.)]?\s*$", _F)
_LETTER = re.compile(r"[^\W\d_]")
_CUE_WORDS = frozenset(
    "must should always never avoid prefer ensure make sure be do don't dont not recommended recommend required "
    "deprecated discouraged please you your we our it this that these those note warning tip important".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_STOP = frozenset(STOP_WORDS)


def content_words(sentence: str) -> list[str]:
    """Words that carry meaning: no stop words, no directive cue words."""
    return [w for w in _WORD.findall(sentence) if w.lower() not in _STOP and w.lower() not in _CUE_WORDS]


def rejection_reason(sentence: str, code_subjects: Sequence[str] = ()) -> str | None:
    """Why ``sentence`` cannot be a rule (``question``, ``too_short``, ``too_long``,
    ``chrome``, ``marketing``, ``not_english``, ``narrative``, ``changelog``, ``pointer``, ``vague``,
    ``no_subject``), or None."""
    text = sentence.strip()
    words = text.split()
    if text.endswith("?"):
        return "question"
    if len(words) < MIN_WORDS:
        return "too_short"
    if len(words) > MAX_WORDS:
        return "too_long"
    folded = fold_case(text)
    if has_words(folded, _CHROME_NEEDS) and _CHROME.search(text):
        return "chrome"
    if _MARKETING.search(text):
        return "marketing"
    if not text.isascii():  # all-ASCII text is all-ASCII letters
        letters = _LETTER.findall(text)
        if letters and sum(char.isascii() for char in letters) < 0.7 * len(letters):
            return "not_english"  # the cue words are English; elsewhere they only match by accident
    if _NARRATIVE.search(text):
        return "narrative"
    if _CHANGELOG_ITEM.search(text):
        return "changelog"
    if has_words(folded, _POINTER_NEEDS) and _POINTER.search(text):
        return "pointer"
    if not code_subjects:
        content = content_words(text)
        if len(content) < 4 and has_words(folded, (VAGUE_WORDS,)) and VAGUE.search(text):
            return "vague"
        if len(content) < 3:
            return "no_subject"
    return None
