"""CLAUDE.md: plain markdown Claude Code loads at the start of every session.

Claude Code warns that a CLAUDE.md over 40,000 characters will impact
performance, so the file is kept within 40,000 characters (UTF-16 code units,
as Claude Code counts them), leaving out the lowest-quality rules first.
"""

from __future__ import annotations

from rules_spider.writers.markdown import utf16_length
from rules_spider.writers.memory_file import MemoryFileWriter

CLAUDE_MAX_CHARS = 40_000


class ClaudeWriter(MemoryFileWriter):
    name = "claude"
    project_path = "CLAUDE.md"
    limit = CLAUDE_MAX_CHARS
    limit_text = "40,000 characters"
    measure = staticmethod(utf16_length)
