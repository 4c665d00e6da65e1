"""Rule quality on the labeled corpus, one documentation set held out at a time.

    .venv/bin/python bench/quality.py [--labels data/labels] [--pages-per-set 15]

Prints, per held-out set: precision and recall of guidance units for the rule model (nested
leave-one-set-out: the set is scored by a model, C and threshold chosen without it), for the cue-word
extractor (the extractive generator before the rule model: a unit counts as selected when one of its
rules quotes it) and for a plain grep of should/must/never/avoid; then rules per page and pages/s of the
whole page-to-rules step on one core, before and after, on the corpus's pages. Needs the Debian
documentation packages named in rules_spider/corpus/docsets.py.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from rules_spider.compose import PageInfo
from rules_spider.corpus.labels import iter_label_files, read_labels
from rules_spider.corpus.rebuild import LabeledUnit, rebuild
from rules_spider.extraction import extract_page
from rules_spider.generation.extractive import ExtractiveGenerator
from rules_spider.ids import normalise_text
from rules_spider.items import DocPage
from rules_spider.page_rules import Selection, page_to_rules
from rules_spider.reranker.train import EVALUATION_FILE
from rules_spider.rulemodel.train_corpus import corpus_matrix
from rules_spider.rulemodel.training import leave_one_set_out, mean_of
from rules_spider.settings import RULES_SKIP_PAGE_KINDS

_GREP = re.compile(r"\b(?:should|must|never|avoid)\b", re.I)


def _old_page(path: str) -> tuple[DocPage, list]:
    url = Path(path).as_uri()
    extracted = extract_page(Path(path).read_bytes(), url)
    page = DocPage(url=url, source_name="bench", technology="python", title=extracted.title,
                   sections=list(extracted.sections), text=extracted.text, language=extracted.language)
    return page, ExtractiveGenerator().generate(page)


def cue_extractor_selects(units: list[LabeledUnit]) -> np.ndarray:
    """1 where today's cue-word extractor made a rule quoting the unit (its evidence ends with it)."""
    by_page: dict[str, list[int]] = defaultdict(list)
    for i, u in enumerate(units):
        by_page[u.record.path].append(i)
    selected = np.zeros(len(units), dtype=int)
    for path, indices in by_page.items():
        _, rules = _old_page(path)
        evidences = [normalise_text(r.evidence) for r in rules]
        for i in indices:
            text = normalise_text(units[i].unit.text)
            selected[i] = int(any(e.endswith(text) for e in evidences))
    return selected


def _pr(labels: np.ndarray, chosen: np.ndarray) -> tuple[float | None, float | None]:
    tp = int((labels & chosen).sum())
    return (tp / chosen.sum() if chosen.sum() else None, tp / labels.sum() if labels.sum() else None)


