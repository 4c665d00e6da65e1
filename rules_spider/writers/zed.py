"""Zed: ``.rules`` at the project root (zed.dev/docs/ai/rules).

Zed includes the FIRST file it finds of ``.rules``, ``.cursorrules``,
``.windsurfrules``, ``.clinerules``, ``.github/copilot-instructions.md``,
``AGENT.md``, ``AGENTS.md``, ``CLAUDE.md``, ``GEMINI.md`` in every Agent Panel
interaction; ``.rules`` comes first, so the rules go there.
"""

from __future__ import annotations

from rules_spider.writers.memory_file import MemoryFileWriter


class ZedWriter(MemoryFileWriter):
    name = "zed"
    assistant = "Zed"
    project_path = ".rules"
