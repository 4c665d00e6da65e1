"""Aider: ``CONVENTIONS.md`` plus ``read: CONVENTIONS.md`` in ``.aider.conf.yml``.

Aider loads a conventions file only when told to (aider.chat/docs/usage/conventions.html,
aider.chat/docs/config/aider_conf.html): ``read:`` in ``.aider.conf.yml``
makes it a read-only file of every session. A missing config is created with
that one line; one without a ``read`` key gets the line appended (its
comments kept); one whose ``read`` already names CONVENTIONS.md is left
alone; one whose ``read`` names other files is not edited (a list would have
to be rewritten) and the export says which line to add.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import yaml

from rules_spider.writers.base import ProjectFile, RenderContext, Rendered
from rules_spider.writers.groups import RuleGroup
from rules_spider.writers.memory_file import MemoryFileWriter

logger = logging.getLogger(__name__)

CONFIG_PATH = ".aider.conf.yml"
READ_LINE = "read: CONVENTIONS.md"


def _reads(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def aider_config(existing: str | None) -> str | None:
    """The config text that loads CONVENTIONS.md, or None when it cannot be edited safely."""
    if existing is None or not existing.strip():
        return READ_LINE + "\n"
    try:
        data = yaml.safe_load(existing)
    except yaml.YAMLError:
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None
    if "read" not in data:
        return existing.rstrip("\n") + "\n" + READ_LINE + "\n"
    return existing if "CONVENTIONS.md" in _reads(data["read"]) else None


class AiderWriter(MemoryFileWriter):
    name = "aider"
    assistant = "Aider"
    project_path = "CONVENTIONS.md"

    def project_files(self, groups: Sequence[RuleGroup], context: RenderContext) -> list[ProjectFile]:
        files = super().project_files(groups, context)
        config = aider_config(context.read_existing(CONFIG_PATH))
        if config is None:
            logger.warning("%s has its own read: list; add CONVENTIONS.md to it to load the rules", CONFIG_PATH)
        else:
            files.append(ProjectFile(CONFIG_PATH, Rendered(config, ()), merged=True))
        return files
