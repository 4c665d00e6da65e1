"""The RULES_* settings, parsed once into a frozen, validated config.

Every default lives in ``rules_spider.settings`` and nowhere else: a RULES_*
setting the given settings lack takes its value from that module. A crawl
parses its config once, after the add-ons have run, and every component finds
it through the project add-on (``rules_config(crawler)``, Scrapy's
``crawler.get_addon``). Commands and the Python API parse their settings with
``RulesConfig.from_settings``.

The spider and the add-on read their few crawl-scope and mapping settings
(page caps, depth, Playwright, concurrency, redis) straight from the
settings: they run before the add-ons have finished, while Scrapy's settings
may still change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from scrapy.settings import BaseSettings

from rules_spider import settings as project_settings
from rules_spider.units.unit import PageKind

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from rules_spider.writers.base import RenderContext


class RulesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    output_dir: Path
    state_dir: Path
    catalog_dirs: tuple[str, ...]
    process_workers: int = Field(ge=0)
    generator: str
    generator_config: dict[str, Any]
    llm_cache_dir: Path
    llm_max_concurrent: int = Field(ge=1)
    max_rules_per_page: int = Field(ge=1)
    llm_candidate_threshold: float = Field(ge=0.0, le=1.0)
    rule_threshold: float | None = Field(ge=0.0, le=1.0)
    skip_page_kinds: tuple[PageKind, ...]
    use_learned_model: bool
    reranker: Path | None
    feedback_window_hours: float = Field(gt=0)
    min_feedback_signals: int = Field(ge=1)
    min_user_labels: int = Field(ge=1)
    user_label_weight: float = Field(gt=0)
    feedback_learning_rate: float = Field(gt=0, le=1)
    model_update_interval_hours: float = Field(ge=0)
    writers: dict[str, str]
    formats: tuple[str, ...]
    budgets: dict[str, str]
    pinned_rules: tuple[str, ...]
    tree_group_by: Literal["cluster", "source"]
    export_group_by: Literal["cluster", "source"]
    detect_aliases: dict[str, str]
    max_clusters: int = Field(ge=1)
    cluster_random_state: int
    build_on_close: bool
    report: bool
    close_workers: int = Field(ge=0)
    # Seconds between progress logs; 0 switches the progress log off.
    progress_interval: float = Field(ge=0)

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: tuple[str, ...], info: Any) -> tuple[str, ...]:
        writers = info.data.get("writers", {})
        unknown = [f for f in value if f not in writers]
        if unknown:
            raise ValueError(f"unknown format(s) {', '.join(unknown)}; known: {', '.join(writers)}")
        return value

    @field_validator("generator_config")
    @classmethod
    def _one_llm_limit(cls, value: dict[str, Any]) -> dict[str, Any]:
        if "max_concurrent" in value:
            raise ValueError("RULES_GENERATOR_CONFIG may not set max_concurrent: set RULES_LLM_MAX_CONCURRENT")
        return value

    @classmethod
    def from_settings(cls, settings: BaseSettings | None = None) -> RulesConfig:
        """The config of ``settings``; RULES_* settings they lack come from ``rules_spider.settings``."""
        values = with_project_defaults(settings)
        if not values.get("RULES_OUTPUT_DIR"):
            raise ValueError("RULES_OUTPUT_DIR must not be empty")
        output_dir = Path(values["RULES_OUTPUT_DIR"])
        state_dir = Path(values.get("RULES_STATE_DIR") or output_dir / "state")
        generator_config = values.get("RULES_GENERATOR_CONFIG") or {}
        if isinstance(generator_config, str):
            generator_config = json.loads(generator_config)
        from rules_spider.workers import close_worker_count, worker_count

        return cls(
            output_dir=output_dir,
            state_dir=state_dir,
            catalog_dirs=tuple(values.getlist("RULES_CATALOG_DIRS")),
            process_workers=worker_count(values.get("RULES_PROCESS_WORKERS")),
            generator=values.get("RULES_GENERATOR"),
            generator_config=dict(generator_config),
            llm_cache_dir=Path(values.get("RULES_LLM_CACHE_DIR") or state_dir / "llm_cache"),
            llm_max_concurrent=values.getint("RULES_LLM_MAX_CONCURRENT"),
            max_rules_per_page=values.getint("RULES_MAX_RULES_PER_PAGE"),
            llm_candidate_threshold=values.getfloat("RULES_LLM_CANDIDATE_THRESHOLD"),
            rule_threshold=_optional_float(values.get("RULES_RULE_THRESHOLD")),
            skip_page_kinds=tuple(k.strip() for k in values.getlist("RULES_SKIP_PAGE_KINDS") if k.strip()),
            use_learned_model=values.getbool("RULES_USE_LEARNED_MODEL"),
            reranker=Path(values.get("RULES_RERANKER")).expanduser() if values.get("RULES_RERANKER") else None,
            feedback_window_hours=values.getfloat("RULES_FEEDBACK_WINDOW_HOURS"),
            min_feedback_signals=values.getint("RULES_MIN_FEEDBACK_SIGNALS"),
            min_user_labels=values.getint("RULES_MIN_USER_LABELS"),
            user_label_weight=values.getfloat("RULES_USER_LABEL_WEIGHT"),
            feedback_learning_rate=values.getfloat("RULES_FEEDBACK_LEARNING_RATE"),
            model_update_interval_hours=values.getfloat("RULES_MODEL_UPDATE_INTERVAL_HOURS"),
            writers=dict(values.getdict("RULES_WRITERS")),
            budgets={name: str(values[name]) for name in values if name.startswith("RULES_BUDGET_") and values[name]},
            pinned_rules=tuple(values.getlist("RULES_PINNED_RULES")),
            tree_group_by=values.get("RULES_TREE_GROUP_BY"),
            export_group_by=values.get("RULES_EXPORT_GROUP_BY"),
            detect_aliases=dict(values.getdict("RULES_DETECT_ALIASES")),
            formats=tuple(f.strip() for f in values.getlist("RULES_FORMATS") if f.strip()),
            max_clusters=values.getint("RULES_MAX_CLUSTERS"),
            cluster_random_state=values.getint("RULES_CLUSTER_RANDOM_STATE"),
            build_on_close=values.getbool("RULES_BUILD_ON_CLOSE"),
            report=values.getbool("RULES_REPORT"),
            close_workers=close_worker_count(values.get("RULES_CLOSE_WORKERS")),
            progress_interval=values.getfloat("RULES_PROGRESS_INTERVAL"),
        )

    def with_formats(self, formats: list[str] | tuple[str, ...] | None) -> RulesConfig:
        """This config with ``formats`` (validated against the writers) instead, when given."""
        if formats is None:
            return self
        return type(self).model_validate({**self.model_dump(), "formats": tuple(formats)})

    def render_context(self, catalog: str, **kwargs: Any) -> RenderContext:
        """The writers' context: the RULES_BUDGET_* budgets and RULES_PINNED_RULES."""
        from rules_spider.writers.base import RenderContext
        from rules_spider.writers.budget import budgets_from

        return RenderContext(catalog=catalog, budgets=budgets_from(self.budgets),
                             pinned=frozenset(self.pinned_rules), **kwargs)

    def catalog_dir(self, catalog_name: str) -> Path:
        from rules_spider.outputs.paths import safe_join, slugify

        return safe_join(self.output_dir, slugify(catalog_name))


def _optional_float(value: Any) -> float | None:
    """A float setting where None or "" means "not set" (``-s RULES_RULE_THRESHOLD=`` on the command line)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return float(value)


def project_defaults() -> dict[str, Any]:
    """Every RULES_* setting of ``rules_spider.settings`` with its default value."""
    return {name: getattr(project_settings, name) for name in dir(project_settings) if name.startswith("RULES_")}


def with_project_defaults(settings: BaseSettings | None) -> BaseSettings:
    """The RULES_* settings of ``settings`` over the project defaults (priorities kept)."""
    values = BaseSettings(project_defaults(), priority="default")
    if settings is not None:
        for name in settings:
            if name.startswith("RULES_") and settings[name] is not None:
                values.set(name, settings[name], priority=settings.getpriority(name) or "default")
    return values


def rules_config(crawler: Crawler) -> RulesConfig:
    """The crawl's config, held by the project add-on (parsed on first use, once the add-ons have run)."""
    from rules_spider.addon import RulesAddon

    addon = crawler.get_addon(RulesAddon)
    if addon is None:
        raise ValueError(
            "rules_spider.addon.RulesAddon is not in ADDONS: every rules_spider component reads its config from it"
        )
    return addon.config
