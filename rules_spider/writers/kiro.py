"""Kiro steering files: ``.kiro/steering/<name>.md`` (kiro.dev/docs/steering, "Inclusion modes").

With globs: ``inclusion: fileMatch`` and ``fileMatchPattern`` (one pattern as
a string, several as a list). Without: ``inclusion: auto`` with ``name`` and
``description``, which Kiro matches against the request. A file without
frontmatter is always included, so every file here has it.
"""

from __future__ import annotations

from typing import Any

from rules_spider.writers.activation import Activation
from rules_spider.writers.frontmatter import yaml_frontmatter
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.rule_dir import RuleDirWriter


class KiroWriter(RuleDirWriter):
    name = "kiro"
    assistant = "Kiro"
    directory = ".kiro/steering"

    def frontmatter(self, group: RuleGroup, activation: Activation) -> str:
        meta: dict[str, Any]
        if activation.globs:
            pattern: Any = activation.globs[0] if len(activation.globs) == 1 else list(activation.globs)
            meta = {"inclusion": "fileMatch", "fileMatchPattern": pattern}
        else:
            meta = {"inclusion": "auto", "name": group.key, "description": activation.description}
        return yaml_frontmatter(meta)
