"""A blind reader's sample: would a developer paste these rules into an assistant's rule file?

    .venv/bin/python bench/reader_sample.py draw  [--out data/reader_sample] [--pages-per-set 6] [--seed N]
    .venv/bin/python bench/reader_sample.py score [--out data/reader_sample]
    .venv/bin/python bench/reader_sample.py remake --source data/reader_sample/fourth_draw --out DIR

``draw`` picks ``--pages-per-set`` random labeled pages of every documentation set of the corpus, turns
each page into rules twice - with the rule model trained without that page's set (C and threshold chosen
without it, as in leave-one-set-out) and with the cue-word extractor - and writes 100 random rules of
each, shuffled together, to ``items.jsonl`` (what the readers see) and ``key.jsonl`` (which tool wrote
each; readers must not see it). Two readers then judge ``items_A.jsonl`` (ids 0-114) and
``items_B.jsonl`` (ids 85-199) against ``bench/READER_BRIEF.md``, writing ``verdicts_A.jsonl`` and
``verdicts_B.jsonl``. ``score`` prints, per tool, the rules worth pasting (an id both readers judged
counts only when both would paste it), those naming their subject, complete sentences, the failure
reasons, and the readers' agreement (Cohen's kappa) on the 30 ids both judged. Needs the Debian
documentation packages of the corpus.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from quality import _old_page  # noqa: E402

from rules_spider.compose import PageInfo  # noqa: E402
from rules_spider.corpus.labels import iter_label_files, read_labels  # noqa: E402
from rules_spider.corpus.rebuild import rebuild  # noqa: E402
from rules_spider.page_rules import Selection, page_to_rules  # noqa: E402
from rules_spider.rulemodel.persistence import save_rule_model, state_model_dir  # noqa: E402
from rules_spider.rulemodel.train_corpus import THRESHOLD_RULE, corpus_matrix  # noqa: E402
from rules_spider.rulemodel.training import fit_final  # noqa: E402

PER_TOOL = 100
SEED = 20261202
A_IDS, B_IDS = range(0, 115), range(85, 200)


def _item(index: int, name: str, rule) -> dict:
    return {"id": index, "set": name, "url": rule.url, "section": rule.section, "subject": rule.subject,
            "title": rule.title, "body": rule.body, "evidence": rule.evidence, "example": rule.example}


def draw(out: Path, labels: Path, pages_per_set: int, seed: int = SEED) -> int:
    report = rebuild([r for p in iter_label_files(labels) for r in read_labels(p)])
    if not report.ok:
        print(report.summary(), file=sys.stderr)
        return 1
    matrix = corpus_matrix(report.units)
    rng = random.Random(seed)
    pages: dict[str, list[str]] = defaultdict(list)
    for unit in report.units:
        if unit.record.path not in pages[unit.record.set]:
            pages[unit.record.set].append(unit.record.path)
    drawn: dict[str, list[tuple[str, object]]] = {"model": [], "cue": []}
    for name in sorted(pages):
        with _held_out_selection(matrix, name) as (selection, model):
            for path in rng.sample(pages[name], min(pages_per_set, len(pages[name]))):
                info = PageInfo(url=Path(path).as_uri(), source_name=name, technology="python")
                drawn["model"] += [(name, r) for r in page_to_rules(Path(path).read_bytes(), info, selection).rules]
                drawn["cue"] += [(name, r) for r in _old_page(path)[1]]
        print(f"{name}: threshold {model.threshold:.3f}; {len(drawn['model'])} model rules, "
              f"{len(drawn['cue'])} cue-word rules so far", flush=True)
    picked = [(tool, rule) for tool in ("model", "cue") for rule in rng.sample(drawn[tool], PER_TOOL)]
    rng.shuffle(picked)
    out.mkdir(parents=True, exist_ok=True)
    items = [_item(i, name, rule) for i, (_, (name, rule)) in enumerate(picked)]
    _write(out / "items.jsonl", items)
    _write(out / "key.jsonl", [{"id": i, "generator": tool} for i, (tool, _) in enumerate(picked)])
    _write(out / "items_A.jsonl", [items[i] for i in A_IDS])
    _write(out / "items_B.jsonl", [items[i] for i in B_IDS])
    return 0


@contextmanager
def _held_out_selection(matrix, name: str):
    """A selection whose rule model was trained without set ``name`` (C and threshold chosen without it)."""
    train = matrix.groups != name
    model, calibration = fit_final(matrix.counts[train], matrix.labels[train], matrix.groups[train])
    with tempfile.TemporaryDirectory() as state:
        # The held-out model goes where a retrained one lives, so page_to_rules loads it as a crawl would.
        save_rule_model(model, calibration, state_model_dir(Path(state)), trained_at=datetime.now(UTC),
                        training_seconds=0.0, training_data_hash=matrix.data_hash, units=int(train.sum()),
                        positives=int(matrix.labels[train].sum()), sets={}, threshold_rule=THRESHOLD_RULE,
                        leave_one_set_out=[], mean_precision=None, mean_recall=None)
        yield Selection(state_dir=Path(state)), model


def remake(source: Path, out: Path, labels: Path) -> int:
    """The model rules of an earlier draw made again with today's code, each page by a model trained without
    its set; the ones that now read differently go to ``out/items.jsonl`` (same ids) for a blind reader."""
    report = rebuild([r for p in iter_label_files(labels) for r in read_labels(p)])
    if not report.ok:
        print(report.summary(), file=sys.stderr)
        return 1
    matrix = corpus_matrix(report.units)
    key = {i: row["generator"] for i, row in _read(source / "key.jsonl").items()}
    items = [row for i, row in sorted(_read(source / "items.jsonl").items()) if key[i] == "model"]
    by_set: dict[str, list[dict]] = defaultdict(list)
    for row in items:
        by_set[row["set"]].append(row)
    changed: list[dict] = []
    gone: list[int] = []
    for name in sorted(by_set):
        with _held_out_selection(matrix, name) as (selection, _):
            made: dict[str, dict] = {}
            for url in sorted({row["url"] for row in by_set[name]}):
                path = url.removeprefix("file://")
                info = PageInfo(url=url, source_name=name, technology="python")
                for rule in page_to_rules(Path(path).read_bytes(), info, selection).rules:
                    # A rule is found by page, section and quote, and by its subject first: one note may stand
                    # under several APIs of a section. A rule that now leans on the sentence before quotes it
                    # too, so it is also found by its own sentence.
                    item = _item(0, name, rule)
                    own = str(rule.unit["text"]) if rule.unit else rule.evidence
                    for quote in (rule.evidence, own):
                        made.setdefault(_place(url, rule.section, quote), item)
                        made.setdefault(_place(url, rule.section, quote, rule.subject), item)
            for row in by_set[name]:
                again = (made.get(_place(row["url"], row["section"], row["evidence"], row["subject"]))
                         or made.get(_place(row["url"], row["section"], row["evidence"])))
                if again is None:
                    gone.append(row["id"])
                elif any(again[f] != row[f] for f in ("title", "body", "subject", "example")):
                    changed.append({**again, "id": row["id"]})
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "items.jsonl", sorted(changed, key=lambda row: row["id"]))
    _write(out / "gone.jsonl", [{"id": i} for i in sorted(gone)])
    print(f"{len(items)} model rules: {len(items) - len(changed) - len(gone)} read the same, {len(changed)} "
          f"differently (items.jsonl), {len(gone)} no longer made (gone.jsonl)")
    return 0


def _place(url: str, section: list[str], quote: str, subject: str | None = None) -> str:
    return "\0".join([url, *section, quote, *([subject] if subject else [])])


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def _read(path: Path) -> dict[int, dict]:
    return {row["id"]: row for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def score(out: Path) -> int:
    key = {i: row["generator"] for i, row in _read(out / "key.jsonl").items()}
    a, b = _read(out / "verdicts_A.jsonl"), _read(out / "verdicts_B.jsonl")
    both = sorted(set(a) & set(b))
    agree = sum(a[i]["paste"] == b[i]["paste"] for i in both) / len(both)
    pa, pb = (sum(v[i]["paste"] for i in both) / len(both) for v in (a, b))
    chance = pa * pb + (1 - pa) * (1 - pb)
    kappa = (agree - chance) / (1 - chance) if chance < 1 else 1.0
    print(f"readers agree on {agree:.0%} of the {len(both)} rules both judged (Cohen's kappa {kappa:.2f})")
    for tool in ("model", "cue"):
        ids = [i for i in sorted(key) if key[i] == tool]
        first = [a.get(i) or b[i] for i in ids]
        paste = sum(all(v[i]["paste"] for v in (a, b) if i in v) for i in ids)
        failures = Counter(v["failure"] for v in first if not v["paste"])
        print(f"{tool:5s}: {paste}/{len(ids)} worth pasting, {sum(v['names_subject'] for v in first)} name their "
              f"subject, {sum(v['complete_sentence'] for v in first)} complete sentences; not pasted: "
              + ", ".join(f"{reason} {count}" for reason, count in failures.most_common()))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("draw", "score", "remake"))
    parser.add_argument("--source", type=Path, help="remake: the earlier draw whose model rules to make again")
    parser.add_argument("--out", type=Path, default=Path("data/reader_sample"))
    parser.add_argument("--labels", type=Path, default=Path("data/labels"))
    parser.add_argument("--pages-per-set", type=int, default=6)
    parser.add_argument("--seed", type=int, default=SEED, help="another seed draws other pages: a fresh sample")
    args = parser.parse_args()
    if args.step == "remake":
        return remake(args.source, args.out, args.labels)
    return draw(args.out, args.labels, args.pages_per_set, args.seed) if args.step == "draw" else score(args.out)


if __name__ == "__main__":
    raise SystemExit(main())
