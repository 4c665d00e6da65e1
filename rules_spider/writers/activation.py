"""When an assistant should load a rule file: globs from the technology and from the rules.

A file's globs are its technology's patterns (``writers.globs``) plus the file
types and paths its rules name: a glob such as ``*.test.ts``, a file the
tooling knows by name (``pyproject.toml``, ``Dockerfile``) or a directory
written in code (```migrations/```). With no glob at all, the file is left to
its description: one sentence saying when to apply it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rules_spider.items import Rule
from rules_spider.writers.globs import globs_for
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.markdown import join_names, technology_label

# Files known by their exact name across ecosystems (one copy; activation and detection share it).
NAMED_FILES = frozenset(
    {
        "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "tox.ini", "pytest.ini",
        "conftest.py", "manage.py", "Pipfile", "package.json", "tsconfig.json", "jsconfig.json",
        "vite.config.ts", "vite.config.js", "next.config.js", "next.config.mjs", "webpack.config.js",
        "babel.config.js", ".eslintrc.json", "eslint.config.js", "Dockerfile", "docker-compose.yml",
        "docker-compose.yaml", "compose.yaml", "compose.yml", ".dockerignore", "Makefile", "go.mod",
        "go.sum", "Cargo.toml", "Cargo.lock", "Gemfile", "pom.xml", "build.gradle", "build.gradle.kts",
        "composer.json", "Chart.yaml", "kustomization.yaml", "main.tf", "serverless.yml", ".env",
    }
)
_GLOB = re.compile(r"(?<![\w/.*])((?:\*\*/)?\*\.[A-Za-z0-9][\w.-]*[A-Za-z0-9])(?![\w*])")
_CODE = re.compile(r"`([^`\n]{1,80})`")
_DIRECTORY = re.compile(r"^[A-Za-z_][\w.-]*(?:/[\w.-]+)*/$")
# A whole word (a run of [\w.-], trailing dots aside) that is one of NAMED_FILES; longest names first.
_NAMED_FILE = re.compile(
    r"(?<![\w.-])(?:" + "|".join(re.escape(n) for n in sorted(NAMED_FILES, key=len, reverse=True)) + r")(?=\.*(?![\w.-]))"
)


@dataclass(frozen=True, slots=True)
class Activation:
    """``globs`` (technology first, then named ones) and the one-sentence ``description``."""

    globs: tuple[str, ...]
    named: tuple[str, ...]
    description: str


def _ordered(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


@lru_cache(maxsize=1 << 16)
def named_globs(text: str) -> tuple[str, ...]:
    """Globs for the file types and paths ``text`` names, in order of appearance."""
    found: list[tuple[int, str]] = []
    # Each pattern needs its literal ("*." or a backtick): most rules have neither, and skipping the
    # scans matters when a 100,000-rule catalog is written.
    if "*." in text:
        for match in _GLOB.finditer(text):
            pattern = match.group(1)
            found.append((match.start(), pattern if pattern.startswith("**/") else f"**/{pattern}"))
    if "`" in text:
        for match in _CODE.finditer(text):
            token = match.group(1).strip()
            if token.endswith("/") and _DIRECTORY.match(token) and "://" not in token:
                directory = token.rstrip("/")
                found.append((match.start(), f"{directory}/**"))
                found.append((match.start(), f"**/{directory}/**"))
    for match in _NAMED_FILE.finditer(text):
        found.append((match.start(), match.group(0)))
        found.append((match.start(), f"**/{match.group(0)}"))
    return _ordered(pattern for _, pattern in sorted(found, key=lambda item: item[0]))


def rule_globs(rules: Iterable[Rule]) -> tuple[str, ...]:
    return _ordered(g for rule in rules for g in named_globs(f"{rule.title}\n{rule.body}"))


def when_to_apply(group: RuleGroup) -> str:
    """One sentence: when an assistant should use the group's rules."""
    label = technology_label(group.technology)
    topics = join_names(list(group.keywords[:3]), limit=3).replace(" and ", " or ")
    sentence = f"Use when working on {label} code that involves {topics}" if topics else (
        f"Use when working on {label} code"
    )
    sources = join_names(group.sources, limit=2)
    if sources:
        sentence += f", as documented by {sources}"
    return sentence + "."


def infer_activation(group: RuleGroup) -> Activation:
    named = rule_globs(group.rules)
    return Activation(_ordered([*globs_for(group.technology), *named]), named, when_to_apply(group))
