"""Rebuild the labeled units' texts from the installed documentation packages and verify their hashes."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rules_spider.corpus.docsets import installed_version
from rules_spider.corpus.labels import LabelRecord
from rules_spider.corpus.provenance import PageUnit, installed_page_units
from rules_spider.units import Unit

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LabeledUnit:
    """A corpus unit rebuilt from its page, with its label."""

    record: LabelRecord
    unit: Unit
    index: int


@dataclass(slots=True)
class RebuildReport:
    """What was rebuilt, and every record that could not be."""

    units: list[LabeledUnit] = field(default_factory=list)
    missing_package: dict[str, int] = field(default_factory=dict)
    version_mismatch: dict[str, tuple[str, str]] = field(default_factory=dict)
    missing_file: list[str] = field(default_factory=list)
    hash_not_found: list[LabelRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing_package or self.version_mismatch or self.missing_file or self.hash_not_found)

    def summary(self) -> str:
        lines = [f"rebuilt {len(self.units)} labeled units"]
        for package, count in sorted(self.missing_package.items()):
            lines.append(f"package {package} not installed: {count} labels skipped (apt-get install {package})")
        for package, (want, have) in sorted(self.version_mismatch.items()):
            lines.append(f"package {package}: labels are for version {want}, installed {have}")
        lines.extend(f"file missing: {path}" for path in self.missing_file)
        lines.extend(f"hash not found: {r.path} {r.hash} (#{r.occurrence})" for r in self.hash_not_found[:20])
        if len(self.hash_not_found) > 20:
            lines.append(f"... and {len(self.hash_not_found) - 20} more hashes not found")
        return "\n".join(lines)


def rebuild(records: Iterable[LabelRecord]) -> RebuildReport:
    """Re-extract every labeled unit from its installed page; check package versions and text hashes."""
    report = RebuildReport()
    by_page: dict[str, list[LabelRecord]] = defaultdict(list)
    for record in records:
        by_page[record.path].append(record)
    for path, page_records in sorted(by_page.items()):
        package = page_records[0].package
        installed = installed_version(package)
        if installed is None:
            report.missing_package[package] = report.missing_package.get(package, 0) + len(page_records)
            continue
        wanted = page_records[0].version
        if installed != wanted:
            report.version_mismatch[package] = (wanted, installed)
            continue
        if not Path(path).is_file():
            report.missing_file.append(path)
            continue
        index: dict[tuple[str, int], PageUnit] = {(u.hash, u.occurrence): u for u in installed_page_units(Path(path))}
        for record in page_records:
            found = index.get((record.hash, record.occurrence))
            if found is None:
                report.hash_not_found.append(record)
            else:
                report.units.append(LabeledUnit(record=record, unit=found.unit, index=found.index))
    report.units.sort(key=lambda u: (u.record.set, u.record.path, u.index))
    return report


