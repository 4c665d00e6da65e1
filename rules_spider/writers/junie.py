"""JetBrains Junie: ``.junie/guidelines.md`` (jetbrains.com/help/junie/customize-guidelines.html).

Junie adds its guidelines file to every task; ``.junie/guidelines.md`` is the
path it looks at when no other is set in its project settings.
"""

from __future__ import annotations

from rules_spider.writers.memory_file import MemoryFileWriter


class JunieWriter(MemoryFileWriter):
    name = "junie"
    assistant = "JetBrains Junie"
    project_path = ".junie/guidelines.md"
