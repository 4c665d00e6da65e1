"""Time rules_spider.clustering.cluster_rules on many synthetic rules (target: 20,000 in < 30 s).

``python bench/cluster_bench.py [--rules 20000] [--technologies 6] [--repeat 1]``

Rules are built from the same directive sentences as the benchmark corpus
(bench/corpus.py), spread over 100 fake libraries and ``--technologies`` groups,
with the project's ``rule_id``. Their ``quality_score`` is a seeded synthetic
input (clustering averages it into coherence), not a model output.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

from corpus import TECHNOLOGIES, _SourceWriter  # noqa: E402

from rules_spider.clustering import cluster_rules  # noqa: E402
from rules_spider.ids import rule_id  # noqa: E402
from rules_spider.items import Rule  # noqa: E402

TARGET_SECONDS = 30.0
LIBRARIES = 100
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_.()]+")


def synthetic_rules(count: int, technologies: int, seed: int = 7) -> list[Rule]:
    rng = random.Random(seed)
    writers = [_SourceWriter(i, 1, seed) for i in range(1, LIBRARIES + 1)]
    rules = []
    for n in range(count):
        writer = writers[n % LIBRARIES]
        technology = TECHNOLOGIES[writer.index % technologies][0]
        evidence = _TAG.sub("", writer._directive())
        words = _WORD.findall(evidence)
        url = f"http://127.0.0.1/src{writer.index:03d}/page{rng.randrange(50)}.html"
        rules.append(
            Rule(
                id=rule_id(url, evidence),
                title=" ".join(words[:8]),
                body=evidence,
                technology=technology,
                framework=writer.lib,
                source_name=f"src{writer.index:03d}",
                url=url,
                evidence=evidence,
                keywords=sorted({w.lower() for w in words if "." in w})[:5],
                quality_score=round(rng.uniform(0.5, 1.0), 3),
            )
        )
    return rules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=20_000)
    parser.add_argument("--technologies", type=int, default=len(TECHNOLOGIES), choices=range(1, len(TECHNOLOGIES) + 1))
    parser.add_argument("--max-clusters", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)

    rules = synthetic_rules(args.rules, args.technologies)
    timings = []
    for _ in range(args.repeat):
        tick = time.perf_counter()
        clustering = cluster_rules(rules, max_clusters=args.max_clusters, random_state=42)
        timings.append(time.perf_counter() - tick)
    best = min(timings)
    verdict = "OK" if best < TARGET_SECONDS else "MISSED"
    print(
        f"cluster_rules: {len(rules)} rules in {args.technologies} technologies -> {len(clustering.clusters)} clusters "
        f"in {best:.2f} s (best of {args.repeat}; all: {', '.join(f'{t:.2f}' for t in timings)})   "
        f"target < {TARGET_SECONDS:.0f} s   {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
