"""Finding a project's rule files and telling what each one is.

A file's kind names the frontmatter schema or the memory file it is; the
kinds of misplaced and legacy files (``.cursor/rules/x.md``, a ``.md`` in
``.github/instructions/`` without ``.instructions``, ``.cursorrules``) are
kept so the checks can say what the assistant does with them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from wcmatch import glob

from rules_spider.writers.readers import GLOB_FLAGS

# (pattern, kind), first match wins.
KINDS: tuple[tuple[str, str], ...] = (
    (".cursor/rules/**/*.mdc", "cursor"),
    (".cursor/rules/**/*.md", "cursor_md"),
    (".cursorrules", "cursor_legacy"),
    (".windsurf/rules/**/*.md", "windsurf"),
    (".windsurfrules", "windsurf_legacy"),
    (".claude/rules/**/*.md", "claude_rule"),
    ("{,**/}CLAUDE.md", "claude_md"),
    (".claude/CLAUDE.md", "claude_md"),
    (".github/instructions/**/*.instructions.md", "copilot"),
    (".github/instructions/**/*.md", "copilot_misnamed"),
    (".github/copilot-instructions.md", "copilot_repo"),
    (".clinerules/**/*.md", "cline"),
    (".clinerules", "cline_single"),
    (".kiro/steering/**/*.md", "kiro"),
    (".continue/rules/**/*.md", "continue"),
    (".amazonq/rules/**/*.md", "amazonq"),
    (".augment/rules/**/*.md", "augment"),
    ("{,**/}AGENTS.md", "agents"),
    ("{,**/}GEMINI.md", "gemini"),
    (".rules", "zed"),
    (".junie/guidelines.md", "junie"),
    ("CONVENTIONS.md", "aider"),
    ("llms.txt", "llms_txt"),
)
SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", "dist", "build", "site-packages"})


def kind_of(relative: str) -> str | None:
    for pattern, kind in KINDS:
        if glob.globmatch(relative, pattern, flags=GLOB_FLAGS):
            return kind
    return None


def rule_files(root: Path) -> Iterator[tuple[str, str]]:
    """(relative POSIX path, kind) of every rule file under ``root``, sorted."""
    found = []
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in names:
            path = Path(directory, name)
            if not path.is_file():
                continue
            relative = path.relative_to(root).as_posix()
            kind = kind_of(relative)
            if kind:
                found.append((relative, kind))
    yield from sorted(found)
