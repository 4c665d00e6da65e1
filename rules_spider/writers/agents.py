"""AGENTS.md: plain markdown read whole by Codex and other agents, at most 32 KiB.

32 KiB is Codex's default ``project_doc_max_bytes``; bytes are counted in
UTF-8. Rules beyond it are left out lowest quality first, with a note.
"""

from __future__ import annotations

from rules_spider.writers.markdown import utf8_length
from rules_spider.writers.memory_file import MemoryFileWriter

AGENTS_MAX_BYTES = 32 * 1024


class AgentsWriter(MemoryFileWriter):
    name = "agents"
    project_path = "AGENTS.md"
    limit = AGENTS_MAX_BYTES
    limit_text = "32 KiB"
    measure = staticmethod(utf8_length)
