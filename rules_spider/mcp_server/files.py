"""Which rules apply to a file: the globs of each rule's technology, and the files its text names.

The server does not know the project's root, so a path is matched as given and as each of its
suffixes (``/home/me/app/src/x.py`` also as ``src/x.py`` and ``x.py``): a project-relative glob such as
``pyproject.toml`` or ``migrations/**`` matches wherever the project lives. A rule whose own text names
the file (``Dockerfile``, ``*.test.ts``) ranks above one that matches by technology only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from wcmatch import glob

from rules_spider.items import Rule
from rules_spider.writers.activation import named_globs
from rules_spider.writers.globs import globs_for
from rules_spider.writers.readers import GLOB_FLAGS

MAX_PATH = 1024


class BadPathError(ValueError):
    """A path that cannot be matched."""


def path_suffixes(path: str) -> list[str]:
    if not path.strip() or len(path) > MAX_PATH or "\x00" in path:
        raise BadPathError(f"path must be 1..{MAX_PATH} characters without NUL")
    parts = [p for p in PurePosixPath(path.strip().replace("\\", "/")).parts if p not in ("/", ".")]
    if not parts or ".." in parts:
        raise BadPathError(f"path {path!r} has no file name or climbs with '..'")
    return ["/".join(parts[i:]) for i in range(len(parts))]


def _matches(suffixes: Sequence[str], patterns: Sequence[str]) -> bool:
    return bool(patterns) and any(glob.globmatch(s, list(patterns), flags=GLOB_FLAGS) for s in suffixes)


@dataclass(frozen=True, slots=True)
class FileMatch:
    rule: Rule
    named: bool  # the rule's own text names the file (else it matched by technology)


class FileRules:
    """Rules with their globs, precomputed once per rule set."""

    def __init__(self, rules: Sequence[Rule], pinned: frozenset[str] = frozenset()) -> None:
        self.rules = tuple(rules)
        self.pinned = pinned
        self._named = {r.id: named_globs(f"{r.title}\n{r.body}") for r in self.rules}

    def for_path(self, path: str, limit: int = 20) -> list[FileMatch]:
        suffixes = path_suffixes(path)
        technology_hit = {tech: _matches(suffixes, globs_for(tech)) for tech in {r.technology for r in self.rules}}
        found = []
        for rule in self.rules:
            named = _matches(suffixes, self._named[rule.id])
            if named or technology_hit[rule.technology]:
                found.append(FileMatch(rule, named))
        found.sort(key=lambda m: (m.rule.id not in self.pinned, not m.named,
                                  -(m.rule.quality_score or 0.0), m.rule.id))
        return found[:limit]
