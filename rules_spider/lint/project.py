"""Checks across files: the same rule in two files one assistant loads, and AGENTS.md chains."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import PurePosixPath

from rules_spider.lint.checks import CODEX_MAX_BYTES
from rules_spider.lint.findings import Finding
from rules_spider.lint.frontmatter import read_frontmatter
from rules_spider.lint.markdown import units
from rules_spider.writers.readers import READERS


def duplicate_findings(texts: Mapping[str, str]) -> list[Finding]:
    """One warning per pair of files that share rules and are loaded by the same assistant."""
    where: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for path in sorted(texts):
        seen: set[str] = set()
        front = read_frontmatter(texts[path])
        for line, unit in units(front.body, front.body_line):
            if unit not in seen:
                seen.add(unit)
                where[unit].append((path, line))
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for places in where.values():
        for i, (first, first_line) in enumerate(places):
            for second, line in places[i + 1 :]:
                if first != second:
                    pairs[(second, first)].append(line)
    findings = []
    for (path, other), lines in sorted(pairs.items()):
        readers = [r.assistant for r in READERS.values() if r.reads(path) and r.reads(other)]
        if readers:
            noun = "rule" if len(lines) == 1 else "rules"
            findings.append(
                Finding(path, min(lines), "warning",
                        f"{len(lines)} {noun} also in {other}; {', '.join(readers)} {'loads' if len(readers) == 1 else 'load'} "
                        "both files, so twice")
            )
    return findings


def agents_chain_findings(texts: Mapping[str, str]) -> list[Finding]:
    """Codex reads AGENTS.md files from the root down to the working directory, 32 KiB in all."""
    sizes = {p: len(t.encode("utf-8")) for p, t in texts.items() if PurePosixPath(p).name == "AGENTS.md"}
    findings = []
    for path in sorted(sizes):
        directory = PurePosixPath(path).parent
        chain = [p for p in sizes if PurePosixPath(p).parent in (directory, *directory.parents)]
        total = sum(sizes[p] for p in chain)
        if total > CODEX_MAX_BYTES:
            findings.append(
                Finding(path, 1, "error",
                        f"{total:,} bytes of AGENTS.md from the root down to here ({len(chain)} files): Codex stops "
                        f"at {CODEX_MAX_BYTES:,}, so the end of this file is never read")
            )
    return findings
