"""The encoder reranker: a BERT-style encoder, mean-pooled, under one logistic unit, fine-tuned end to end.

Follows scikit-learn's estimator conventions (``fit``/``predict_proba`` on a sequence of texts, learned
state in attributes ending in ``_``); ``save`` and ``load`` keep the encoder in Hugging Face's folder
format and the head in safetensors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted
from transformers import AutoModel, AutoTokenizer, PreTrainedTokenizerBase

ENCODER_DIR = "encoder"
HEAD_FILE = "head.safetensors"
SCORING_BATCH = 32


class _Scorer(torch.nn.Module):
    def __init__(self, encoder: torch.nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Linear(encoder.config.hidden_size, 1)

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        hidden = self.encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)


class EncoderReranker(ClassifierMixin, BaseEstimator):
    """P(guidance) of unit texts (``text.encoder_text``), fine-tuned from the encoder in folder ``base``.

    Training weighs the positive class by negatives/positives, warms the learning rate up over the first
    ``warmup`` of the steps and decays it linearly to zero; ``random_state`` seeds torch and the shuffle.
    """

    def __init__(self, base: str | Path | None = None, epochs: int = 2, batch_size: int = 16,
                 max_tokens: int = 96, learning_rate: float = 5e-5, weight_decay: float = 0.01,
                 warmup: float = 0.1, random_state: int = 0) -> None:
        self.base = base
        self.epochs = epochs
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.warmup = warmup
        self.random_state = random_state

    def fit(self, X: Sequence[str], y: Sequence[int] | np.ndarray) -> EncoderReranker:
        if self.base is None:
            raise ValueError("EncoderReranker needs base: the folder of a BERT-style encoder")
        labels = np.asarray(y, dtype=np.float32)
        positives = float(labels.sum())
        if positives == 0 or positives == len(labels):
            raise ValueError("EncoderReranker.fit needs both classes")
        torch.manual_seed(self.random_state)
        rng = np.random.default_rng(self.random_state)
        self.tokenizer_ = AutoTokenizer.from_pretrained(self.base)
        self.module_ = _Scorer(AutoModel.from_pretrained(self.base))
        optimiser = torch.optim.AdamW(self.module_.parameters(), lr=self.learning_rate,
                                      weight_decay=self.weight_decay)
        loss_of = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(labels) - positives) / positives))
        steps = self.epochs * -(-len(labels) // self.batch_size)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda k: min(1.0, (k + 1) / max(self.warmup * steps, 1.0)) * max(0.0, (steps - k) / max(steps, 1)))
        self.module_.train()
        for _ in range(self.epochs):
            for rows, batch in self._batches(X, rng.permutation(len(labels)), self.batch_size):
                loss_of(self.module_(batch), torch.from_numpy(labels[rows])).backward()
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
        self.module_.eval()
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "module_")
        out = np.zeros(len(X))
        # Texts of like length share a batch, so little of it is padding.
        order = np.argsort([len(t) for t in X], kind="stable")
        with torch.inference_mode():
            for rows, batch in self._batches(X, order, SCORING_BATCH):
                out[rows] = torch.sigmoid(self.module_(batch)).numpy()
        return np.column_stack([1 - out, out])

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def _batches(self, X: Sequence[str], rows: np.ndarray, size: int) -> Iterator[tuple[np.ndarray, dict]]:
        tokenizer: PreTrainedTokenizerBase = self.tokenizer_
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            yield chunk, dict(tokenizer([X[i] for i in chunk], padding=True, truncation=True,
                                        max_length=self.max_tokens, return_tensors="pt"))

    def save(self, folder: Path) -> None:
        """Write the fitted encoder, tokenizer and head into ``folder`` (which must not hold another model)."""
        check_is_fitted(self, "module_")
        self.module_.encoder.save_pretrained(folder / ENCODER_DIR)
        self.tokenizer_.save_pretrained(folder / ENCODER_DIR)
        save_file({k: v.contiguous() for k, v in self.module_.head.state_dict().items()}, str(folder / HEAD_FILE))

    @classmethod
    def load(cls, folder: Path, params: dict) -> EncoderReranker:
        """The reranker ``save`` wrote into ``folder``, with its ``get_params()``."""
        model = cls(**params)
        model.tokenizer_ = AutoTokenizer.from_pretrained(folder / ENCODER_DIR)
        model.module_ = _Scorer(AutoModel.from_pretrained(folder / ENCODER_DIR))
        model.module_.head.load_state_dict(load_file(str(folder / HEAD_FILE)))
        model.module_.eval()
        model.classes_ = np.array([0, 1])
        return model
