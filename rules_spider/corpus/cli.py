"""``rules-spider-corpus``: import labels, rebuild and verify the corpus, measure agreement, train the model.

    rules-spider-corpus import SET [SET ...] [--labeler A] [--work data/work] [--labels data/labels]
    rules-spider-corpus rebuild                 rebuild every labeled unit's text from the installed packages
    rules-spider-corpus agreement A.jsonl B.jsonl
    rules-spider-corpus stats
    rules-spider-corpus train [--out DIR]       fit, evaluate leave-one-set-out, save (default: the package)
    rules-spider-corpus train-reranker --base DIR --out DIR [--epochs 2] [--threshold P]
                                                fine-tune an encoder on the plausible units (local-llm extra)
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from pathlib import Path

from rules_spider.corpus.labels import LabelRecord, iter_label_files, read_labels, write_labels

DEFAULT_LABELS = Path("data/labels")
DEFAULT_WORK = Path("data/work")


def _all_labels(folder: Path) -> list[LabelRecord]:
    records: list[LabelRecord] = []
    for path in iter_label_files(folder):
        records.extend(read_labels(path))
    return records


def _import(args: argparse.Namespace) -> int:
    from rules_spider.corpus.importing import import_answers, read_task_units

    for name in args.sets:
        records: list[LabelRecord] = []
        for part in (name, f"{name}-enriched"):
            folder = args.work / part
            answers = folder / f"labels_{args.labeler}.jsonl"
            if answers.is_file():
                records.extend(import_answers(answers, read_task_units(folder / "units.jsonl"), args.labeler))
        if not records:
            print(f"{name}: no answers under {args.work}", file=sys.stderr)
            return 1
        target = args.labels / f"{name}.jsonl"
        args.labels.mkdir(parents=True, exist_ok=True)
        write_labels(target, records)
        print(f"{name}: {len(records)} labels, {sum(r.label for r in records)} positive -> {target}")
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    from rules_spider.corpus.rebuild import rebuild

    report = rebuild(_all_labels(args.labels))
    print(report.summary())
    return 0 if report.ok else 1


def _agreement(args: argparse.Namespace) -> int:
    from rules_spider.corpus.agreement import agreement, failure_confusion

    result = agreement(read_labels(args.first), read_labels(args.second))
    print(f"units {result.units}  kappa {result.kappa:.3f}  observed agreement {result.observed:.3f}  "
          f"positives {result.positives_first} / {result.positives_second}")
    for name, (count, same) in result.by_set.items():
        print(f"  {name:12s} {count:4d} units  agreement {same:.2f}")
    for (a, b), count in failure_confusion(result.disagreements).most_common():
        print(f"  disagreement: first {a}, second {b}: {count}")
    return 0


def _stats(args: argparse.Namespace) -> int:
    records = _all_labels(args.labels)
    by_set: Counter[str] = Counter(r.set for r in records)
    positives: Counter[str] = Counter(r.set for r in records if r.label)
    for name in sorted(by_set):
        print(f"{name:12s} {by_set[name]:5d} units {positives[name]:4d} positive")
    print(f"{'total':12s} {len(records):5d} units {sum(positives.values()):4d} positive in {len(by_set)} sets")
    print("failure kinds:", dict(Counter(r.failure for r in records if not r.label).most_common()))
    return 0


def _train(args: argparse.Namespace) -> int:
    from rules_spider.rulemodel.train_corpus import train_from_corpus

    return train_from_corpus(args.labels, args.out)


def _train_reranker(args: argparse.Namespace) -> int:
    from rules_spider.reranker.train import train_reranker

    return train_reranker(args.labels, args.base, args.out, epochs=args.epochs, threshold=args.threshold)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rules-spider-corpus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("import")
    p.add_argument("sets", nargs="+")
    p.add_argument("--labeler", default="A")
    p.add_argument("--work", type=Path, default=DEFAULT_WORK)
    p.set_defaults(run=_import)
    sub.add_parser("rebuild").set_defaults(run=_rebuild)
    p = sub.add_parser("agreement")
    p.add_argument("first", type=Path)
    p.add_argument("second", type=Path)
    p.set_defaults(run=_agreement)
    sub.add_parser("stats").set_defaults(run=_stats)
    p = sub.add_parser("train")
    p.add_argument("--out", type=Path, default=None, help="folder for the model (default: the package's shipped/)")
    p.set_defaults(run=_train)
    p = sub.add_parser("train-reranker", help="fine-tune a sentence encoder to rescore plausible units "
                                              "(needs the local-llm extra)")
    p.add_argument("--base", type=Path, required=True, help="folder of a BERT-style Hugging Face encoder")
    p.add_argument("--out", type=Path, required=True, help="folder to write the reranker to (RULES_RERANKER)")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--threshold", type=float, default=None,
                   help="blended probability a unit needs (default: the evaluation's, when it measured this base)")
    p.set_defaults(run=_train_reranker)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
