"""The shape of ``O/C/batch_results.json`` and how crawl figures feed it.

``crawl_stats`` is a plain dict the caller (the spider_closed extension, or
``scrapy build-rules`` from a previous batch_results.json) passes in. Every
key is optional::

    {
      "started_at": "2025-01-31T10:00:00+00:00",  # crawl start (ISO 8601 str or datetime);
      "finished_at": "...",                        #   default: build start / end
      "generator": "extractive",                   # RULES_GENERATOR; default: the most common
                                                   #   Rule.generator in rules.jsonl
      "quality_model": "7b9b64df5e10edfe",         # version of the rule model that selected the rules
      "pages_crawled": 123,                        # total; default: sum over "sources"
      "sources": {                                 # per source name
        "FastAPI": {"pages_crawled": 40, "reason": None},  # "reason" (or "error"): why it failed
      },
      "sources_failed": {"Broken": "DNS lookup failed"},   # or [{"name": ..., "reason": ...}]
    }

A source of the run fails when it is in ``sources_failed``, has a ``reason``,
or (when crawl figures are given) crawled no page. ``sources_processed``
counts the run's sources that did not fail; without any crawl figures it
counts the sources that have at least one rule, and no source is declared
failed (nothing is known about them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from rules_spider.outputs.metrics import QualityMetrics


@dataclass(frozen=True, slots=True)
class SourceInfo:
    name: str
    technology: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    """What the build needs to know about the catalog of this run."""

    name: str
    technologies: tuple[str, ...]
    sources: tuple[SourceInfo, ...] = ()

    @classmethod
    def from_catalog(cls, catalog: Any, selected: Sequence[str] | None = None) -> CatalogInfo:
        """From ``rules_spider.catalog.Catalog`` (anything with ``.name`` and ``.sources``).

        ``selected`` limits the run's sources (``-a sources=``); technologies
        stay those of the whole catalog.
        """
        sources = [
            SourceInfo(str(s.name), str(s.technology), str(s.url) if getattr(s, "url", None) else None)
            for s in catalog.sources
        ]
        technologies = tuple(dict.fromkeys(s.technology for s in sources))
        if selected is not None:
            wanted = set(selected)
            sources = [s for s in sources if s.name in wanted]
        return cls(str(catalog.name), technologies, tuple(sources))


class SourceFailure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    reason: str


class SourceRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    technology: str | None
    url: str | None
    pages_crawled: int | None
    rules: int
    failed: bool
    reason: str | None
    # What went wrong page by page, by reason (source/<name>/<kind>/<reason> crawl stats):
    # errors {"http_503": 1, "timeout": 2}, dropped {"non_html": 1}, capped {"max_pages": 40}.
    errors: dict[str, int] = {}
    dropped: dict[str, int] = {}
    capped: dict[str, int] = {}


PAGE_COUNT_KINDS = ("errors", "dropped", "capped")


def page_counts(figures: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """``{"errors": {...}, "dropped": {...}, "capped": {...}}`` from per-source figures keyed
    ``"errors/http_503"`` (a crawl summary) or already nested (a previous batch_results.json)."""
    counts: dict[str, dict[str, int]] = {kind: {} for kind in PAGE_COUNT_KINDS}
    for key, value in figures.items():
        if key in counts and isinstance(value, Mapping):
            counts[key].update({str(k): int(v) for k, v in value.items() if _int_or_none(v) is not None})
            continue
        kind, _, reason = str(key).partition("/")
        if kind in counts and reason and _int_or_none(value) is not None:
            counts[kind][reason] = int(value)
    # Stats come in the order events happened; the file lists reasons alphabetically.
    return {kind: dict(sorted(reasons.items())) for kind, reasons in counts.items()}


class ClusterSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    technology: str
    cluster_id: int
    name: str
    rules_count: int
    coherence_score: float | None
    mean_similarity: float | None
    mean_quality: float | None
    keywords: list[str]
    sources: list[str]
    # format -> paths (relative to O/C) of the files written for this cluster
    files: dict[str, list[str]]
    # format -> ids of rules a size limit kept out of that format's files
    left_out: dict[str, list[str]]


class RulesFileSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: int
    rules: int
    invalid: int
    duplicates: int


class BatchResults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalog: str
    sources_processed: int
    sources_failed: list[SourceFailure]
    sources: list[SourceRow]
    pages_crawled: int | None
    total_rules_generated: int
    technologies: list[str]
    clusters: list[ClusterSummary]
    quality_metrics: QualityMetrics
    generator: str | None
    # The version of the rule model that selected the rules.
    quality_model: str | None = None
    formats: list[str]
    started_at: str
    finished_at: str
    built_at: str
    clustering_seconds: float
    rules_file: RulesFileSummary


def iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value)


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def failures_from(crawl_stats: Mapping[str, Any]) -> dict[str, str]:
    failed: dict[str, str] = {}
    listed = crawl_stats.get("sources_failed") or {}
    if isinstance(listed, Mapping):
        failed.update({str(k): str(v) for k, v in listed.items()})
    elif isinstance(listed, list):
        for entry in listed:
            if isinstance(entry, Mapping) and entry.get("name"):
                failed[str(entry["name"])] = str(entry.get("reason") or "failed")
    for name, row in (crawl_stats.get("sources") or {}).items():
        if isinstance(row, Mapping):
            reason = row.get("reason") or row.get("error")
            if reason:
                failed.setdefault(str(name), str(reason))
    return failed


def source_rows(
    catalog: CatalogInfo, rules_per_source: Mapping[str, int], crawl_stats: Mapping[str, Any] | None
) -> list[SourceRow]:
    """One row per source of the run (plus any source that has rules but is not in the catalog)."""
    known = {s.name: s for s in catalog.sources}
    names = list(known) + sorted(n for n in rules_per_source if n not in known)
    per_source = (crawl_stats or {}).get("sources") or {}
    failed = failures_from(crawl_stats) if crawl_stats else {}
    rows = []
    for name in names:
        info = known.get(name)
        stats = per_source.get(name) if isinstance(per_source, Mapping) else None
        pages = _int_or_none(stats.get("pages_crawled")) if isinstance(stats, Mapping) else None
        reason = failed.get(name)
        if reason is None and crawl_stats is not None and info is not None and pages == 0:
            reason = "no pages crawled"
        rows.append(
            SourceRow(
                name=name,
                technology=info.technology if info else None,
                url=info.url if info else None,
                pages_crawled=pages,
                rules=rules_per_source.get(name, 0),
                failed=reason is not None,
                reason=reason,
                **(page_counts(stats) if isinstance(stats, Mapping) else {}),
            )
        )
    return rows


def pages_crawled(crawl_stats: Mapping[str, Any] | None, rows: Sequence[SourceRow]) -> int | None:
    if not crawl_stats:
        return None
    total = _int_or_none(crawl_stats.get("pages_crawled"))
    if total is not None:
        return total
    known = [r.pages_crawled for r in rows if r.pages_crawled is not None]
    return sum(known) if known else None


def crawl_stats_from_results(results: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Crawl figures of a previous batch_results.json, to rebuild outputs without crawling."""
    if not results:
        return None
    return {
        "started_at": results.get("started_at"),
        "finished_at": results.get("finished_at"),
        "generator": results.get("generator"),
        "quality_model": results.get("quality_model"),
        "pages_crawled": results.get("pages_crawled"),
        "sources": {
            row["name"]: {
                "pages_crawled": row.get("pages_crawled"),
                "reason": row.get("reason"),
                **{kind: row[kind] for kind in PAGE_COUNT_KINDS if isinstance(row.get(kind), Mapping)},
            }
            for row in results.get("sources", [])
            if isinstance(row, Mapping) and "name" in row
        },
    }
