"""Write a catalog's rules into a project, at the paths each assistant reads.

``export_rules`` takes the clusters the build left in the output tree
(``outputs.stored_clusters``: each rule's ``cluster`` in ``O/C/rules.jsonl`` and
the cluster summaries of ``O/C/batch_results.json``), or clusters the rules the
same deterministic way when there is no such tree (a rules file elsewhere, or
one that the tree no longer accounts for); groups the rules per source (or per cluster),
picks the sources asked for or detected in the project's dependency files,
and asks each writer for its project files (see the README's table of
targets). Every path goes through ``safe_join``, so nothing is written
outside the project. Each target's budget report is written as
``O/C/<target>_budget.json``.

Files are written atomically. A manifest, ``.rules-spider.json`` at the
project root, records the SHA-256 of every file an export wrote, per catalog
and format. It decides what may be touched:

* a file at one of our paths that we did not write (not in the manifest, or
  changed since) is left alone and reported as skipped, unless ``force``;
* AGENTS.md and CLAUDE.md are merged: only our marked block is replaced;
* a file an earlier export wrote that this export no longer produces (a
  cluster that disappeared) is removed, if it is unchanged since.

Review decisions apply first: rejected rules are not exported, edited rules
carry their new text, pinned rules are packed first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from rules_spider import settings as defaults
from rules_spider.clustering import RuleCluster, cluster_rules
from rules_spider.items import Rule
from rules_spider.outputs.atomic import write_text_atomic
from rules_spider.outputs.detect import Detection, detect_sources, normalise
from rules_spider.outputs.paths import UnsafePathError, safe_join
from rules_spider.outputs.rules_io import read_rules
from rules_spider.outputs.stored_clusters import stored_clusters, stored_summaries
from rules_spider.review.decisions import RuleDecision, apply_decisions
from rules_spider.writers.base import ProjectFile, RenderContext, Writer, WriterRegistry
from rules_spider.writers.groups import RuleGroup, cluster_groups, source_groups
from rules_spider.writers.readers import READERS, also_reading

logger = logging.getLogger(__name__)

EXPORT_MANIFEST = ".rules-spider.json"


@dataclass
class TargetBudget:
    """What one target's budget did in an export: its files and every rule it left out."""

    target: str
    assistant: str
    budget: dict[str, Any]
    files: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[dict[str, Any]] = field(default_factory=list)
    deduplicated: dict[str, Any] | None = None


@dataclass
class ExportResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rules: int = 0
    clusters: int = 0
    sources: list[str] = field(default_factory=list)
    detection: Detection | None = None
    budgets: list[TargetBudget] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class ExportError(ValueError):
    """Arguments that cannot make an export (an unknown source, nothing detected)."""


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


def _choose_groups(
    clusters: Sequence[RuleCluster],
    target: Path,
    sources: Sequence[str] | None,
    detect: bool,
    group_by: str,
    aliases: Mapping[str, str] | None,
    result: ExportResult,
) -> list[RuleGroup]:
    frameworks: dict[str, list[str | None]] = {}
    for cluster in clusters:
        for rule in cluster.rules:
            known = frameworks.setdefault(rule.source_name, [])
            if rule.framework not in known:
                known.append(rule.framework)
    chosen: list[str] | None = None
    if sources:
        by_key = {normalise(name): name for name in frameworks}
        unknown = [s for s in sources if normalise(s) not in by_key]
        if unknown:
            raise ExportError(
                f"No rules from source(s) {', '.join(unknown)}; the rules have: {', '.join(sorted(frameworks))}"
            )
        chosen = [by_key[normalise(s)] for s in sources]
    if detect:
        detection = detect_sources(target, frameworks, aliases)
        result.detection = detection
        if not detection.sources:
            read = ", ".join(detection.files) or "no dependency file"
            raise ExportError(f"detect found none of the catalog's sources in {target} ({read} read)")
        chosen = [s for s in detection.sources if chosen is None or s in chosen]
    groups = source_groups(clusters, chosen)
    result.sources = [g.sources[0] for g in groups]
    if group_by == "cluster":
        keep = set(result.sources)
        narrowed = [c for c in (_only_sources(c, keep) for c in clusters) if c is not None]
        return cluster_groups(narrowed)
    return groups


def _tree_clusters(rules_jsonl: Path, rules: Sequence[Rule], reviewed: Sequence[Rule]) -> list[RuleCluster] | None:
    """The clusters of the output tree ``rules_jsonl`` belongs to (its batch_results.json beside it)."""
    from rules_spider.outputs.build import BATCH_RESULTS, load_previous_results

    if not (rules_jsonl.parent / BATCH_RESULTS).is_file():
        return None
    summaries = stored_summaries(rules, load_previous_results(rules_jsonl.parent))
    return stored_clusters(reviewed, summaries) if summaries is not None else None


def _only_sources(cluster: RuleCluster, keep: set[str]) -> RuleCluster | None:
    rules = tuple(r for r in cluster.rules if r.source_name in keep)
    return dataclasses.replace(cluster, rules=rules, sources=()) if rules else None


