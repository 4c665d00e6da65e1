"""Save and load a trained reranker folder: the encoder, its head and the card, each file's hash in the card."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import transformers

from rules_spider.generation.llm_cache import LlmCache, cache_key
from rules_spider.reranker.blend import blended, plausible
from rules_spider.reranker.card import CARD_FILE, RerankerCard, RerankerError, read_card
from rules_spider.reranker.estimator import EncoderReranker
from rules_spider.reranker.text import encoder_text
from rules_spider.units import Unit


@dataclass(frozen=True, slots=True)
class LoadedReranker:
    model: EncoderReranker
    card: RerankerCard
    path: Path

    def rescore(self, units: list[Unit], word: np.ndarray,
                cache: LlmCache | None = None) -> tuple[np.ndarray, int, bool]:
        """The blended probabilities of ``units`` given the rule model's ``word``, how many units the encoder
        rescored, and whether their scores came from ``cache`` (keyed by this reranker and those units' texts,
        so an unchanged page costs no encoder time on a re-run)."""
        rows = plausible(word, self.card.plausible_from)
        encoder = np.zeros(len(units))
        if not len(rows):
            return word, 0, False
        texts = [encoder_text(units[i]) for i in rows]
        key = cache_key("reranker", self.card.reranker_version, str(len(texts)),
                        hashlib.sha256("\n".join(texts).encode()).hexdigest())
        cached = cache.get(key) if cache is not None else None
        hit = cached is not None and len(cached.get("scores", ())) == len(texts)
        if hit:
            encoder[rows] = cached["scores"]  # type: ignore[index]
        else:
            encoder[rows] = self.model.predict_proba(texts)[:, 1]
            if cache is not None:
                cache.put(key, {"scores": encoder[rows].tolist()})
        return blended(word, encoder, self.card.plausible_from), len(rows), hit


def _file_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != CARD_FILE}


def save_reranker(model: EncoderReranker, folder: Path, **card_fields: Any) -> RerankerCard:
    """Write the reranker and its card into ``folder``, replacing what was there only once all is written."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        model.save(staging)
        hashes = _file_hashes(staging)
        card = RerankerCard(
            reranker_version=hashlib.sha256("".join(sorted(hashes.values())).encode()).hexdigest()[:16],
            torch_version=torch.__version__, transformers_version=transformers.__version__,
            params={k: str(v) if isinstance(v, Path) else v for k, v in model.get_params().items()},
            file_sha256=hashes, **card_fields)
        (staging / CARD_FILE).write_text(json.dumps(card.model_dump(mode="json"), indent=2, sort_keys=True) + "\n",
                                         encoding="utf-8")
        previous = folder.with_name(f".{folder.name}.previous")
        shutil.rmtree(previous, ignore_errors=True)
        if folder.exists():
            folder.rename(previous)
        staging.rename(folder)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return card


def load_reranker(folder: Path) -> LoadedReranker:
    """The reranker in ``folder``, after checking every file against the hash its card records."""
    card = read_card(folder)
    hashes = _file_hashes(folder)
    if hashes != card.file_sha256:
        changed = sorted(set(hashes.items()) ^ set(card.file_sha256.items()))
        raise RerankerError(f"reranker {folder} does not match its card ({changed[0][0]} differs): "
                            "retrain it with rules-spider-corpus train-reranker")
    return LoadedReranker(model=EncoderReranker.load(folder, card.params), card=card, path=folder)
