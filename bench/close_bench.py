"""The close step on its own: N rules in part files -> rules.jsonl, clusters, rule files, report.

    .venv/bin/python bench/close_bench.py --rules 10000 --rules 100000 [--formats cursor,windsurf] [--workers N]
        [--profile]

Rules are made from a crawl's rules.jsonl (``--from``, default: the newest bench project output) or, with
none, from a fixed synthetic template, each copy given its own page URL and a distinct word so that
near-duplicate merging keeps them apart, as a big real catalog's are. Each size runs in a fresh process;
prints seconds, the CPU time of the building process and its workers, the RSS before the close step
(imports done, part file written, seed rules freed) and the peak RSS during it (Linux: the peak is reset
through /proc/self/clear_refs once the part file is written; elsewhere the process's lifetime peak), and, sampled from /proc every 0.1 s, the largest build
worker and the summed RSS of the process and its workers. Target (issue 12): 100,000 rules close in
<= 15 s.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from process_tree import process_tree_memory  # noqa: E402

TARGET_SECONDS_100K = 15.0
_WORDS = ("alpha", "bravo", "delta", "gamma", "kappa", "omega", "sigma", "theta", "zeta", "lambda")


def _seed_rules(source: Path | None) -> list[dict]:
    if source is not None and source.is_file():
        return [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    from rules_spider.items import Rule

    rule = Rule(id="0", title="Always close the `Pool` before exiting.", body="Always close the `Pool` before exiting.",
                technology="python", framework="pool", source_name="Pool", url="http://x/", evidence="Always close "
                "the Pool before exiting.", quality_score=0.8)
    return [asdict(rule)]


def make_parts(folder: Path, count: int, seeds: list[dict]) -> Path:
    from rules_spider.ids import rule_id

    rng = random.Random(count)
    part = folder / ".parts" / "bench.jsonl"
    part.parent.mkdir(parents=True, exist_ok=True)
    with part.open("w", encoding="utf-8") as handle:
        for number in range(count):
            rule = dict(seeds[number % len(seeds)])
            word = f"{rng.choice(_WORDS)}{number}"
            rule["url"] = f"{rule['url'].rstrip('/')}/copy{number // len(seeds)}.html"
            rule["urls"] = [rule["url"]]
            rule["evidence"] = f"{rule['evidence']} ({word})"
            rule["body"] = f"{rule['body']} ({word})"
            rule["id"] = rule_id(rule["url"], rule["evidence"])
            handle.write(json.dumps(rule, ensure_ascii=False) + "\n")
    return part


def _status_mib(key: str) -> int | None:
    """A ``VmRSS``/``VmHWM`` figure of /proc/self/status in MiB (None off Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(f"{key}:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def _cpu_seconds() -> float:
    """User and system CPU time of this process and of its ended workers (a pool's are waited for)."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


class _TreeSampler(threading.Thread):
    """Samples this process and its workers every 0.1 s: the largest summed RSS and PSS, and the largest worker."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.tree_kib = self.tree_pss_kib = self.worker_kib = 0

    def run(self) -> None:
        while not self.stop.wait(0.1):
            sample = process_tree_memory(os.getpid())
            self.tree_kib = max(self.tree_kib, sample.rss_kib)
            self.tree_pss_kib = max(self.tree_pss_kib, sample.pss_kib)
            self.worker_kib = max([self.worker_kib, *(rss for role, rss in sample.processes if role == "worker")])


def run_one(count: int, formats: str, source: Path | None, profile: bool, workers: str) -> dict:
    import tempfile

    from rules_spider.catalog import load_catalog
    from rules_spider.config import RulesConfig
    from rules_spider.outputs.finalize import finalize_run
    from scrapy.settings import Settings

    out = Path(tempfile.mkdtemp(prefix="close-bench-"))
    catalog_file = out / "bench.yaml"
    catalog_file.write_text("name: bench\nsources:\n  - url: http://x/\n    name: Pool\n    technology: python\n")
    catalog = load_catalog(str(catalog_file))
    config = RulesConfig.from_settings(
        Settings({"RULES_OUTPUT_DIR": str(out), "RULES_FORMATS": formats, "RULES_CLOSE_WORKERS": workers})
    )
    part = make_parts(config.catalog_dir("bench"), count, _seed_rules(source))
    gc.collect()
    rss_before = _status_mib("VmRSS")
    peak_reset = _reset_peak_rss()
    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    sampler = _TreeSampler()
    sampler.start()
    results = finalize_run(catalog, config, [part], [])
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    sampler.stop.set()
    sampler.join()
    if profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", "25")))
    peak = _status_mib("VmHWM") if peak_reset else None
    return {"rules_in": count, "rules_out": results.total_rules_generated, "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 1), "rss_before_mib": rss_before,
            "peak_rss_mib": peak if peak is not None else round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "tree_peak_rss_mib": sampler.tree_kib // 1024, "tree_peak_pss_mib": sampler.tree_pss_kib // 1024,
            "workers_peak_rss_mib": sampler.worker_kib // 1024 or None,
            "clusters": len(results.clusters)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, action="append", default=[])
    parser.add_argument("--formats", default="cursor,windsurf")
    parser.add_argument("--from", dest="source", type=Path, default=None)
    parser.add_argument("--profile", action="store_true", help="profile the building process (not its workers)")
    parser.add_argument("--workers", default="auto", help="RULES_CLOSE_WORKERS (default auto)")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args()
    if args.source is None:
        found = sorted(BENCH_DIR.glob("results/*/project-autothrottle-off-output/bench/rules.jsonl"))
        args.source = found[-1] if found else None
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.formats, args.source, args.profile, args.workers)))
        return 0
    for count in args.rules or [10_000, 100_000]:
        command = [sys.executable, __file__, "--one", str(count), "--formats", args.formats, "--workers", args.workers]
        if args.source:
            command += ["--from", str(args.source)]
        if args.profile:
            command.append("--profile")
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            print(done.stderr[-3000:])
            return 1
        lines = done.stdout.strip().splitlines()
        if args.profile:
            print("\n".join(lines[:-1]))
        result = json.loads(lines[-1])
        verdict = ""
        if count == 100_000:
            verdict = "OK" if result["seconds"] <= TARGET_SECONDS_100K else "MISSED"
            verdict = f"  target <= {TARGET_SECONDS_100K:.0f} s: {verdict}"
        print(f"{count:>7d} rules -> {result['rules_out']:>7d} kept, {result['clusters']} clusters: "
              f"{result['seconds']:6.1f} s ({result['cpu_seconds']:.1f} CPU-s), "
              f"RSS {result['rss_before_mib']} MiB before, peak {result['peak_rss_mib']} MiB"
              + (f", largest worker {result['workers_peak_rss_mib']} MiB" if result["workers_peak_rss_mib"] else "")
              + f", all processes {result['tree_peak_rss_mib']} MiB RSS ({result['tree_peak_pss_mib']} MiB PSS)"
              + verdict)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
