"""Lint every rule file under a directory; ours are the files the export manifest records."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path

from rules_spider.lint.checks import check_file
from rules_spider.lint.files import rule_files
from rules_spider.lint.findings import Finding
from rules_spider.lint.project import agents_chain_findings, duplicate_findings
from rules_spider.writers.budget import Budget, default_budgets

logger = logging.getLogger(__name__)

MANIFEST = ".rules-spider.json"


def _our_paths(root: Path) -> set[str]:
    path = root / MANIFEST
    if not path.is_file():
        return set()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {p for targets in data["catalogs"].values() for files in targets.values() for p in files}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        logger.warning("Ignoring unreadable %s: %s", path, exc)
        return set()


def lint_path(root: Path, budgets: Mapping[str, Budget] | None = None) -> list[Finding]:
    """Every finding for the rule files under ``root``, sorted by file and line."""
    budgets = budgets if budgets is not None else default_budgets()
    root = Path(root)
    ours = _our_paths(root)
    findings: list[Finding] = []
    texts: dict[str, str] = {}
    for relative, kind in rule_files(root):
        try:
            text = (root / relative).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            findings.append(Finding(relative, 1, "error", "not UTF-8 text; assistants read rule files as UTF-8"))
            continue
        texts[relative] = text
        findings.extend(check_file(relative, kind, text.replace("\r\n", "\n"), relative in ours, budgets))
    findings.extend(duplicate_findings({p: t for p, t in texts.items() if not p.endswith("llms.txt")}))
    findings.extend(agents_chain_findings(texts))
    return sorted(findings)
