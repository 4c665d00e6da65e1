"""Which files each assistant loads, by target name (from each one's documentation).

``own`` are the target's own files (globs relative to the project root);
``shared`` are files written for another target that the assistant loads as
well. The export uses ``shared`` to keep any assistant from loading a rule
twice; the linter uses both to find the same rule in two files one assistant
reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from wcmatch import glob


@dataclass(frozen=True, slots=True)
class Reader:
    target: str
    assistant: str
    own: tuple[str, ...]
    shared: tuple[str, ...] = ()

    def reads(self, path: str) -> bool:
        return glob.globmatch(path, [*self.own, *self.shared], flags=GLOB_FLAGS)


GLOB_FLAGS = glob.GLOBSTAR | glob.BRACE | glob.DOTGLOB

READERS: dict[str, Reader] = {
    r.target: r
    for r in (
        # Cursor, Windsurf, Cline, Copilot and Kiro load a root AGENTS.md besides their own files.
        Reader("cursor", "Cursor", (".cursor/rules/**/*.mdc", ".cursorrules"), ("AGENTS.md",)),
        Reader("windsurf", "Windsurf", (".windsurf/rules/**/*.md", ".windsurfrules"), ("AGENTS.md",)),
        Reader("agents", "Codex", ("AGENTS.md", "**/AGENTS.md", "AGENTS.override.md")),
        Reader("claude", "Claude Code", ("CLAUDE.md", ".claude/CLAUDE.md", "CLAUDE.local.md", ".claude/rules/**/*.md")),
        Reader(
            "copilot",
            "GitHub Copilot",
            (".github/copilot-instructions.md", ".github/instructions/**/*.instructions.md"),
            ("AGENTS.md",),
        ),
        Reader("cline", "Cline", (".clinerules/**/*.md", ".clinerules"), ("AGENTS.md",)),
        Reader("kiro", "Kiro", (".kiro/steering/**/*.md",), ("AGENTS.md",)),
        Reader("continue", "Continue", (".continue/rules/**/*.md",)),
        Reader("gemini", "Gemini CLI", ("GEMINI.md", "**/GEMINI.md")),
        Reader("zed", "Zed", (".rules",)),
        Reader("junie", "JetBrains Junie", (".junie/guidelines.md",)),
        Reader("amazonq", "Amazon Q Developer", (".amazonq/rules/**/*.md",)),
        Reader("augment", "Augment", (".augment/rules/**/*.md", ".augment-guidelines"), ("AGENTS.md", "CLAUDE.md")),
        Reader("aider", "Aider", ("CONVENTIONS.md",)),
    )
}


def also_reading(shared_path: str, targets: list[str]) -> list[str]:
    """Those of ``targets`` whose assistant loads ``shared_path`` besides its own files."""
    return [t for t in targets if t in READERS and shared_path in READERS[t].shared]
