"""The RULES_* settings, parsed once into a frozen, validated config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings


class RulesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    output_dir: Path
    state_dir: Path
    generator: str
    generator_config: dict[str, Any]
    llm_cache_dir: Path
    llm_max_concurrent: int = Field(ge=1)
    max_rules_per_page: int = Field(ge=1)
    quality_threshold: float = Field(ge=0.0, le=1.0)
    use_learned_model: bool
    writers: dict[str, str]
    formats: tuple[str, ...]
    max_clusters: int = Field(ge=1)
    cluster_random_state: int
    build_on_close: bool
    report: bool
    progress_interval: float = Field(gt=0)

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: tuple[str, ...], info: Any) -> tuple[str, ...]:
        writers = info.data.get("writers", {})
        unknown = [f for f in value if f not in writers]
        if unknown:
            raise ValueError(f"unknown format(s) {', '.join(unknown)}; known: {', '.join(writers)}")
        return value

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RulesConfig:
        output_dir = Path(settings.get("RULES_OUTPUT_DIR") or "output")
        state_dir = Path(settings.get("RULES_STATE_DIR") or output_dir / "state")
        formats = settings.get("RULES_FORMATS")
        if isinstance(formats, str):
            formats = [f.strip() for f in formats.split(",") if f.strip()]
        generator_config = settings.get("RULES_GENERATOR_CONFIG") or {}
        if isinstance(generator_config, str):
            import json

            generator_config = json.loads(generator_config)
        return cls(
            output_dir=output_dir,
            state_dir=state_dir,
            generator=settings.get("RULES_GENERATOR"),
            generator_config=generator_config,
            llm_cache_dir=Path(settings.get("RULES_LLM_CACHE_DIR") or state_dir / "llm_cache"),
            llm_max_concurrent=settings.getint("RULES_LLM_MAX_CONCURRENT"),
            max_rules_per_page=settings.getint("RULES_MAX_RULES_PER_PAGE"),
            quality_threshold=settings.getfloat("RULES_QUALITY_THRESHOLD"),
            use_learned_model=settings.getbool("RULES_USE_LEARNED_MODEL"),
            writers=dict(settings.getdict("RULES_WRITERS")),
            formats=tuple(formats),
            max_clusters=settings.getint("RULES_MAX_CLUSTERS"),
            cluster_random_state=settings.getint("RULES_CLUSTER_RANDOM_STATE"),
            build_on_close=settings.getbool("RULES_BUILD_ON_CLOSE"),
            report=settings.getbool("RULES_REPORT"),
            progress_interval=settings.getfloat("RULES_PROGRESS_INTERVAL"),
        )

    def catalog_dir(self, catalog_name: str) -> Path:
        from rules_spider.outputs.paths import safe_join, slugify

        return safe_join(self.output_dir, slugify(catalog_name))


def rules_config(crawler: Crawler) -> RulesConfig:
    """The crawl's config, parsed on first use and shared by every component."""
    config = getattr(crawler, "_rules_config", None)
    if config is None:
        config = RulesConfig.from_settings(crawler.settings)
        crawler._rules_config = config  # type: ignore[attr-defined]
    return config
