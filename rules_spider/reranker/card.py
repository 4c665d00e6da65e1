"""The JSON card of a trained reranker: what it is, what it was trained on, its threshold and held-out figures.

Reading a card needs neither torch nor transformers, so the crawl process can learn the threshold of a
reranker its workers run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

CARD_FILE = "reranker.json"


class RerankerError(RuntimeError):
    """A reranker folder that cannot be used; the message says why and what to do."""


class RerankerCard(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    reranker_version: str
    base: str
    base_sha256: str
    torch_version: str
    transformers_version: str
    trained_at: AwareDatetime
    training_seconds: float
    training_data_hash: str
    units: int
    positives: int
    params: dict[str, Any]
    plausible_from: float
    threshold: float
    threshold_rule: str
    # Per held-out set, from bench/rerank_experiment.py for this base model, recipe and corpus; None when
    # that evaluation does not apply (another base model, recipe or corpus).
    leave_one_set_out: dict[str, dict[str, float]] | None
    mean_precision: float | None
    mean_recall: float | None
    file_sha256: dict[str, str]


def read_card(folder: Path) -> RerankerCard:
    path = folder / CARD_FILE
    if not path.is_file():
        raise RerankerError(f"{folder} is not a reranker folder: it has no {CARD_FILE} "
                            "(make one with rules-spider-corpus train-reranker)")
    try:
        return RerankerCard.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise RerankerError(f"{path} is not a reranker card: {exc}") from exc
