"""The Python API: ``MLBatchProcessor``, ``process_popular_frameworks`` and ``RuleFormat``.

Each batch is a real ``scrapy crawl docs`` run in a child process, so the API
can be called any number of times from one Python process (Twisted's reactor
cannot be restarted) and a crash in a crawl cannot take the caller down.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from rules_spider import settings as defaults
from rules_spider.catalog import DocumentationSource, load_catalog
from rules_spider.outputs.paths import safe_join, slugify

logger = logging.getLogger(__name__)


class RuleFormat(StrEnum):
    CURSOR = "cursor"
    WINDSURF = "windsurf"
    AGENTS = "agents"
    CLAUDE = "claude"
    COPILOT = "copilot"
    CLINE = "cline"
    KIRO = "kiro"
    CONTINUE = "continue"
    GEMINI = "gemini"
    ZED = "zed"
    JUNIE = "junie"
    AMAZONQ = "amazonq"
    AUGMENT = "augment"
    AIDER = "aider"
    LLMS_TXT = "llms_txt"


class BatchCrawlError(RuntimeError):
    """The crawl process failed before writing batch_results.json."""


class BatchResult(BaseModel):
    """What a batch produced; the full contents of ``batch_results.json`` are in ``raw``."""

    model_config = ConfigDict(extra="forbid")

    catalog: str
    output_dir: Path
    sources_processed: int
    sources_failed: list[dict[str, Any]]
    pages_crawled: int | None
    total_rules_generated: int
    clusters: list[dict[str, Any]]
    quality_metrics: dict[str, Any]
    generator: str | None
    raw: dict[str, Any]


class MLBatchProcessor:
    """Crawl a batch of documentation sources and write rule files.

    ``bedrock_config`` (``model_id``, ``region``, ``temperature``, ``max_tokens``,
    ``endpoint_url``) switches rule generation to Amazon Bedrock; without it the
    offline extractive generator is used. ``quality_threshold`` is the rule model's
    P(guidance) a rule needs (``RULES_RULE_THRESHOLD``; None: the threshold chosen by
    cross-validation, recorded in the model card). ``settings`` are extra
    Scrapy/RULES_* settings for the crawl.
    """

    def __init__(
        self,
        bedrock_config: dict[str, Any] | None = None,
        output_dir: str | os.PathLike[str] = defaults.RULES_OUTPUT_DIR,
        quality_threshold: float | None = defaults.RULES_RULE_THRESHOLD,
        max_concurrent: int = defaults.RULES_MAX_CONCURRENT,
        generator: str | None = None,
        generator_config: dict[str, Any] | None = None,
        settings: dict[str, Any] | None = None,
    ):
        _Options.model_validate(
            {"quality_threshold": quality_threshold, "max_concurrent": max_concurrent, "output_dir": str(output_dir)}
        )
        self.output_dir = Path(output_dir)
        self.quality_threshold = quality_threshold
        self.max_concurrent = max_concurrent
        self.generator = generator or ("bedrock" if bedrock_config else "extractive")
        self.generator_config = dict(generator_config or bedrock_config or {})
        self.settings = dict(settings or {})

    async def process_documentation_batch(
        self,
        sources: Sequence[DocumentationSource | dict[str, Any]],
        formats: Sequence[RuleFormat | str] = (RuleFormat.CURSOR, RuleFormat.WINDSURF),
        catalog_name: str = "batch",
    ) -> BatchResult:
        """Crawl ``sources`` and write ``output_dir/<catalog_name>/``; returns the batch results."""
        parsed = [s if isinstance(s, DocumentationSource) else DocumentationSource.model_validate(s) for s in sources]
        if not parsed:
            raise ValueError("process_documentation_batch needs at least one source")
        format_names = [RuleFormat(f).value for f in formats]
        with tempfile.TemporaryDirectory(prefix="rules-spider-") as tmp:
            # The name is free text (it may be "../x"): it goes inside the YAML, never into a path.
            catalog_path = Path(tmp) / "catalog.yaml"
            catalog_path.write_text(
                yaml.safe_dump(
                    {"name": catalog_name, "sources": [s.model_dump(mode="json", exclude_defaults=True) for s in parsed]},
                    sort_keys=False,
                ),
                encoding="utf-8",
            )
            load_catalog(str(catalog_path))  # same validation the crawl will do, raised here
            return await self._crawl(catalog_path, catalog_name, format_names)

    async def process_catalog(self, catalog: str, formats: Sequence[RuleFormat | str] = (RuleFormat.CURSOR, RuleFormat.WINDSURF), sources: Sequence[str] = ()) -> BatchResult:
        """Crawl a shipped catalog (by name) or a catalog file."""
        loaded = load_catalog(catalog)
        return await self._crawl(loaded.path, loaded.name, [RuleFormat(f).value for f in formats], sources)

    def _command(self, catalog_path: Path, format_names: list[str], sources: Sequence[str]) -> list[str]:
        settings = {
            "RULES_OUTPUT_DIR": str(self.output_dir),
            "RULES_FORMATS": ",".join(format_names),
            **({"RULES_RULE_THRESHOLD": self.quality_threshold} if self.quality_threshold is not None else {}),
            "RULES_MAX_CONCURRENT": self.max_concurrent,
            "RULES_GENERATOR": self.generator,
            **self.settings,
        }
        if self.generator_config:
            settings["RULES_GENERATOR_CONFIG"] = json.dumps(self.generator_config)
        command = [sys.executable, "-m", "scrapy", "crawl", "docs", "-a", f"catalog={catalog_path}"]
        if sources:
            command += ["-a", f"sources={','.join(sources)}"]
        for name, value in settings.items():
            command += ["-s", f"{name}={value}"]
        return command

    async def _crawl(self, catalog_path: Path, catalog_name: str, format_names: list[str], sources: Sequence[str] = ()) -> BatchResult:
        command = self._command(catalog_path, format_names, sources)
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "rules_spider.settings"}
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output, _ = await process.communicate()
        log = output.decode("utf-8", "replace")
        # Where the crawl writes (RulesConfig.catalog_dir): the catalog name as a slug, under output_dir.
        results_path = safe_join(self.output_dir, slugify(catalog_name)) / "batch_results.json"
        if process.returncode != 0 or not results_path.is_file():
            tail = "\n".join(log.splitlines()[-25:])
            raise BatchCrawlError(f"crawl of {catalog_name!r} exited with {process.returncode}:\n{tail}")
        raw = json.loads(results_path.read_text(encoding="utf-8"))
        return BatchResult(
            catalog=catalog_name,
            output_dir=results_path.parent,
            sources_processed=raw["sources_processed"],
            sources_failed=raw["sources_failed"],
            pages_crawled=raw.get("pages_crawled"),
            total_rules_generated=raw["total_rules_generated"],
            clusters=raw["clusters"],
            quality_metrics=raw["quality_metrics"],
            generator=raw.get("generator"),
            raw=raw,
        )


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quality_threshold: float | None = Field(ge=0.0, le=1.0)
    max_concurrent: int = Field(ge=1, le=1024)
    output_dir: str = Field(min_length=1)


async def process_popular_frameworks(
    output_dir: str | os.PathLike[str] = defaults.RULES_OUTPUT_DIR,
    bedrock_config: dict[str, Any] | None = None,
    formats: Sequence[RuleFormat | str] = (RuleFormat.CURSOR, RuleFormat.WINDSURF),
    catalog: str = "frameworks",
    **processor_options: Any,
) -> BatchResult:
    """Crawl the shipped ``frameworks`` catalog (or another) and write its rule files."""
    processor = MLBatchProcessor(bedrock_config=bedrock_config, output_dir=output_dir, **processor_options)
    return await processor.process_catalog(catalog, formats)
