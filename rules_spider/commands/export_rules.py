"""``scrapy export-rules``: write a catalog's rules into a project, one file per source.

    scrapy export-rules -a catalog=frameworks -a target=/path/to/project \\
        -a formats=all [-a sources=FastAPI,React | -a detect=1] [-a group=cluster] [-a force=true]

Reads ``RULES_OUTPUT_DIR/<catalog>/rules.jsonl`` and writes each target's
files under the target project (see ``rules_spider.outputs.export`` and the
README's table of targets). ``formats`` defaults to RULES_FORMATS (``all``
is every writer); ``sources`` picks sources by name; ``detect=1`` reads the
project's dependency files and picks the sources it uses, listing what it
chose. ``group`` defaults to RULES_EXPORT_GROUP_BY. ``-a catalog=`` also
takes a catalog YAML path; its catalog name picks the output directory.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, field_validator
from scrapy.exceptions import UsageError

from rules_spider.outputs.command_args import ArgsCommand, catalog_name, split_list

if TYPE_CHECKING:
    from rules_spider.outputs.export import ExportResult


class ExportArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalog: str
    target: Path
    formats: list[str] | None = None
    sources: list[str] | None = None
    detect: bool = False
    group: Literal["source", "cluster"] | None = None
    force: bool = False

    _split = field_validator("formats", "sources", mode="before")(split_list)

    @field_validator("catalog")
    @classmethod
    def _non_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


class Command(ArgsCommand):
    def syntax(self) -> str:
        return (
            "-a catalog=NAME -a target=DIR [-a formats=all|cursor,windsurf,...] "
            "[-a sources=A,B | -a detect=1] [-a group=source|cluster] [-a force=true]"
        )

    def short_desc(self) -> str:
        return "Write a catalog's rules into a project, where each coding assistant reads them"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from rules_spider.config import RulesConfig
        from rules_spider.outputs.export import ExportError, export_rules
        from rules_spider.outputs.paths import UnsafePathError
        from rules_spider.review.decisions import decisions_in
        from rules_spider.writers.base import WriterRegistry
        from rules_spider.writers.budget import BudgetError

        assert self.settings is not None
        params: ExportArgs = self.parse_args(ExportArgs, opts.spargs)
        try:
            config = RulesConfig.from_settings(self.settings)
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
        formats = params.formats if params.formats is not None else list(config.formats)
        registry = WriterRegistry(config.writers)
        try:
            selected = [w.name for w in registry.select(formats)]
            context = config.render_context(name)
            result = export_rules(
                rules_path,
                params.target,
                name,
                selected,
                registry,
                force=params.force,
                max_clusters=config.max_clusters,
                random_state=config.cluster_random_state,
                sources=params.sources,
                detect=params.detect,
                group_by=params.group or config.export_group_by,
                aliases=config.detect_aliases,
                context=context,
                decisions=decisions_in(config.state_dir),
            )
        except (KeyError, ExportError, BudgetError) as exc:
            raise UsageError(str(exc.args[0]), print_help=False) from None
        print_report(result, params.target.resolve(), rules_path.parent)


def print_report(result: ExportResult, target: Path, report_dir: Path) -> None:
    """What the export did: sources (and why, when detected), files, notes, every rule left out."""
    print(f"Exported {result.rules} rules of {len(result.sources)} sources into {target}")
    if result.detection is not None:
        print(f"Detected from {', '.join(result.detection.files)}:")
        for source in result.detection.sources:
            print(f"  {source:<20} {'; '.join(result.detection.evidence[source][:3])}")
    for path in result.written:
        print(f"  wrote     {path}")
    for path in result.unchanged:
        print(f"  unchanged {path}")
    for path in result.removed:
        print(f"  removed   {path}")
    for path, reason in result.skipped:
        print(f"  skipped   {path}: {reason}")
    for note in result.notes:
        print(f"Note: {note}")
    left = [(b, item) for b in result.budgets for item in b.left_out]
    if left:
        print(f"Left out by budgets ({len(left)}; details in {report_dir}/<target>_budget.json):")
        for budget, item in left:
            print(f"  {budget.target:<9} {item['source']}: {item['title']} ({item['reason']})")
