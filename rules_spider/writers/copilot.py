"""GitHub Copilot path-specific instructions: ``.github/instructions/<name>.instructions.md``.

Frontmatter (docs.github.com, "Adding repository custom instructions";
code.visualstudio.com/docs/agent-customization/custom-instructions):
``applyTo`` is ONE comma-separated glob string (read with a YAML parser, so
quoted wherever YAML needs it) and ``description``. A file without
``applyTo`` is not applied automatically: Copilot uses it only when it is
attached to a request by hand, so that is what a group without globs gets
(its description says when to attach it). The name must end in
``.instructions.md`` or Copilot ignores the file.
"""

from __future__ import annotations

from rules_spider.writers.activation import Activation
from rules_spider.writers.frontmatter import yaml_frontmatter
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.rule_dir import RuleDirWriter


class CopilotWriter(RuleDirWriter):
    name = "copilot"
    assistant = "GitHub Copilot"
    directory = ".github/instructions"
    suffix = ".instructions.md"

    def frontmatter(self, group: RuleGroup, activation: Activation) -> str:
        meta: dict[str, str] = {}
        if activation.globs:
            meta["applyTo"] = ",".join(activation.globs)
        meta["description"] = activation.description
        return yaml_frontmatter(meta)
