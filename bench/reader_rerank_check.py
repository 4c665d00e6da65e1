"""Would the opt-in reranker keep the fourth draw's model rules that blind readers judged?

    .venv/bin/python bench/reader_rerank_check.py

The fourth draw (``data/reader_sample/fourth_draw``) holds rules of the word model, each set's pages scored by a
model trained without it; readers judged them blind, and later rejudged the ones changes rewrote
(``fourth_draw_rejudged/``, applied in the order they were made). A rule whose unit is a labeled corpus unit has a
held-out blended score (``data/rerank_heldout_scores.npy``, from ``bench/rerank_experiment.py``); this prints how
many of those rules, worth pasting or not, the reranker's threshold keeps. Rules from unlabeled units have no
held-out encoder score and are left out. Needs the Debian documentation packages of the corpus.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from rules_spider.corpus.labels import iter_label_files, read_labels
from rules_spider.corpus.rebuild import rebuild
from rules_spider.ids import normalise_text
from rules_spider.reranker.blend import blended
from rules_spider.reranker.train import EVALUATION_FILE, WORD_C
from rules_spider.rulemodel.train_corpus import corpus_matrix
from rules_spider.rulemodel.training import leave_one_set_out_at

SAMPLE = Path("data/reader_sample")
REJUDGED_LAYERS = ("", "after_parameters", "after_code_lines", "after_subjects", "after_entry_subjects")


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def current_verdicts() -> tuple[dict[int, dict], dict[int, bool]]:
    """The fourth draw's model rules still made (id -> item) and whether readers would paste each now."""
    draw, rejudged = SAMPLE / "fourth_draw", SAMPLE / "fourth_draw_rejudged"
    items = {row["id"]: row for row in _rows(draw / "items.jsonl")}
    paste: dict[int, bool] = {}
    for name in ("verdicts_A.jsonl", "verdicts_B.jsonl"):  # an id both judged counts only when both paste
        for v in _rows(draw / name):
            paste[v["id"]] = paste.get(v["id"], True) and v["paste"]
    for layer in REJUDGED_LAYERS:
        paste.update({v["id"]: v["paste"] for v in _rows(rejudged / layer / "verdicts.jsonl")})
        items.update({row["id"]: {**items[row["id"]], **row} for row in _rows(rejudged / layer / "items.jsonl")})
    gone = {row["id"] for row in _rows(rejudged / "gone.jsonl")}
    model = {k["id"] for k in _rows(draw / "key.jsonl") if k["generator"] == "model"} - gone
    return {i: items[i] for i in sorted(model)}, paste


def main() -> int:
    built = rebuild([r for p in iter_label_files(Path("data/labels")) for r in read_labels(p)])
    if not built.ok:
        print(built.summary(), file=sys.stderr)
        return 1
    matrix = corpus_matrix(built.units)
    _, _, word = leave_one_set_out_at(matrix.counts, matrix.labels, matrix.groups, None, WORD_C)
    evaluation = json.loads(EVALUATION_FILE.read_text(encoding="utf-8"))
    score = blended(word, np.load("data/rerank_heldout_scores.npy"), evaluation["from"])
    threshold = evaluation["blend"]["threshold"]
    by_page: dict[str, list[int]] = {}
    for k, labeled in enumerate(built.units):
        by_page.setdefault(Path(labeled.record.path).resolve().as_uri(), []).append(k)
    items, paste = current_verdicts()
    tally: Counter[tuple[bool, bool]] = Counter()
    for i, item in items.items():
        evidence = normalise_text(item["evidence"])
        quoted = [k for k in by_page.get(item["url"], []) if normalise_text(built.units[k].unit.text) in evidence]
        if quoted:
            k = max(quoted, key=lambda k: len(built.units[k].unit.text))
            tally[paste[i], bool(score[k] >= threshold)] += 1
    print(f"{len(items)} model rules still made, {sum(paste[i] for i in items)} worth pasting; "
          f"{sum(tally.values())} of them quote a labeled unit")
    for worth in (True, False):
        print(f"  {'worth pasting' if worth else 'not worth pasting'}: {tally[worth, True] + tally[worth, False]}, "
              f"kept at the reranker's threshold {threshold}: {tally[worth, True]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
