"""The shipped corpus as the model sees it: hashed token counts, labels and sets, no text.

``scrapy feedback --retrain`` stacks the user's labeled units on this matrix and refits, so retraining
needs neither the Debian documentation packages nor any copy of their text.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from rules_spider.outputs.atomic import write_text_atomic

COUNTS_FILE = "corpus_counts.npz"
ROWS_FILE = "corpus_rows.json"


@dataclass(frozen=True, slots=True)
class CorpusMatrix:
    counts: sp.csr_matrix
    labels: np.ndarray
    groups: np.ndarray
    data_hash: str

    def __len__(self) -> int:
        return self.counts.shape[0]


def save_corpus_matrix(folder: Path, matrix: CorpusMatrix) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{COUNTS_FILE}"
    sp.save_npz(staging, matrix.counts.astype(np.float32), compressed=True)
    staging.replace(folder / COUNTS_FILE)
    rows = {"data_hash": matrix.data_hash, "labels": matrix.labels.astype(int).tolist(),
            "groups": [str(g) for g in matrix.groups]}
    write_text_atomic(folder / ROWS_FILE, json.dumps(rows, separators=(",", ":")) + "\n")


def load_corpus_matrix(folder: Path | Traversable) -> CorpusMatrix:
    counts = sp.load_npz(io.BytesIO((folder / COUNTS_FILE).read_bytes())).tocsr()
    rows = json.loads((folder / ROWS_FILE).read_text(encoding="utf-8"))
    labels = np.asarray(rows["labels"], dtype=int)
    groups = np.asarray(rows["groups"], dtype=object)
    if counts.shape[0] != len(labels) or len(labels) != len(groups):
        raise ValueError(f"{folder}: corpus matrix has {counts.shape[0]} rows but {len(labels)} labels")
    return CorpusMatrix(counts=counts, labels=labels, groups=groups, data_hash=str(rows["data_hash"]))
