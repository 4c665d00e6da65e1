"""AGENTS.md: plain markdown read whole by Codex and most other agents.

Codex reads at most 32 KiB (``project_doc_max_bytes``) of ALL the AGENTS.md
files from the project root down to the working directory together
(developers.openai.com/codex/guides/agents-md), so the block of a root
AGENTS.md takes a share of it (``RULES_BUDGET_AGENTS``, 12 KiB by default)
and leaves the rest to the user's own text and to nested AGENTS.md files.
"""

from __future__ import annotations

from rules_spider.writers.memory_file import MemoryFileWriter


class AgentsWriter(MemoryFileWriter):
    name = "agents"
    assistant = "Codex (AGENTS.md)"
    project_path = "AGENTS.md"
