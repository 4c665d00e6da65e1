"""Engine state snapshots: configuration, state table and model version in one JSON file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rules_spider.learning.state_dir import resolve_in_state_dir
from rules_spider.outputs.atomic import write_text_atomic

SNAPSHOT_FORMAT = "rules-spider/engine-state"
SNAPSHOT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Snapshot:
    config: dict[str, Any]
    model_version: str | None
    state: dict[str, Any]


def write_snapshot(state_dir: Path, path: str | Path, snapshot: Snapshot) -> Path:
    """Write ``snapshot`` to ``path`` (resolved inside ``state_dir``)."""
    target = resolve_in_state_dir(state_dir, path)
    document = {
        "format": SNAPSHOT_FORMAT,
        "format_version": SNAPSHOT_VERSION,
        "saved_at": datetime.now(UTC).isoformat(),
        "config": snapshot.config,
        "model_version": snapshot.model_version,
        "state": snapshot.state,
    }
    write_text_atomic(target, json.dumps(document, indent=2, sort_keys=True))
    return target


def read_snapshot(state_dir: Path, path: str | Path) -> Snapshot:
    source = resolve_in_state_dir(state_dir, path)
    document = json.loads(source.read_text(encoding="utf-8"))
    if (
        not isinstance(document, dict)
        or document.get("format") != SNAPSHOT_FORMAT
        or document.get("format_version") != SNAPSHOT_VERSION
    ):
        found = document.get("format") if isinstance(document, dict) else None
        raise ValueError(
            f"{source} is not a rules-spider engine state (format {found!r}; expected "
            f"{SNAPSHOT_FORMAT!r} version {SNAPSHOT_VERSION})"
        )
    return Snapshot(
        config=document["config"],
        model_version=document.get("model_version"),
        state=document["state"],
    )
