"""Part files: where each crawl process streams its rules before they are merged into rules.jsonl."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

PARTS_DIR = ".parts"
PAGES_SUFFIX = ".pages"


def run_parts_path(catalog_dir: Path, run_id: str) -> Path:
    return catalog_dir / PARTS_DIR / f"{run_id}.jsonl"


def run_pages_path(catalog_dir: Path, run_id: str) -> Path:
    """The run's page records (``outputs.pages``), one JSON object a line."""
    return catalog_dir / PARTS_DIR / f"{run_id}{PAGES_SUFFIX}"


def run_stats_path(catalog_dir: Path, run_id: str) -> Path:
    return catalog_dir / PARTS_DIR / f"{run_id}.stats.json"


def part_files(catalog_dir: Path) -> list[Path]:
    return sorted((catalog_dir / PARTS_DIR).glob("*.jsonl"))


def iter_part_lines(paths: list[Path]) -> Iterator[tuple[Path, str]]:
    """(file, line) of each rule line of the given JSONL files, in order; a torn last line (killed
    writer) is skipped."""
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.endswith("\n"):
                    break
                if line.strip():
                    yield path, line
