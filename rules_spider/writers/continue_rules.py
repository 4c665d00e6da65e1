"""Continue rules: ``.continue/rules/<name>.md`` (docs.continue.dev/customize/deep-dives/rules).

Frontmatter: ``name``, ``globs`` (a list) when the group has globs,
``description`` and ``alwaysApply: false``: the rule is included when files
matching the globs are in context, or when the agent picks it by its
description.
"""

from __future__ import annotations

from typing import Any

from rules_spider.writers.activation import Activation
from rules_spider.writers.frontmatter import yaml_frontmatter
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.markdown import one_line
from rules_spider.writers.rule_dir import RuleDirWriter


class ContinueWriter(RuleDirWriter):
    name = "continue"
    assistant = "Continue"
    directory = ".continue/rules"

    def frontmatter(self, group: RuleGroup, activation: Activation) -> str:
        meta: dict[str, Any] = {"name": one_line(group.title)}
        if activation.globs:
            meta["globs"] = list(activation.globs)
        meta["description"] = activation.description
        meta["alwaysApply"] = False
        return yaml_frontmatter(meta)
