"""``scrapy build-rules``: build a catalog's outputs without crawling.

    scrapy build-rules -a catalog=frameworks [-a formats=cursor,windsurf] [-a technologies=python,go]

When ``RULES_OUTPUT_DIR/<catalog>/.parts/`` holds part files (scrapy-redis
workers, which do not build on close, or a crawl that did not finish), they are
merged first: every part and the crawl summaries saved beside them go through
``rules_spider.outputs.finalize.finalize_run``, which writes rules.jsonl and
builds everything, as a single finished crawl does. Run it once all workers
have stopped: merged parts are removed.

Otherwise it re-clusters ``RULES_OUTPUT_DIR/<catalog>/rules.jsonl`` and rewrites the
cluster directories, batch_results.json and report.html. Crawl figures (pages,
failures, times) are carried over from the previous batch_results.json. The
catalog's technologies come from ``rules_spider.catalog.load_catalog``;
``-a technologies=`` supplies them when the catalog cannot be loaded.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator
from scrapy.exceptions import UsageError

from rules_spider.config import RulesConfig
from rules_spider.outputs.command_args import ArgsCommand, split_list
from rules_spider.outputs.batch_results import BatchResults, CatalogInfo

logger = logging.getLogger(__name__)


class BuildArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalog: str
    formats: list[str] | None = None
    technologies: list[str] | None = None

    _split = field_validator("formats", "technologies", mode="before")(split_list)


def load_catalog_info(
    value: str, technologies: list[str] | None, catalog_dirs: list[str] | None = None
) -> CatalogInfo:
    """CatalogInfo of the catalog, or from ``-a technologies=`` when the catalog cannot be loaded."""
    from rules_spider.catalog import load_catalog

    try:
        return CatalogInfo.from_catalog(load_catalog(value, tuple(catalog_dirs or ())))
    except (OSError, ValueError, LookupError) as exc:
        if technologies is None:
            raise UsageError(f"Cannot load catalog {value!r}: {exc}", print_help=False) from None
    name = Path(value).stem if value.endswith((".yaml", ".yml")) else value
    return CatalogInfo(name, tuple(technologies), ())


class Command(ArgsCommand):
    def syntax(self) -> str:
        return "-a catalog=NAME [-a formats=cursor,windsurf,...] [-a technologies=python,...]"

    def short_desc(self) -> str:
        return "Rebuild a catalog's rule files, batch_results.json and report from rules.jsonl"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from rules_spider.outputs.build import RULES_FILE, build_outputs, load_previous_results, stored_run
        from rules_spider.outputs.finalize import configured_build
        from rules_spider.outputs.pages import PAGES_FILE, read_page_records
        from rules_spider.outputs.parts import part_files
        from rules_spider.outputs.paths import UnsafePathError
        from rules_spider.outputs.batch_results import crawl_stats_from_results
        from rules_spider.writers.base import WriterRegistry

        assert self.settings is not None
        params: BuildArgs = self.parse_args(BuildArgs, opts.spargs)
        try:
            config = RulesConfig.from_settings(self.settings).with_formats(params.formats)
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from None
        catalog = load_catalog_info(params.catalog, params.technologies, list(config.catalog_dirs))
        try:
            out_dir = config.catalog_dir(catalog.name)
        except UnsafePathError as exc:
            raise UsageError(f"Bad catalog name {catalog.name!r}: {exc}", print_help=False) from None
        if part_files(out_dir):
            self._report(merge_parts(params.catalog, config, out_dir), out_dir)
            return
        rules_path = out_dir / RULES_FILE
        if not rules_path.is_file():
            raise UsageError(f"No rules at {rules_path}", print_help=False)
        previous = load_previous_results(out_dir)
        pages_path = out_dir / PAGES_FILE
        results = build_outputs(
            rules_path,
            out_dir,
            catalog,
            list(config.formats),
            crawl_stats_from_results(previous),
            stored_run(out_dir),
            WriterRegistry(config.writers),
            pages=read_page_records([pages_path]) if pages_path.is_file() else None,
            **configured_build(config, catalog.name),
        )
        self._report(results, out_dir)

    @staticmethod
    def _report(results: BatchResults, out_dir: Path) -> None:
        coherence = results.quality_metrics.overall_coherence
        print(
            f"Built {len(results.clusters)} clusters from {results.total_rules_generated} rules "
            f"into {out_dir} (formats: {', '.join(results.formats)}; overall coherence "
            f"{'n/a' if coherence is None else f'{coherence:.3f}'})"
        )


def merge_parts(catalog_value: str, config: RulesConfig, out_dir: Path) -> BatchResults:
    """Merge every run's part file and crawl summary under ``out_dir/.parts`` and build the outputs."""
    from rules_spider.catalog import load_catalog
    from rules_spider.outputs.finalize import finalize_run
    from rules_spider.outputs.parts import PAGES_SUFFIX, PARTS_DIR, run_parts_path
    from rules_spider.outputs.summary import CrawlSummary

    try:
        catalog = load_catalog(catalog_value, config.catalog_dirs)
    except (OSError, ValueError, LookupError) as exc:
        raise UsageError(f"Cannot merge parts of catalog {catalog_value!r}: {exc}", print_help=False) from None
    parts_dir = out_dir / PARTS_DIR
    # A run that kept no rule leaves only its summary; its pages still count.
    run_ids = sorted(
        {p.name.removesuffix(".jsonl") for p in parts_dir.glob("*.jsonl")}
        | {p.name.removesuffix(PAGES_SUFFIX) for p in parts_dir.glob(f"*{PAGES_SUFFIX}")}
        | {p.name.removesuffix(".stats.json") for p in parts_dir.glob("*.stats.json")}
    )
    summaries: list[CrawlSummary] = []
    for run_id in run_ids:
        stats_path = parts_dir / f"{run_id}.stats.json"
        if not stats_path.is_file():
            logger.warning("Part %s has no crawl summary: its worker is still running or was killed", run_id)
            continue
        try:
            summaries.append(CrawlSummary.load(stats_path))
        except ValueError as exc:
            logger.warning("Ignoring unreadable crawl summary %s: %s", stats_path, exc)
    logger.info("Merging %d run(s) of catalog %r from %s", len(run_ids), catalog.name, parts_dir)
    return finalize_run(catalog, config, [run_parts_path(out_dir, run_id) for run_id in run_ids], summaries)
