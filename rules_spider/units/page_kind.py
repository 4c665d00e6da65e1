"""What kind of documentation page a URL and its title are: a heuristic, used as a model feature."""

from __future__ import annotations

import re

from rules_spider.units.unit import PageKind

# Checked in order; the first kind whose pattern matches the page's path or title wins.
_KIND_PATTERNS: tuple[tuple[PageKind, re.Pattern[str]], ...] = (
    ("changelog", re.compile(
        r"change-?log|changes\b|release[\s_-]?notes|releases?/|whats-?new|what['\u2019]?s new|\bnews\b|history"
        r"|/releases?\b|/\d+\.\d+(?:\.\d+)?\.html$|/release/", re.I)),
    ("contributing", re.compile(
        r"contribut|hacking|internals/|submittingpatches|reviewing|codingguidelines|coding[\s_-]?style"
        r"|committ|triag|howto-release|/bugs\b|reporting[\s_-]?bugs|devguide|developer[\s_-]guide|mailing", re.I)),
    ("tutorial", re.compile(
        r"tutorial|quick-?start|getting[\s_-]?started|first[\s_-]?steps|intro(?:duction)?\b|/overview\b|\blearn", re.I)),
    ("reference", re.compile(
        r"/ref/|reference|/api\b|/apidoc|/library/|/c-api/|/command/|/module/|/variable/|/prop_|/policy/"
        r"|/generator/|/manual/|/git-[\w-]+\.html$|/gitweb|_spec\b|spec\.html$|settings\b|/options?\b", re.I)),
)


def page_kind(url: str, title: str) -> PageKind:
    """``guide`` unless the path or title says changelog, contributing, tutorial or reference."""
    path = url.split("://", 1)[-1]
    path = path[path.find("/"):] if "/" in path else ""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(path) or pattern.search(title):
            return kind
    return "guide"