def _budget_entry(writer: Writer, context: RenderContext, files: Sequence[ProjectFile]) -> TargetBudget:
    budget = context.budget_for(getattr(writer, "budget_name", writer.name))
    entry = TargetBudget(writer.name, writer.assistant, budget.as_dict())
    for project_file in files:
        rendered = project_file.rendered
        entry.files.append(
            {"path": project_file.path, "size": budget.measure(rendered.text), "rules": len(rendered.rule_ids)}
        )
        for left in rendered.left_out:
            entry.left_out.append(
                {
                    "rule_id": left.rule.id,
                    "title": left.rule.title,
                    "source": left.rule.source_name,
                    "file": project_file.path,
                    "reason": left.reason,
                }
            )
    return entry


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
    sources: Sequence[str] | None = None,
    detect: bool = False,
    group_by: str = defaults.RULES_EXPORT_GROUP_BY,
    aliases: Mapping[str, str] | None = None,
    context: RenderContext | None = None,
    report_dir: Path | None = None,
    decisions: Mapping[str, RuleDecision] | None = None,
) -> ExportResult:
    """Write the rule files of ``formats`` into the project directory ``target``.

    One file per source (``group_by="source"``) or per cluster; ``sources``
    and ``detect`` pick the sources. When ``agents`` is exported with targets
    whose assistant also loads AGENTS.md, those targets leave out the rules
    AGENTS.md carries, so no assistant loads a rule twice (a note says so).
    Each target's budget report goes to ``report_dir/<target>_budget.json``
    (default: beside ``rules_jsonl``). The clusters are the output tree's when it has them
    (``max_clusters`` and ``random_state`` then play no part: the export matches the tree).
    """
    root = Path(target).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"export target {target} is not a directory")
    selected = writers.select(formats)
    rules, _ = read_rules(rules_jsonl)
    reviewed = apply_decisions(rules, decisions or {})
    clusters = _tree_clusters(Path(rules_jsonl), rules, reviewed.rules)
    if clusters is None:
        clusters = list(cluster_rules(reviewed.rules, max_clusters=max_clusters, random_state=random_state).clusters)
    result = ExportResult(clusters=len(clusters))
    groups = _choose_groups(clusters, root, sources, detect, group_by, aliases, result)
    result.rules = sum(len(g.rules) for g in groups)
    manifest = _load_manifest(root)
    recorded: dict[str, dict[str, str]] = manifest["catalogs"].setdefault(catalog, {})

    def read_existing(relative: str) -> str | None:
        path = _project_path(root, relative)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    base = context or RenderContext(catalog=catalog)
    context = dataclasses.replace(base, catalog=catalog, read_existing=read_existing,
                                  pinned=base.pinned | reviewed.pinned)
    # AGENTS.md first: what it carries is left out of the files of assistants that load it too.
    selected.sort(key=lambda w: w.name != "agents")
    shared_ids: frozenset[str] = frozenset()
    names = [w.name for w in selected]
    overlapping = also_reading("AGENTS.md", names) if "agents" in names else []
    for writer in selected:
        writer_groups = groups
        if writer.name in overlapping and shared_ids:
            writer_groups = [g for g in (g.without(shared_ids) for g in groups) if g is not None]
        files = writer.project_files(writer_groups, context)
        if writer.name == "agents":
            shared_ids = frozenset(i for f in files for i in f.rendered.rule_ids)
        entry = _budget_entry(writer, context, files)
        if writer.name in overlapping and shared_ids:
            entry.deduplicated = {"shared_file": "AGENTS.md", "rules_left_to_it": len(shared_ids)}
        result.budgets.append(entry)
        _write_files(root, writer.name, files, recorded, force, result)
    if overlapping and shared_ids:
        who = ", ".join(READERS[t].assistant for t in overlapping)
        result.notes.append(
            f"{who} also load AGENTS.md: the {len(shared_ids)} rules it carries are left out of their own "
            "files, so each assistant loads every rule once."
        )
    if "claude" in names and "copilot" in names:
        result.notes.append(
            "VS Code's Copilot Chat also reads .claude/rules/ (setting chat.instructionsFilesLocations): "
            "switch that folder off there, or it loads those rules beside .github/instructions/."
        )
    write_text_atomic(root / EXPORT_MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    reports = Path(report_dir) if report_dir is not None else Path(rules_jsonl).parent
    for entry in result.budgets:
        write_text_atomic(
            reports / f"{entry.target}_budget.json", json.dumps(dataclasses.asdict(entry), indent=2) + "\n"
        )
    logger.info(
        "Exported %d rules of %s (%d sources) into %s: %d written, %d unchanged, %d skipped, %d removed",
        result.rules,
        catalog,
        len(result.sources),
        root,
        len(result.written),
        len(result.unchanged),
        len(result.skipped),
        len(result.removed),
    )
    return result


def _write_files(
    root: Path,
    target: str,
    files: Sequence[ProjectFile],
    recorded: dict[str, dict[str, str]],
    force: bool,
    result: ExportResult,
) -> None:
    """Write one target's files where allowed; remove its own stale files; record what it owns."""
    previous = recorded.get(target, {})
    now: dict[str, str] = {}
    for project_file in files:
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
    recorded[target] = now
