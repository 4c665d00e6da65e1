"""Train the shipped rule model from the labeled corpus (the `rules-spider-corpus train` command)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from rules_spider.corpus.labels import LabelRecord, iter_label_files, read_labels
from rules_spider.corpus.rebuild import LabeledUnit, rebuild
from rules_spider.rulemodel.corpus_matrix import CorpusMatrix, save_corpus_matrix
from rules_spider.rulemodel.estimator import RuleModel
from rules_spider.rulemodel import persistence
from rules_spider.rulemodel.persistence import save_rule_model
from rules_spider.rulemodel.training import SetScores, fit_final, leave_one_set_out, mean_of

logger = logging.getLogger(__name__)

THRESHOLD_RULE = ("F1-maximising threshold on the out-of-fold probabilities of leave-one-documentation-set-out "
                  "cross-validation over all labeled sets (C chosen the same way from a small grid)")


def labels_hash(records: Sequence[LabelRecord]) -> str:
    lines = sorted(f"{r.set}\t{r.path}\t{r.hash}\t{r.occurrence}\t{r.label}" for r in records)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def corpus_matrix(units: Sequence[LabeledUnit]) -> CorpusMatrix:
    counts = RuleModel().counts([u.unit for u in units])
    return CorpusMatrix(counts=counts, labels=np.asarray([u.record.label for u in units]),
                        groups=np.asarray([u.record.set for u in units], dtype=object),
                        data_hash=labels_hash([u.record for u in units]))


def format_table(rows: Sequence[SetScores]) -> str:
    lines = [f"{'held-out set':12s} {'units':>6s} {'pos':>5s} {'precision':>9s} {'recall':>7s} {'C':>5s} {'thr':>6s}"]
    for r in rows:
        lines.append(f"{r.name:12s} {r.units:6d} {r.positives:5d} {_pct(r.precision):>9s} {_pct(r.recall):>7s} "
                     f"{r.C:5.1f} {r.threshold:6.3f}")
    lines.append(f"{'mean':12s} {'':6s} {'':5s} {_pct(mean_of([r.precision for r in rows])):>9s} "
                 f"{_pct(mean_of([r.recall for r in rows])):>7s}")
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def train_from_corpus(labels_dir: Path, out: Path | None) -> int:
    records = [r for path in iter_label_files(labels_dir) for r in read_labels(path)]
    report = rebuild(records)
    print(report.summary())
    if not report.ok:
        print("the corpus does not rebuild exactly: fix it (install the packages named above) before training")
        return 1
    started = time.perf_counter()
    matrix = corpus_matrix(report.units)
    rows, _ = leave_one_set_out(matrix.counts, matrix.labels, matrix.groups)
    print(format_table(rows))
    model, calibration = fit_final(matrix.counts, matrix.labels, matrix.groups)
    seconds = time.perf_counter() - started
    folder = out or Path(persistence.__file__).parent / "shipped"  # a checkout's package, not an installed one
    per_set = Counter(str(g) for g in matrix.groups)
    per_set_pos = Counter(str(g) for g, y in zip(matrix.groups, matrix.labels, strict=True) if y)
    card = save_rule_model(
        model, calibration, folder, trained_at=datetime.now(UTC), training_seconds=round(seconds, 1),
        training_data_hash=matrix.data_hash, units=len(matrix), positives=int(matrix.labels.sum()),
        sets={name: {"units": per_set[name], "positives": per_set_pos[name]} for name in sorted(per_set)},
        threshold_rule=THRESHOLD_RULE, leave_one_set_out=[r.to_dict() for r in rows],
        mean_precision=mean_of([r.precision for r in rows]), mean_recall=mean_of([r.recall for r in rows]),
    )
    save_corpus_matrix(folder, matrix)
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    print(f"saved model {card.model_version} to {folder} ({size / 1e6:.1f} MB), threshold {card.threshold:.3f}, "
          f"C {model.C}, {seconds:.0f} s")
    return 0
