"""Windsurf workspace rules: ``.windsurf/rules/<name>.md``.

Frontmatter always has ``trigger`` (docs.windsurf.com/windsurf/cascade/memories,
"Activation modes"): ``glob`` with ``globs`` (a YAML list) when the group has
globs, else ``model_decision`` with a ``description``. A file without
``trigger`` is never loaded. Each workspace rule file is limited to 12,000
characters (6,000 is the global rules file's limit), counted here as UTF-16
code units (``RULES_BUDGET_WINDSURF``); bigger groups are split by cluster,
then between rules, never cut.
"""

from __future__ import annotations

from rules_spider.writers.activation import Activation
from rules_spider.writers.frontmatter import yaml_frontmatter
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.rule_dir import RuleDirWriter


class WindsurfWriter(RuleDirWriter):
    name = "windsurf"
    assistant = "Windsurf"
    directory = ".windsurf/rules"

    def frontmatter(self, group: RuleGroup, activation: Activation) -> str:
        if activation.globs:
            return yaml_frontmatter({"trigger": "glob", "globs": list(activation.globs)})
        return yaml_frontmatter({"trigger": "model_decision", "description": activation.description})
