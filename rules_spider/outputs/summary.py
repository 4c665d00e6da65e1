"""What one crawl process did, saved beside its part file so several workers' runs can be merged."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

# Crawl-wide stats worth keeping in batch_results.json (prefixes of Scrapy stats keys).
KEPT_STAT_PREFIXES = ("pages/", "rules/dropped/", "rules/llm/", "rules/generated", "rules/kept", "sources/failed")


class CrawlSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalog: str
    run_id: str
    sources: dict[str, dict[str, Any]]
    sources_failed: dict[str, str]
    pages_crawled: int
    generator: str
    generator_model: str | None = None
    quality_model: str | None = None
    started_at: datetime
    finished_at: datetime
    finish_reason: str | None = None
    stats: dict[str, Any] = {}
    # Pages replaced by another URL with the same content (PageRulesPipeline.superseded):
    # their rules are left out of the merge.
    superseded_pages: dict[str, str] = {}

    @classmethod
    def from_crawl(
        cls,
        spider: Any,
        stats: dict[str, Any],
        started_at: datetime,
        finished_at: datetime,
        superseded_pages: dict[str, str] | None = None,
    ) -> CrawlSummary:
        return cls(
            catalog=spider.catalog.name,
            run_id=spider.run_id,
            sources=spider.book.summary(),
            sources_failed=dict(spider.book.failed),
            pages_crawled=int(stats.get("pages/crawled", 0)),
            generator=str(stats.get("rules/generator", "extractive")),
            generator_model=stats.get("rules/generator_model"),
            quality_model=stats.get("rules/quality_model"),
            started_at=started_at,
            finished_at=finished_at,
            finish_reason=stats.get("finish_reason"),
            stats={k: v for k, v in stats.items() if k.startswith(KEPT_STAT_PREFIXES) and isinstance(v, (int, float, str))},
            superseded_pages=dict(superseded_pages or {}),
        )

    @classmethod
    def load(cls, path: Path) -> CrawlSummary:
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))


def merge_summaries(summaries: list[CrawlSummary]) -> CrawlSummary:
    """One summary for runs that shared a crawl (scrapy-redis workers): figures add up.

    A source counts as failed only if no run crawled a page of it.
    """
    if not summaries:
        raise ValueError("no crawl summaries to merge")
    if len(summaries) == 1:
        return summaries[0]
    sources: dict[str, dict[str, Any]] = {}
    stats: dict[str, Any] = {}
    for summary in summaries:
        for name, figures in summary.sources.items():
            merged = sources.setdefault(name, {})
            for key, value in figures.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    merged[key] = merged.get(key, 0) + value
                else:
                    merged.setdefault(key, value)
        for key, value in summary.stats.items():
            stats[key] = stats.get(key, 0) + value if isinstance(value, (int, float)) else value
    failed: dict[str, str] = {}
    for summary in summaries:
        for name, reason in summary.sources_failed.items():
            if not sources.get(name, {}).get("pages"):
                failed.setdefault(name, reason)
    first = summaries[0]
    return first.model_copy(
        update={
            "run_id": "+".join(s.run_id for s in summaries),
            "sources": sources,
            "sources_failed": failed,
            "pages_crawled": sum(s.pages_crawled for s in summaries),
            "started_at": min(s.started_at for s in summaries),
            "finished_at": max(s.finished_at for s in summaries),
            "stats": stats,
            "superseded_pages": {url: by for s in summaries for url, by in s.superseded_pages.items()},
        }
    )
