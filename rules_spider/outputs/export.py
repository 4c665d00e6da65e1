"""Write a catalog's rules into a project, at the paths each assistant reads.

``export_rules`` clusters ``O/C/rules.jsonl`` (the same deterministic
clustering as the build) and asks each writer for its project files:
``.cursor/rules/<name>.mdc``, ``.windsurf/rules/<name>.md``, ``AGENTS.md``,
``CLAUDE.md``, ``.github/instructions/<name>.instructions.md``,
``.clinerules/<name>.md``, ``llms.txt``. Every path goes through
``safe_join``, so nothing is written outside the project.

Files are written atomically. A manifest, ``.rules-spider.json`` at the
project root, records the SHA-256 of every file an export wrote, per catalog
and format. It decides what may be touched:

* a file at one of our paths that we did not write (not in the manifest, or
  changed since) is left alone and reported as skipped, unless ``force``;
* AGENTS.md and CLAUDE.md are merged: only our marked block is replaced;
* a file an earlier export wrote that this export no longer produces (a
  cluster that disappeared) is removed, if it is unchanged since.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from rules_spider import settings as defaults
from rules_spider.clustering import cluster_rules
from rules_spider.outputs.atomic import write_text_atomic
from rules_spider.outputs.paths import UnsafePathError, safe_join
from rules_spider.outputs.rules_io import read_rules
from rules_spider.writers.base import RenderContext, WriterRegistry

logger = logging.getLogger(__name__)

EXPORT_MANIFEST = ".rules-spider.json"


@dataclass
class ExportResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rules: int = 0
    clusters: int = 0


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _project_path(root: Path, relative: str) -> Path:
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute():
        raise UnsafePathError(f"not a relative project path: {relative!r}")
    return safe_join(root, *parts)


def _load_manifest(root: Path) -> dict[str, Any]:
    path = root / EXPORT_MANIFEST
    if not path.is_file():
        return {"catalogs": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("Ignoring unreadable %s: %s", path, exc)
        return {"catalogs": {}}
    if not isinstance(data, dict) or not isinstance(data.get("catalogs"), dict):
        return {"catalogs": {}}
    return data


def export_rules(
    rules_jsonl: Path,
    target: Path,
    catalog: str,
    formats: Sequence[str] | str,
    writers: WriterRegistry,
    *,
    force: bool = False,
    max_clusters: int = defaults.RULES_MAX_CLUSTERS,
    random_state: int = defaults.RULES_CLUSTER_RANDOM_STATE,
) -> ExportResult:
    """Write the rule files of ``formats`` into the project directory ``target``."""
    root = Path(target).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"export target {target} is not a directory")
    selected = writers.select(formats)
    rules, _ = read_rules(rules_jsonl)
    clustering = cluster_rules(rules, max_clusters=max_clusters, random_state=random_state)
    result = ExportResult(rules=len(clustering.rules), clusters=len(clustering.clusters))
    manifest = _load_manifest(root)
    recorded: dict[str, dict[str, str]] = manifest["catalogs"].setdefault(catalog, {})

    def read_existing(relative: str) -> str | None:
        path = _project_path(root, relative)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    context = RenderContext(catalog=catalog, read_existing=read_existing)
    for writer in selected:
        previous = recorded.get(writer.name, {})
        now: dict[str, str] = {}
        for project_file in writer.project_files(clustering.clusters, context):
            relative = project_file.path
            data = project_file.rendered.text.encode("utf-8")
            try:
                path = _project_path(root, relative)
            except UnsafePathError as exc:
                result.skipped.append((relative, str(exc)))
                continue
            if path.is_file():
                current = path.read_bytes()
                if current == data:
                    now[relative] = _sha256(data)
                    result.unchanged.append(relative)
                    continue
                ours = previous.get(relative) == _sha256(current)
                if not (project_file.merged or ours or force):
                    result.skipped.append((relative, "exists and was not written by rules-spider (use force)"))
                    continue
            elif path.exists():
                result.skipped.append((relative, "exists and is not a regular file"))
                continue
            write_text_atomic(path, project_file.rendered.text)
            now[relative] = _sha256(data)
            result.written.append(relative)
        for relative, digest in previous.items():
            if relative in now:
                continue
            try:
                path = _project_path(root, relative)
            except UnsafePathError:
                continue
            if path.is_file() and _sha256(path.read_bytes()) == digest:
                path.unlink()
                result.removed.append(relative)
        recorded[writer.name] = now
    write_text_atomic(root / EXPORT_MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    logger.info(
        "Exported %d rules (%d clusters) of %s into %s: %d written, %d unchanged, %d skipped, %d removed",
        result.rules,
        result.clusters,
        catalog,
        root,
        len(result.written),
        len(result.unchanged),
        len(result.skipped),
        len(result.removed),
    )
    return result
