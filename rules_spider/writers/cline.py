"""Cline rules: ``.clinerules/<name>.md`` (docs.cline.bot, "Conditional rules").

With globs the file starts with frontmatter ``paths:`` (a YAML list), a
conditional rule Cline loads only when matching files are in play; without
globs there is no frontmatter and Cline always loads it.
"""

from __future__ import annotations

from rules_spider.writers.activation import Activation
from rules_spider.writers.frontmatter import yaml_frontmatter
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.rule_dir import RuleDirWriter


class ClineWriter(RuleDirWriter):
    name = "cline"
    assistant = "Cline"
    directory = ".clinerules"

    def frontmatter(self, group: RuleGroup, activation: Activation) -> str:
        return yaml_frontmatter({"paths": list(activation.globs)}) if activation.globs else ""
