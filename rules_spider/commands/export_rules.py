"""``scrapy export-rules``: write a catalog's rules into a project.

    scrapy export-rules -a catalog=frameworks -a target=/path/to/project \\
        -a formats=cursor,windsurf,agents [-a force=true]

Reads ``RULES_OUTPUT_DIR/<catalog>/rules.jsonl`` and writes
``.cursor/rules/*.mdc``, ``.windsurf/rules/*.md``, ``AGENTS.md``, ``CLAUDE.md``,
``.github/instructions/*.instructions.md``, ``.clinerules/*.md`` and
``llms.txt`` under the target (see ``rules_spider.outputs.export``).
``formats`` defaults to RULES_FORMATS. ``-a catalog=`` also takes a catalog
YAML path; its catalog name picks the output directory.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator
from scrapy.exceptions import UsageError

from rules_spider.outputs.command_args import ArgsCommand, catalog_name, split_list


class ExportArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalog: str
    target: Path
    formats: list[str] | None = None
    force: bool = False

    _split = field_validator("formats", mode="before")(split_list)

    @field_validator("catalog")
    @classmethod
    def _non_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


class Command(ArgsCommand):
    def syntax(self) -> str:
        return "-a catalog=NAME -a target=DIR [-a formats=cursor,windsurf,...] [-a force=true]"

    def short_desc(self) -> str:
        return "Write a catalog's rules into a project, where each coding assistant reads them"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from rules_spider.config import RulesConfig
        from rules_spider.outputs.export import export_rules
        from rules_spider.outputs.paths import UnsafePathError
        from rules_spider.writers.base import WriterRegistry

        assert self.settings is not None
        params: ExportArgs = self.parse_args(ExportArgs, opts.spargs)
        try:
            config = RulesConfig.from_settings(self.settings).with_formats(params.formats)
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from None
        name = catalog_name(params.catalog)
        try:
            rules_path = config.catalog_dir(name) / "rules.jsonl"
        except UnsafePathError as exc:
            raise UsageError(f"Bad catalog name {name!r}: {exc}", print_help=False) from None
        if not rules_path.is_file():
            raise UsageError(f"No rules at {rules_path}; run `scrapy crawl docs -a catalog={name}` first", print_help=False)
        if not params.target.is_dir():
            raise UsageError(f"target {params.target} is not a directory", print_help=False)
        result = export_rules(
            rules_path,
            params.target,
            name,
            list(config.formats),
            WriterRegistry(config.writers),
            force=params.force,
            max_clusters=config.max_clusters,
            random_state=config.cluster_random_state,
        )
        print(f"Exported {result.rules} rules in {result.clusters} clusters into {params.target.resolve()}")
        for path in result.written:
            print(f"  wrote     {path}")
        for path in result.unchanged:
            print(f"  unchanged {path}")
        for path in result.removed:
            print(f"  removed   {path}")
        for path, reason in result.skipped:
            print(f"  skipped   {path}: {reason}")
