"""Crawl benchmark: a bare Scrapy crawl vs the full rules-spider pipeline on the same pages.

``python bench/run.py [--sources 100] [--pages 50] [--autothrottle] [--profile]``

Serves the synthetic corpus (bench/corpus.py) from bench/static_server.py in its
own process, then runs, each in a fresh subprocess so its peak RSS is its own:

(a) ``bare``: bench/bare_spider.py, no pipelines, Scrapy's dupefilter drops known links;
(a') ``bare-seen``: the same spider skipping links it already requested (as the
     project's spider does), the stricter baseline;
(b) ``project``: ``scrapy crawl docs`` with the default generator and every format;

with AutoThrottle off, and also on with ``--autothrottle``. Prints pages/s, the
(b)/(a) ratio, end-to-end wall time, peak RSS, rules written and clustering
time next to the targets (ratios against both baselines), and writes them to bench/results/<timestamp>.json.
``--profile`` adds one more (b) run under py-spy and writes
bench/results/profile.speedscope.json and bench/results/profile_top.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
sys.path.insert(0, str(BENCH_DIR))

from corpus import DEFAULT_OUT, SourceInfo, generate, is_dense, load_manifest  # noqa: E402
from nginx_server import available as nginx_available  # noqa: E402
from nginx_server import start_nginx  # noqa: E402
from process_tree import process_tree_memory  # noqa: E402
from profile_top import top_functions  # noqa: E402
from static_server import LOOPBACK_HOSTS_MAX, host_address, start_server, stop_server  # noqa: E402

ALL_FORMATS = "cursor,windsurf,agents,claude,copilot,cline,llms_txt"
CATALOG_NAME = "bench"
COMMON_SETTINGS = {
    "RULES_MAX_PAGES_PER_SOURCE": "1000",
    "RULES_MAX_CONCURRENT": "32",
    "RULES_MAX_CONCURRENT_PER_DOMAIN": "8",
    "LOG_LEVEL": "INFO",
    "ROBOTSTXT_OBEY": "False",
}
# The bare crawl has no RULES_* add-on: the same concurrency in Scrapy's own names.
BARE_CONCURRENCY = {"CONCURRENT_REQUESTS": "32", "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}

MODES = ("bare", "bare-seen", "project")
BASELINES = ("bare", "bare-seen")
# Issue 12's targets, on the dense corpus with AutoThrottle off: pages/s >= 1.0x the bare crawl and >= 0.7x
# the bare crawl that skips known links; the largest process <= 400 MiB, all of them together <= 800 MiB.
TARGET_RATIOS = {"bare": 1.0, "bare-seen": 0.7}
TARGET_WALL_SECONDS = 180.0
TARGET_PROCESS_RSS_MIB = 400.0
TARGET_RSS_MIB = 800.0
TARGET_SCALE = (100, 50)  # the wall-time and memory targets are for 100 sources x 50 pages


def _catalog_yaml(sources: list[SourceInfo], port: int, hosts: int) -> str:
    lines = [f"name: {CATALOG_NAME}", "description: rules-spider benchmark corpus served on 127.0.0.0/8", "sources:"]
    for number, source in enumerate(sources):
        host = host_address(number % hosts)
        lines += [
            f"  - url: http://{host}:{port}/{source.dir}/",
            f"    name: {source.name}",
            f"    technology: {source.technology}",
            f"    framework: {source.framework}",
            "    priority: 3",
        ]
    return "\n".join(lines) + "\n"


def _ensure_corpus(root: Path, sources: int, pages: int, sites: list[Path], dense: bool) -> list[SourceInfo]:
    if (root / "manifest.json").is_file():
        manifest = load_manifest(root)
        synthetic = [s for s in manifest if s.flavor != "site"]
        extra = [s for s in manifest if s.flavor == "site"]
        if (len(synthetic) == sources and all(s.pages == pages for s in synthetic) and len(extra) == len(sites)
                and is_dense(root) == dense):
            return manifest
    print(f"generating {'dense ' if dense else ''}corpus: {sources} sources x {pages} pages -> {root}", flush=True)
    return generate(root, sources, pages, sites=sites, dense=dense)


def _run_measured(command: list[str], log_path: Path, timeout: float) -> dict[str, Any]:
    """Run ``command`` (cwd: project root), wait for it with wait4 and return wall time, exit code, peak RSS.

    ``peak_rss_mib`` is wait4's ru_maxrss: the largest single process of the run (the
    crawl, or a worker it reaped). ``peak_tree_rss_mib`` samples the sum of VmRSS over the
    process and its children every 0.25 s, ``peak_tree_pss_mib`` the sum of their Pss (shared pages
    split among the processes that map them, not counted in each): what the run needs from the
    machine at once.
    """
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    peak_tree_kib, peak_tree_at, peak_tree_processes = 0, 0.0, []
    peak_tree_pss_kib = 0
    peak_process_kib = 0
    next_sample = 0.0
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            if time.perf_counter() >= next_sample:
                sample = process_tree_memory(process.pid)
                if sample.rss_kib > peak_tree_kib:
                    peak_tree_kib, peak_tree_at = sample.rss_kib, time.perf_counter() - started
                    peak_tree_processes = sample.processes
                peak_tree_pss_kib = max(peak_tree_pss_kib, sample.pss_kib)
                peak_process_kib = max(peak_process_kib, sample.largest_hwm_kib)
                next_sample = time.perf_counter() + 0.25
            time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4; keep Popen consistent
    return {
        "wall_seconds": time.perf_counter() - started,
        "exit_code": process.returncode,
        # Linux reports ru_maxrss in KiB; wait4 gives this child's own peak (and its reaped children's).
        "peak_rss_mib": usage.ru_maxrss / 1024,
        "peak_tree_rss_mib": peak_tree_kib / 1024,
        "peak_tree_pss_mib": peak_tree_pss_kib / 1024,
        # when the tree peaked (seconds into the run) and what each of its processes held then
        "peak_tree_at_seconds": round(peak_tree_at, 2),
        "peak_tree_processes_mib": [[role, round(rss / 1024)] for role, rss in sorted(peak_tree_processes)],
        # the largest single process of the tree at any sample (workers are never reaped by wait4 here)
        "peak_process_rss_mib": max(peak_process_kib, usage.ru_maxrss) / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "timed_out": time.perf_counter() - started > timeout,
        # Other work on the machine skews wall-clock figures; the load average says how much.
        "loadavg_1min_before": load_before,
        "loadavg_1min_after": os.getloadavg()[0],
    }


def _tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


def run_crawl(
    mode: str,
    autothrottle: bool,
    catalog: Path,
    run_dir: Path,
    timeout: float,
    profile_to: Path | None = None,
    extra_settings: dict[str, str] | None = None,
) -> dict[str, Any]:
    label = f"{mode}-autothrottle-{'on' if autothrottle else 'off'}" + ("-profiled" if profile_to else "")
    stats_path = run_dir / f"{label}.stats.json"
    log_path = run_dir / f"{label}.log"
    settings = dict(COMMON_SETTINGS, AUTOTHROTTLE_ENABLED=str(autothrottle))
    output_dir = run_dir / f"{label}-output"
    if mode in BASELINES:
        settings.update(BARE_CONCURRENCY)
    else:
        settings.update(RULES_FORMATS=ALL_FORMATS, RULES_OUTPUT_DIR=str(output_dir), RULES_GENERATOR="extractive")
    settings.update(extra_settings or {})
    command = [sys.executable, str(BENCH_DIR / "crawl_runner.py"), mode, "--catalog", str(catalog),
               "--stats-out", str(stats_path)]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    if profile_to is not None:
        py_spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
        if py_spy is None:
            raise SystemExit("--profile needs py-spy: /work/main/.venv/bin/pip install py-spy")
        command = [py_spy, "record", "--subprocesses", "--format", "speedscope", "--rate", "100", "-o", str(profile_to), "--"] + command
    print(f"  running {label} ...", flush=True)
    result: dict[str, Any] = {"mode": mode, "autothrottle": autothrottle, "log": str(log_path)}
    result.update(_run_measured(command, log_path, timeout))
    if result["exit_code"] != 0 or not stats_path.is_file():
        result["error"] = _tail(log_path)
        print(f"  {label} FAILED (exit {result['exit_code']}); last lines of {log_path}:\n{result['error']}", flush=True)
        return result
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    pages = int(stats.get("downloader/response_status_count/200", 0))
    crawl_seconds = float(stats.get("elapsed_time_seconds") or result["wall_seconds"])
    result.update(
        pages=pages,
        requests=int(stats.get("downloader/request_count", 0)),
        crawl_seconds=crawl_seconds,
        pages_per_second=pages / crawl_seconds if crawl_seconds else None,
        end_to_end_pages_per_second=pages / result["wall_seconds"],
        pages_per_cpu_second=pages / result["cpu_seconds"] if result["cpu_seconds"] else None,
        finish_reason=stats.get("finish_reason"),
        scrapy_memusage_max_mib=(stats["memusage/max"] / 2**20) if "memusage/max" in stats else None,
        log_errors=int(stats.get("log_count/ERROR", 0)),
    )
    if mode == "project":
        result.update(_project_outputs(output_dir / CATALOG_NAME))
    return result


def _project_outputs(out: Path) -> dict[str, Any]:
    found: dict[str, Any] = {"output_dir": str(out)}
    rules = out / "rules.jsonl"
    found["rules_written"] = sum(1 for line in rules.open(encoding="utf-8") if line.strip()) if rules.is_file() else None
    batch = out / "batch_results.json"
    if batch.is_file():
        data = json.loads(batch.read_text(encoding="utf-8"))
        found["clustering_seconds"] = data.get("clustering_seconds")
        found["total_rules_generated"] = data.get("total_rules_generated")
        found["clusters"] = len(data.get("clusters") or [])
        found["sources_failed"] = len(data.get("sources_failed") or [])
    else:
        found["clustering_seconds"] = None
    found["report_html"] = (out / "report.html").is_file()
    return found


def _fmt(value: Any, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def summarise(runs: list[dict[str, Any]], scale: tuple[int, int]) -> tuple[list[dict[str, Any]], str]:
    at_full_scale = scale == TARGET_SCALE
    lines = []
    header = (f"{'run':32s} {'pages':>6s} {'pages/s':>8s} {'crawl s':>8s} {'wall s':>7s} {'CPU s':>7s} {'RSS MiB':>7s} {'tree RSS':>8s} "
              f"{'rules':>7s} {'cluster s':>9s} {'load':>5s}")
    lines += [header, "-" * len(header)]
    for run in runs:
        label = f"{run['mode']} (AutoThrottle {'on' if run['autothrottle'] else 'off'})"
        if "error" in run:
            lines.append(f"{label:32s} FAILED exit {run['exit_code']} after {run['wall_seconds']:.0f} s (see {run['log']})")
            continue
        lines.append(
            f"{label:32s} {run['pages']:6d} {_fmt(run['pages_per_second']):>8s} {_fmt(run['crawl_seconds']):>8s} "
            f"{_fmt(run['wall_seconds']):>7s} {_fmt(run['cpu_seconds']):>7s} {_fmt(run['peak_rss_mib'], '.0f'):>7s} {_fmt(run['peak_tree_rss_mib'], '.0f'):>8s} "
            f"{_fmt(run.get('rules_written'), 'd') if run['mode'] == 'project' else '':>7s} "
            f"{_fmt(run.get('clustering_seconds'), '.2f') if run['mode'] == 'project' else '':>9s} "
            f"{run['loadavg_1min_before']:5.1f}"
        )
    comparisons = []
    verdict = lambda ok: "n/a at this scale" if ok is None else ("OK" if ok else "MISSED")  # noqa: E731
    for autothrottle in (False, True):
        ok_runs = [r for r in runs if r["autothrottle"] == autothrottle and "error" not in r]
        project = next((r for r in ok_runs if r["mode"] == "project"), None)
        if project is None:
            continue
        comparison: dict[str, Any] = {"autothrottle": autothrottle}
        lines += ["", f"AutoThrottle {'on' if autothrottle else 'off'}:"]
        for baseline in BASELINES:
            base = next((r for r in ok_runs if r["mode"] == baseline), None)
            ratio = project["pages_per_second"] / base["pages_per_second"] if base and base["pages_per_second"] else None
            comparison[f"ratio_project_to_{baseline}"] = ratio
            target = TARGET_RATIOS[baseline]
            comparison[f"ratio_to_{baseline}_ok"] = None if ratio is None else ratio >= target
            cpu_ratio = (project["pages_per_cpu_second"] / base["pages_per_cpu_second"]
                         if base and base.get("pages_per_cpu_second") else None)
            comparison[f"cpu_ratio_project_to_{baseline}"] = cpu_ratio
            lines.append(f"  pages/s ratio (b)/({baseline:9s}) {_fmt(ratio, '.2f'):>7s}     target >= {target}             "
                         f"{'not run' if ratio is None else verdict(ratio >= target)}"
                         f"   (per CPU-second: {_fmt(cpu_ratio, '.2f')})")
        comparison.update(
            end_to_end_seconds=project["wall_seconds"],
            end_to_end_ok=project["wall_seconds"] < TARGET_WALL_SECONDS if at_full_scale else None,
            peak_rss_mib=project["peak_rss_mib"],
            peak_tree_rss_mib=project["peak_tree_rss_mib"],
            peak_tree_pss_mib=project.get("peak_tree_pss_mib"),
            # The machine must hold the crawl and its workers at once: the target is on the summed tree.
            peak_process_rss_mib=project["peak_process_rss_mib"],
            peak_rss_ok=project["peak_tree_rss_mib"] <= TARGET_RSS_MIB if at_full_scale else None,
            peak_process_rss_ok=project["peak_process_rss_mib"] <= TARGET_PROCESS_RSS_MIB if at_full_scale else None,
        )
        comparisons.append(comparison)
        lines.append(f"  end-to-end wall time        {project['wall_seconds']:7.1f} s   target < {TARGET_WALL_SECONDS:.0f} s at 100x50     {verdict(comparison['end_to_end_ok'])}")
        lines.append(f"  largest process peak RSS    {project['peak_process_rss_mib']:7.0f} MiB target <= {TARGET_PROCESS_RSS_MIB:.0f} MiB at 100x50 "
                     f"{verdict(comparison['peak_process_rss_ok'])}")
        lines.append(f"  all processes (tree) RSS    {project['peak_tree_rss_mib']:7.0f} MiB target <= {TARGET_RSS_MIB:.0f} MiB at 100x50 "
                     f"{verdict(comparison['peak_rss_ok'])}")
        lines.append(f"  all processes (tree) PSS    {_fmt(project.get('peak_tree_pss_mib'), '7.0f')} MiB (shared pages "
                     "split among the processes that map them)")
        held = " + ".join(f"{role} {mib}" for role, mib in project.get("peak_tree_processes_mib", []))
        if held:
            lines.append(f"    at {project['peak_tree_at_seconds']:.1f} s of {project['wall_seconds']:.1f} s: {held} MiB")
        lines.append(f"  clustering                  {_fmt(project.get('clustering_seconds'), '7.2f')} s")
    return comparisons, "\n".join(lines)


def profile_once(catalog: Path, run_dir: Path, timeout: float, extra_settings: dict[str, str]) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    profile_path = RESULTS_DIR / "profile.speedscope.json"
    result = run_crawl("project", False, catalog, run_dir, timeout, profile_to=profile_path, extra_settings=extra_settings)
    if "error" in result or not profile_path.is_file():
        print("profiling run failed; no profile written")
        return
    top = top_functions(profile_path, 15)
    header = (f"py-spy profile of the full crawl ({result['pages']} pages, {result['wall_seconds']:.0f} s wall, "
              f"AutoThrottle off), top 15 by own time\nspeedscope file: {profile_path}\n\n")
    (RESULTS_DIR / "profile_top.txt").write_text(header + top, encoding="utf-8")
    print("\n" + header + top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--corpus", type=Path, default=None, help="default: bench/corpus (regenerated when the size differs)")
    parser.add_argument("--site", type=Path, action="append", default=[], help="also crawl this local HTML tree as a source")
    parser.add_argument("--hosts", type=int, default=None,
                        help="spread sources over 127.0.0.1..127.0.0.H (default: one host per source, up to 250; 1 = all on 127.0.0.1)")
    parser.add_argument("--autothrottle", action="store_true", help="also run both crawls with AutoThrottle on")
    parser.add_argument("--dense", action="store_true", help="the directive-dense corpus variant (issue 12's targets)")
    parser.add_argument("--server", choices=("nginx", "twisted"), default="nginx" if nginx_available() else "twisted",
                        help="what serves the corpus (nginx costs the machine least; default when installed)")
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated crawls to run, of {', '.join(MODES)}")
    parser.add_argument("--profile", action="store_true", help="also profile one full crawl with py-spy")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a crawl is killed")
    parser.add_argument("-s", "--set", dest="extra", action="append", default=[], metavar="NAME=VALUE",
                        help="one more Scrapy setting for every crawl (experiments, e.g. -s CONCURRENT_ITEMS=8)")
    args = parser.parse_args(argv)

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if unknown := set(modes) - set(MODES):
        parser.error(f"unknown --modes {', '.join(sorted(unknown))}; choose from {', '.join(MODES)}")
    extra = dict(pair.split("=", 1) for pair in args.extra if "=" in pair)
    if len(extra) != len(args.extra):
        parser.error("-s expects NAME=VALUE")
    corpus_root = args.corpus or DEFAULT_OUT
    sites = [s for s in args.site if (s / "index.html").is_file()]
    for skipped in set(args.site) - set(sites):
        print(f"skipping --site {skipped}: no index.html there (is the package installed?)")
    sources = _ensure_corpus(corpus_root, args.sources, args.pages, sites, args.dense)
    hosts = args.hosts or min(len(sources), LOOPBACK_HOSTS_MAX)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    run_dir = RESULTS_DIR / stamp
    run_dir.mkdir(parents=True)

    server, port = start_nginx(corpus_root, hosts) if args.server == "nginx" else start_server(corpus_root, hosts)
    try:
        catalog = run_dir / f"{CATALOG_NAME}.yaml"
        catalog.write_text(_catalog_yaml(sources, port, hosts), encoding="utf-8")
        total_pages = sum(s.pages for s in sources)
        print(f"corpus: {len(sources)} sources, {total_pages} pages on {hosts} loopback host(s), port {port}; logs in {run_dir}")
        runs = []
        for autothrottle in (False, True) if args.autothrottle else (False,):
            for mode in modes:
                runs.append(run_crawl(mode, autothrottle, catalog, run_dir, args.timeout, extra_settings=extra))
        if args.profile:
            profile_once(catalog, run_dir, args.timeout, extra)
    finally:
        stop_server(server)

    comparisons, table = summarise(runs, (args.sources, args.pages) if not sites else (-1, -1))
    print("\n" + table)
    report = {
        "timestamp": stamp,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "corpus": {"sources": len(sources), "pages_per_source": args.pages, "total_pages": total_pages, "dense": args.dense,
                   "sites": [str(s) for s in sites], "hosts": hosts},
        "settings": {**COMMON_SETTINGS, **extra},
        "formats": ALL_FORMATS,
        "server": args.server,
        "targets": {"ratios_min": TARGET_RATIOS, "wall_seconds_max_at_100x50": TARGET_WALL_SECONDS,
                    "peak_process_rss_mib_max": TARGET_PROCESS_RSS_MIB, "peak_tree_rss_mib_max": TARGET_RSS_MIB},
        "runs": runs,
        "comparisons": comparisons,
    }
    out = RESULTS_DIR / f"{stamp}.json"
    out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"\nwritten to {out}")
    return 0 if all("error" not in r for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
