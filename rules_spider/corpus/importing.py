"""Turn a labeler's id-keyed answers into label records, using the task's id -> provenance rows."""

from __future__ import annotations

import json
from pathlib import Path

from rules_spider.corpus.labels import LabelRecord


class LabelImportError(ValueError):
    """A labeler's file is incomplete or malformed; the message names the file, line and id."""


def read_task_units(path: Path) -> dict[str, dict[str, object]]:
    """id -> provenance row of a task's ``units.jsonl``."""
    rows: dict[str, dict[str, object]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                rows[row["id"]] = row
    return rows


def import_answers(answers: Path, units: dict[str, dict[str, object]], labeler: str) -> list[LabelRecord]:
    """Label records for every answered unit; every unit of the task must be answered exactly once."""
    records: dict[str, LabelRecord] = {}
    with answers.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                answer = json.loads(line)
                uid = answer["id"]
                row = units[uid]
            except (ValueError, KeyError) as exc:
                raise LabelImportError(f"{answers}:{number}: {exc!r}") from exc
            if uid in records:
                raise LabelImportError(f"{answers}:{number}: {uid} answered twice")
            try:
                records[uid] = LabelRecord(
                    set=str(row["set"]), package=str(row["package"]), version=str(row["version"]),
                    path=str(row["path"]), hash=str(row["hash"]), occurrence=int(row["occurrence"]),  # type: ignore[call-overload]
                    label=answer["label"], subject=answer.get("subject") if answer.get("label") == 1 else None,
                    failure=answer.get("failure") if answer.get("label") == 0 else None, labeler=labeler,
                    sample=str(row.get("sample", "random")),  # type: ignore[arg-type]
                )
            except ValueError as exc:
                raise LabelImportError(f"{answers}:{number}: {uid}: {exc}") from exc
    missing = sorted(set(units) - set(records))
    if missing:
        raise LabelImportError(f"{answers}: {len(missing)} unit(s) not answered, first {missing[:5]}")
    return [records[uid] for uid in units]