def _f(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def speed_and_volume(paths: list[str], rounds: int = 3) -> None:
    """Rules per page and CPU pages/s of both, page by page in turn (so load on the machine hits both alike)."""
    raw = [(p, Path(p).read_bytes()) for p in paths]
    info = lambda path: PageInfo(url=Path(path).as_uri(), source_name="b", technology="python")  # noqa: E731
    page_to_rules(raw[0][1], info(raw[0][0]), Selection())  # load the model once, outside the timing
    seconds = {"before": 0.0, "after": 0.0}
    rules = {"before": 0, "after": 0}
    for _ in range(rounds):
        for path, data in raw:
            started = time.process_time()
            rules["before"] += len(_old_page(path)[1])
            seconds["before"] += time.process_time() - started
            started = time.process_time()
            rules["after"] += len(page_to_rules(data, info(path), Selection()).rules)
            seconds["after"] += time.process_time() - started
    pages = rounds * len(raw)
    for key, name in (("before", "before (cue-word extractor)"), ("after", "after (rule model)")):
        print(f"  {name:28s} {rules[key] / pages:6.1f} rules/page  {pages / seconds[key]:6.1f} pages/s (CPU, one core)")
    print(f"  speed ratio after/before: {seconds['before'] / seconds['after']:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, default=Path("data/labels"))
    parser.add_argument("--pages-per-set", type=int, default=15)
    args = parser.parse_args()
    report = rebuild([r for p in iter_label_files(args.labels) for r in read_labels(p)])
    if not report.ok:
        print(report.summary(), file=sys.stderr)
        return 1
    units = report.units
    matrix = corpus_matrix(units)
    started = time.perf_counter()
    rows, held_out = leave_one_set_out(matrix.counts, matrix.labels, matrix.groups)
    print(f"rule model: nested leave-one-set-out in {time.perf_counter() - started:.0f} s")
    # As a crawl selects: the held-out set's threshold, and no rules from RULES_SKIP_PAGE_KINDS pages.
    skipped = np.asarray([u.unit.page_kind in RULES_SKIP_PAGE_KINDS for u in units])
    thresholds = {row.name: row.threshold for row in rows}
    crawl = np.asarray([int(s >= thresholds[g] and not k) for s, g, k in zip(held_out, matrix.groups, skipped)])
    cue = cue_extractor_selects(units)
    grep = np.asarray([int(bool(_GREP.search(u.unit.text))) for u in units])
    reranked = json.loads(EVALUATION_FILE.read_text(encoding="utf-8"))["blend"]["sets"] if EVALUATION_FILE.is_file() else {}
    print(f"{'held-out set':12s} {'units':>6s} {'pos':>5s} | {'model P':>7s} {'R':>6s} | {'crawl P':>7s} {'R':>6s} | "
          f"{'cue P':>6s} {'R':>6s} | {'grep P':>6s} {'R':>6s} | {'rerank P':>8s} {'R':>6s}")
    sums: dict[str, list[float | None]] = defaultdict(list)
    for row in rows:
        mask = matrix.groups == row.name
        y = matrix.labels[mask]
        crawl_p, crawl_r = _pr(y, crawl[mask])
        cue_p, cue_r = _pr(y, cue[mask])
        grep_p, grep_r = _pr(y, grep[mask])
        rerank_p, rerank_r = (reranked[row.name]["precision"], reranked[row.name]["recall"]) if row.name in reranked \
            else (None, None)
        for key, value in (("mp", row.precision), ("mr", row.recall), ("sp", crawl_p), ("sr", crawl_r),
                           ("cp", cue_p), ("cr", cue_r),
                           ("gp", grep_p), ("gr", grep_r), ("rp", rerank_p), ("rr", rerank_r)):
            sums[key].append(value)
        print(f"{row.name:12s} {row.units:6d} {row.positives:5d} | {_f(row.precision)} {_f(row.recall)} | "
              f" {_f(crawl_p)} {_f(crawl_r)} | {_f(cue_p)} {_f(cue_r)} | {_f(grep_p)} {_f(grep_r)} | "
              f"  {_f(rerank_p)} {_f(rerank_r)}")
    print(f"{'mean':12s} {'':6s} {'':5s} | " + " | ".join(
        f"{_f(mean_of(sums[a]))} {_f(mean_of(sums[b]))}"
        for a, b in (("mp", "mr"), ("sp", "sr"), ("cp", "cr"), ("gp", "gr"), ("rp", "rr"))))
    print("rerank: the opt-in reranker's held-out figures (RULES_RERANKER; read from rules_spider/reranker/"
          "evaluation.json, made by bench/rerank_experiment.py; pooled threshold, not nested)")
    print(f"crawl: the model's selection with RULES_SKIP_PAGE_KINDS={RULES_SKIP_PAGE_KINDS} (pages of those kinds "
          "yield no rules)")
    rng = random.Random(0)
    paths_by_set: dict[str, list[str]] = defaultdict(list)
    for u in units:
        if u.record.path not in paths_by_set[u.record.set]:
            paths_by_set[u.record.set].append(u.record.path)
    sample = [p for name in sorted(paths_by_set) for p in rng.sample(paths_by_set[name],
                                                                  min(args.pages_per_set, len(paths_by_set[name])))]
    print(f"page-to-rules on {len(sample)} corpus pages:")
    speed_and_volume(sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
