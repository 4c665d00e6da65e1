"""The rule model: estimator, nested leave-one-set-out, thresholds, calibration, persistence, the shipped model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from rules_spider.rulemodel.calibration import Calibration, wilson_interval
from rules_spider.rulemodel.corpus_matrix import load_corpus_matrix, save_corpus_matrix
from rules_spider.rulemodel.estimator import RuleModel
from rules_spider.rulemodel.persistence import (
    CARD_FILE,
    MODEL_FILE,
    SHIPPED_DIR,
    RuleModelError,
    load_rule_model,
    load_rule_model_from,
)
from rules_spider.rulemodel.training import best_threshold, leave_one_set_out, select_parameters


def test_best_threshold_maximises_f1_and_cuts_only_between_distinct_scores():
    scores = np.array([0.9, 0.8, 0.8, 0.3, 0.2])
    labels = np.array([1, 1, 0, 0, 0])
    threshold, f1 = best_threshold(scores, labels)
    # cutting at 0.8 keeps both 0.8s (2 of 3 right): F1 = 2*2/(3+2) = 0.8, the best available
    assert threshold == 0.8 and f1 == pytest.approx(0.8)
    assert best_threshold(scores, labels, beta=0.5)[0] == 0.9


def test_wilson_interval_and_calibration_bins():
    low, high = wilson_interval(8, 10)
    assert low < 0.8 < high and 0 <= low and high <= 1
    calibration = Calibration.from_scores([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [0, 0, 0, 1, 1, 1], n_bins=2)
    assert [b.positives for b in calibration.bins] == [0, 3]
    assert calibration.interval(0.85)[0] > calibration.interval(0.15)[1]


def _shipped_sample(rows_per_set: int = 150, sets: tuple[str, ...] = ("click", "jinja2", "scrapy")):
    full = load_corpus_matrix(SHIPPED_DIR)
    rows = np.sort(np.concatenate([np.flatnonzero(full.groups == name)[:rows_per_set] for name in sets]))
    return full.counts[rows], full.labels[rows], full.groups[rows]


def test_every_held_out_set_is_scored_by_a_model_that_never_saw_it(monkeypatch):
    counts, labels, groups = _shipped_sample()
    seen: list[set[str]] = []
    original = RuleModel.fit_counts

    def recording(self, x, y, sample_weight=None):  # type: ignore[no-untyped-def]
        seen.append(set(groups[_rows_of(counts, x)]))
        return original(self, x, y, sample_weight)

    monkeypatch.setattr(RuleModel, "fit_counts", recording)
    rows, scores = leave_one_set_out(counts, labels, groups)
    assert [r.name for r in rows] == ["click", "jinja2", "scrapy"]
    assert all(r.units == 150 for r in rows) and scores.shape == labels.shape
    # the final fit of each fold (the last fit before its scores) saw every set but the held-out one
    final_fits = [s for s in seen if len(s) == 2]
    assert {frozenset(s) for s in final_fits} == {frozenset({"jinja2", "scrapy"}), frozenset({"click", "scrapy"}),
                                                 frozenset({"click", "jinja2"})}


def _rows_of(full, subset) -> np.ndarray:
    # rows of ``subset`` in ``full``, matched by their non-zero pattern (the sample's rows are distinct)
    keys = {full[i].indices.tobytes() + full[i].data.tobytes(): i for i in range(full.shape[0])}
    return np.asarray([keys[subset[i].indices.tobytes() + subset[i].data.tobytes()] for i in range(subset.shape[0])])


def test_parameters_are_chosen_on_the_training_sets_alone():
    counts, labels, groups = _shipped_sample()
    C, threshold, scores = select_parameters(counts, labels, groups)
    assert C in (0.3, 1.0, 3.0) and 0 < threshold < 1 and len(scores) == len(labels)


def test_a_saved_model_round_trips_and_a_changed_file_is_refused(tmp_path: Path):
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED_DIR, folder)
    loaded = load_rule_model_from(folder)
    assert loaded.card.model_version == load_rule_model(None).card.model_version
    data = (folder / MODEL_FILE).read_bytes()
    (folder / MODEL_FILE).write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(RuleModelError, match="does not match its card"):
        load_rule_model_from(folder)
    (folder / MODEL_FILE).write_bytes(data)
    card = json.loads((folder / CARD_FILE).read_text())
    card["sklearn_version"] = "0.24.2"
    (folder / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(RuleModelError, match=r"scikit-learn 0\.24\.2"):
        load_rule_model_from(folder)
    with pytest.raises(RuleModelError, match="no rule model"):
        load_rule_model_from(tmp_path / "nowhere")


def test_the_shipped_model_is_small_and_its_card_holds_its_held_out_figures():
    size = sum((SHIPPED_DIR / name).stat().st_size for name in (MODEL_FILE, CARD_FILE, "corpus_counts.npz",
                                                               "corpus_rows.json"))
    assert size < 20_000_000
    card = load_rule_model(None).card
    assert len(card.sets) >= 10 and card.units >= 4000 and card.positives >= 800
    assert [row["set"] for row in card.leave_one_set_out] == sorted(card.sets)
    precisions = [row["precision"] for row in card.leave_one_set_out]
    assert card.mean_precision == pytest.approx(sum(precisions) / len(precisions))
    corpus = load_corpus_matrix(SHIPPED_DIR)
    assert len(corpus) == card.units and int(corpus.labels.sum()) == card.positives
    assert corpus.data_hash == card.training_data_hash


def test_the_corpus_matrix_round_trips(tmp_path: Path):
    corpus = load_corpus_matrix(SHIPPED_DIR)
    save_corpus_matrix(tmp_path, corpus)
    again = load_corpus_matrix(tmp_path)
    assert (again.counts != corpus.counts).nnz == 0 and (again.labels == corpus.labels).all()
    assert list(again.groups) == list(corpus.groups) and again.data_hash == corpus.data_hash


def test_counts_are_stateless_and_match_the_corpus_features():
    from rules_spider.units import Unit

    unit = Unit(text="Never call x twice.", marked="Never call \x02x\x03 twice.", kind="sentence",
                page_kind="guide", heading_path=("A",), section_index=0, block_index=0)
    a, b = RuleModel().counts([unit]), RuleModel().counts([unit])
    assert (a != b).nnz == 0 and a.nnz > 10
