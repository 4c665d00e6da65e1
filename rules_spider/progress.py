"""Text tables for crawl progress and the final per-source summary (pure)."""

from __future__ import annotations

from typing import Any

from rules_spider.accounting import SourceBook


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(_row(r, widths) for r in [header, *rows])


def format_progress(spider: Any, stats: dict[str, Any], elapsed: float) -> str:
    """One row per source: pages so far, cap, rules kept, rate and an ETA to the page cap."""
    rows = []
    for source in spider.sources:
        name = source.name
        pages = int(stats.get(f"source/{name}/pages", 0))
        cap = spider.page_caps[name]
        scheduled = spider.state.get("scheduled", {}).get(name, 0) if hasattr(spider, "state") else 0
        rules = int(stats.get(f"source/{name}/rules", 0))
        rate = pages / elapsed if elapsed > 0 else 0.0
        remaining = max(0, min(cap, scheduled) - pages)
        if name in spider.book.failed:
            eta = "failed"
        elif remaining == 0:
            eta = "done" if pages else "-"
        else:
            eta = f"{remaining / rate:.0f}s" if rate > 0 else "?"
        rows.append([name, f"{pages}/{cap}", str(rules), f"{rate:.1f}/s", eta])
    return _table(["source", "pages", "rules", "rate", "eta"], rows)


def format_summary(book: SourceBook) -> str:
    rows = []
    for name, figures in book.summary().items():
        drops = sum(int(v) for k, v in figures.items() if k.startswith("dropped/") and isinstance(v, int))
        errors = sum(int(v) for k, v in figures.items() if k.startswith("errors/") and isinstance(v, int))
        status = f"FAILED: {book.failed[name]}" if name in book.failed else "ok"
        rows.append([name, str(figures.get("pages", 0)), str(figures.get("rules", 0)), str(drops), str(errors), status])
    return _table(["source", "pages", "rules", "dropped", "errors", "status"], rows)
