"""Rule-file writers, one module per assistant target, registered in RULES_WRITERS.

``base`` holds the Writer protocol and the registry; ``groups`` what one file
is made of (a source's or a cluster's rules); ``activation`` its globs and
description; ``budget`` size budgets and packing; ``rule_dir`` and
``memory_file`` the two shapes of target (a directory of rule files, one
file read whole); ``readers`` which files each assistant loads;
``markdown``, ``frontmatter``, ``documents`` and ``globs`` the shared pieces.
The targets: ``cursor``, ``windsurf``, ``claude``, ``agents``, ``copilot``,
``cline``, ``kiro``, ``continue_rules``, ``gemini``, ``zed``, ``junie``,
``amazonq``, ``augment``, ``aider`` and ``llms_txt``.
"""
