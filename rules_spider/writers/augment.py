"""Augment rules: ``.augment/rules/<name>.md`` (docs.augmentcode.com, "Rules & Guidelines").

Frontmatter ``type: agent_requested`` with a ``description``: Augment has no
glob mode, and ``always_apply`` would load every source's rules into every
request, so the agent attaches a file when its description (which names the
files it is about) matches the task.
"""

from __future__ import annotations

from rules_spider.writers.activation import Activation
from rules_spider.writers.frontmatter import yaml_frontmatter
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.rule_dir import RuleDirWriter


class AugmentWriter(RuleDirWriter):
    name = "augment"
    assistant = "Augment"
    directory = ".augment/rules"

    def frontmatter(self, group: RuleGroup, activation: Activation) -> str:
        description = activation.description
        if activation.globs:
            files = ", ".join(activation.globs[:4])
            description = f"{description[:-1]} (files such as {files})."
        return yaml_frontmatter({"type": "agent_requested", "description": description})
