"""Cursor project rules: ``.cursor/rules/<name>.mdc`` (a plain ``.md`` there gets no frontmatter).

Frontmatter (docs.cursor.com/context/rules): ``description`` (one sentence:
when to apply), ``globs`` as ONE unquoted comma-separated string when the
group has globs, and ``alwaysApply: false`` (a real boolean; never true,
which would make Cursor ignore the globs). Without globs the description lets
the agent decide (Agent Requested). Cursor reads frontmatter with a line
parser that keeps quotes, so no value is quoted. Budget: Cursor's guidance of
500 lines per rule (``RULES_BUDGET_CURSOR``).
"""

from __future__ import annotations

from rules_spider.writers.activation import Activation
from rules_spider.writers.frontmatter import cursor_frontmatter
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.rule_dir import RuleDirWriter


class CursorWriter(RuleDirWriter):
    name = "cursor"
    assistant = "Cursor"
    directory = ".cursor/rules"
    suffix = ".mdc"

    def frontmatter(self, group: RuleGroup, activation: Activation) -> str:
        return cursor_frontmatter(activation.description, activation.globs)
