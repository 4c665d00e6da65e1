"""Train the reranker from the labeled corpus (the ``rules-spider-corpus train-reranker`` command).

The encoder is fine-tuned on the units a crawl would give it: those the rule model finds plausible. Which
those are comes from the rule model's leave-one-set-out probabilities, since a crawl meets pages the rule
model was not trained on. Fine-tuning cannot be cross-validated here in reasonable time (about 15 minutes a
held-out set on 2 cores), so the threshold and the held-out figures come from the evaluation that
``bench/rerank_experiment.py`` writes (``evaluation.json`` beside this module), and apply only to the base
model, recipe and corpus it measured; for anything else the threshold must be given and the card says the
figures are unknown.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rules_spider.corpus.labels import iter_label_files, read_labels
from rules_spider.corpus.rebuild import rebuild
from rules_spider.reranker.blend import PLAUSIBLE_FROM, plausible
from rules_spider.reranker.text import encoder_text
from rules_spider.rulemodel.train_corpus import corpus_matrix
from rules_spider.rulemodel.training import leave_one_set_out_at

logger = logging.getLogger(__name__)

# The rule model's C whose held-out probabilities pick the plausible units (the shipped model's C).
WORD_C = 3.0
EVALUATION_FILE = Path(__file__).with_name("evaluation.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def weights_sha256(base: Path) -> str:
    """SHA-256 of a Hugging Face model folder's weights file: which base model it is, whatever its path."""
    for name in WEIGHT_FILES:
        if (base / name).is_file():
            return hashlib.sha256((base / name).read_bytes()).hexdigest()
    raise FileNotFoundError(f"{base} holds no {' or '.join(WEIGHT_FILES)}: it is not a Hugging Face model folder")


def evaluation_fields(evaluation: dict[str, Any] | None, base_sha: str, epochs: int, data_hash: str,
                      threshold: float | None) -> dict[str, Any]:
    """The card's threshold and held-out figures: the evaluation's when it measured this base model, recipe
    and corpus, else ``threshold`` with no figures."""
    applies = (evaluation is not None and evaluation.get("base_sha256") == base_sha
               and evaluation.get("epochs") == epochs and evaluation.get("from") == PLAUSIBLE_FROM
               and evaluation.get("training_data_hash") == data_hash)
    if applies and threshold is None:
        assert evaluation is not None
        blend = evaluation["blend"]
        return {"threshold": blend["threshold"],
                "threshold_rule": ("F1-maximising threshold on the pooled held-out blended probabilities of "
                                   f"leave-one-set-out over {', '.join(evaluation['sets'])} "
                                   "(bench/rerank_experiment.py)"),
                "leave_one_set_out": blend["sets"], "mean_precision": blend["precision"],
                "mean_recall": blend["recall"]}
    if threshold is None:
        raise ValueError("no leave-one-set-out evaluation of this base model, recipe and corpus: run "
                         "bench/rerank_experiment.py for it, or give --threshold (the card will then say the "
                         "held-out figures are unknown)")
    return {"threshold": threshold, "threshold_rule": "given with --threshold; not evaluated",
            "leave_one_set_out": None, "mean_precision": None, "mean_recall": None}


def train_reranker(labels_dir: Path, base: Path, out: Path, *, epochs: int = 2, threshold: float | None = None,
                   evaluation_file: Path = EVALUATION_FILE) -> int:
    from rules_spider.reranker.estimator import EncoderReranker
    from rules_spider.reranker.persistence import save_reranker

    report = rebuild([r for path in iter_label_files(labels_dir) for r in read_labels(path)])
    print(report.summary())
    if not report.ok:
        print("the corpus does not rebuild exactly: fix it (install the packages named above) before training")
        return 1
    matrix = corpus_matrix(report.units)
    evaluation = json.loads(evaluation_file.read_text(encoding="utf-8")) if evaluation_file.is_file() else None
    base_sha = weights_sha256(base)
    try:
        scores = evaluation_fields(evaluation, base_sha, epochs, matrix.data_hash, threshold)
    except ValueError as exc:
        print(exc)
        return 1
    started = time.perf_counter()
    _, _, word = leave_one_set_out_at(matrix.counts, matrix.labels, matrix.groups, None, WORD_C)
    rows = plausible(word)
    print(f"fine-tuning {base} on {len(rows)} plausible units of {len(word)} for {epochs} epochs")
    model = EncoderReranker(base=base, epochs=epochs).fit([encoder_text(report.units[i].unit) for i in rows],
                                                          matrix.labels[rows])
    seconds = time.perf_counter() - started
    card = save_reranker(model, out, base=str(base), base_sha256=base_sha, trained_at=datetime.now(UTC),
                         training_seconds=round(seconds, 1), training_data_hash=matrix.data_hash,
                         units=len(rows), positives=int(matrix.labels[rows].sum()), plausible_from=PLAUSIBLE_FROM,
                         **scores)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"saved reranker {card.reranker_version} to {out} ({size / 1e6:.0f} MB), threshold {card.threshold:.3f}, "
          f"{seconds:.0f} s; crawl with -s RULES_RERANKER={out}")
    return 0
