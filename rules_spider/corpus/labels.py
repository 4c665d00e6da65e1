"""Label records: a reference to one unit of an installed documentation page and its label.

Records hold provenance and the label, never the docs' text: ``rebuild`` re-extracts the unit from the
installed package and checks its hash.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules_spider.outputs.atomic import write_text_atomic

# Why a unit is not guidance (see data/LABELING_GUIDE.md); the review page and MCP outcomes use the same
# kinds. ``cut_off`` (a rule whose title or text was cut mid-clause) and ``wrong`` (the rule misstates
# its page) judge a composed rule; corpus labelers judge units and use the others.
FailureKind = Literal[
    "description", "definition", "contributor", "tutorial_step", "changelog", "fragment", "no_subject",
    "vague", "pointer", "other", "cut_off", "wrong",
]
FAILURE_KINDS: tuple[str, ...] = get_args(FailureKind)


class LabelRecord(BaseModel):
    """One labeled unit, by reference."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    set: str
    package: str
    version: str
    path: str = Field(description="installed file path of the page")
    hash: str = Field(pattern=r"^[0-9a-f]{16}$")
    occurrence: int = Field(default=0, ge=0, description="which of the page's units with this hash")
    label: Literal[0, 1]
    subject: str | None = None
    failure: FailureKind | None = None
    labeler: str = Field(min_length=1)
    sample: Literal["random", "enriched"] = Field(
        default="random", description="random window, or a window centred on a unit the wide net caught")

    @model_validator(mode="after")
    def _subject_for_positives(self) -> LabelRecord:
        if self.label == 1 and not (self.subject or "").strip():
            raise ValueError("a positive label names the subject the rule is about")
        if self.label == 1 and self.failure is not None:
            raise ValueError("a positive label has no failure kind")
        return self

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.path, self.hash, self.occurrence)


def read_labels(path: Path) -> list[LabelRecord]:
    """Every record of a JSON-lines label file; a bad line names the file and line."""
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                records.append(LabelRecord.model_validate_json(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: {exc}") from exc
    return records


def iter_label_files(folder: Path) -> Iterator[Path]:
    yield from sorted(folder.glob("*.jsonl"))


def write_labels(path: Path, records: Iterable[LabelRecord]) -> None:
    """Sorted by page and position so the files diff well; written atomically."""
    rows = sorted(records, key=lambda r: (r.set, r.path, r.hash, r.occurrence, r.labeler))
    write_text_atomic(path, "".join(json.dumps(r.model_dump(exclude_none=True), ensure_ascii=False) + "\n" for r in rows))
