"""Rule-file writers, one module per assistant format, registered in RULES_WRITERS.

``base`` holds the Writer protocol and the registry; ``globs`` maps
technologies to file patterns; ``markdown``, ``frontmatter`` and
``documents`` are the shared pieces; ``cursor``, ``windsurf``, ``agents``,
``claude``, ``copilot``, ``cline`` and ``llms_txt`` are the formats.
"""
