"""Gemini CLI: ``GEMINI.md`` at the project root (geminicli.com/docs/cli/gemini-md).

The CLI concatenates every GEMINI.md from the workspace and its parents and
sends them with every prompt, so the block has a budget
(``RULES_BUDGET_GEMINI``) and keeps to the root file.
"""

from __future__ import annotations

from rules_spider.writers.memory_file import MemoryFileWriter


class GeminiWriter(MemoryFileWriter):
    name = "gemini"
    assistant = "Gemini CLI"
    project_path = "GEMINI.md"
