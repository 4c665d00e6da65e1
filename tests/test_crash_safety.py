"""Crash safety: a crawl killed with SIGKILL leaves the previous output as it was, and the
same JOBDIR resumes without fetching finished pages again (the crawl journal)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from pytest_twisted import ensureDeferred

from rules_spider.journal import CrawlJournal, discard_stale_jobdir, drop_torn_tail, journal_path, read_journal
from tests.crawling import run_crawl
from tests.docs_server import DocsServer
from tests.faults import build_generated_site

ROOT = Path(__file__).resolve().parent.parent
N_PAGES = 40
CONCURRENCY = 2


# --- the journal alone ----------------------------------------------------------------------


def test_journal_round_trip_pending_and_a_torn_last_line(tmp_path):
    path = journal_path(tmp_path)
    journal = CrawlJournal(path)
    journal.started("run-1")
    journal.scheduled("http://h/a", "Src", 0, True)
    journal.scheduled("http://h/b", "Src", 1, False)
    journal.scheduled("http://h/c", "Src", 1, False)
    journal.done("http://h/a")
    journal.done("http://h/c", "errors/timeout")
    with path.open("a") as handle:  # a kill in the middle of a write
        handle.write('["D", "http://h/')
    state = read_journal(path)
    assert state.run_id == "run-1" and not state.clean
    assert [p.url for p in state.pending] == ["http://h/b"]
    assert dict((p.url, o) for p, o in state.outcomes) == {"http://h/a": "page", "http://h/c": "errors/timeout"}
    assert state.scheduled["http://h/a"].start and state.scheduled["http://h/b"].depth == 1

    # The next session starts on a fresh line; a clean close marks the journal clean.
    journal = CrawlJournal(path)
    journal.started("run-1")
    journal.done("http://h/b")
    journal.close()
    state = read_journal(path)
    assert state.clean and state.pending == [] and len(state.done) == 3


def test_no_journal_is_a_clean_empty_state(tmp_path):
    state = read_journal(journal_path(tmp_path))
    assert state.clean and state.run_id is None and state.pending == []


def test_stale_jobdir_entries_are_removed(tmp_path):
    (tmp_path / "requests.queue" / "p0").mkdir(parents=True)
    (tmp_path / "requests.seen").write_text("abc\n")
    (tmp_path / "spider.state").write_bytes(b"x")
    (tmp_path / "rules_spider.journal").write_text("")
    discard_stale_jobdir(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["rules_spider.journal"]


@pytest.mark.parametrize(("data", "kept"), [(b"a\nb\nhalf", b"a\nb\n"), (b"a\n", b"a\n"), (b"", b""), (b"half", b"")])
def test_torn_tail_is_cut(tmp_path, data, kept):
    path = tmp_path / "part.jsonl"
    path.write_bytes(data)
    drop_torn_tail(path)
    assert path.read_bytes() == kept


# --- a real crawl, killed ---------------------------------------------------------------------


def scrapy_crawl(catalog: Path, out: Path, *settings: str) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "docs", "-a", f"catalog={catalog}"]
    for setting in ("AUTOTHROTTLE_ENABLED=0", "LOG_LEVEL=INFO", f"RULES_OUTPUT_DIR={out}", *settings):
        command += ["-s", setting]
    return command


def output_files(catalog_dir: Path) -> dict[str, bytes]:
    """Every output file of the catalog (part files of runs in progress are not output)."""
    return {
        str(p.relative_to(catalog_dir)): p.read_bytes()
        for p in sorted(catalog_dir.rglob("*"))
        if p.is_file() and ".parts" not in p.relative_to(catalog_dir).parts
    }


def complete_lines(directory: Path) -> int:
    return sum(f.read_bytes().count(b"\n") for f in directory.glob("*.jsonl")) if directory.is_dir() else 0


@ensureDeferred
async def test_sigkill_keeps_the_previous_output_and_jobdir_resumes_without_refetching(tmp_path):
    site, out, job = tmp_path / "site", tmp_path / "out", tmp_path / "job"
    pages = build_generated_site(site, N_PAGES)
    with DocsServer(site) as server:
        catalog = tmp_path / "gen.yaml"
        catalog.write_text(
            f"name: gen\nsources:\n  - url: {server.url('/gen/')}\n    name: Gen\n    technology: go\n"
        )
        # 1. A finished run: the output the killed run must not touch.
        await run_crawl({"RULES_OUTPUT_DIR": str(out)}, catalog=str(catalog))
        catalog_dir = out / "gen"
        before = output_files(catalog_dir)
        assert {"rules.jsonl", "batch_results.json"} <= set(before) and any(k.endswith("_rules.md") for k in before)
        clean_rules = sorted((catalog_dir / "rules.jsonl").read_text().splitlines())
        server.hits.clear()

        # 2. `scrapy crawl` with a JOBDIR, slowed down, SIGKILLed once its first rules are in the part file.
        # (The server runs in its own thread, so blocking the reactor here is harmless.)
        slow = [f"JOBDIR={job}", "DOWNLOAD_DELAY=0.1", f"RULES_MAX_CONCURRENT={CONCURRENCY}"]
        log = (tmp_path / "crawl.log").open("w")
        process = subprocess.Popen(scrapy_crawl(catalog, out, *slow), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while complete_lines(catalog_dir / ".parts") < 10:
                assert process.poll() is None, "the crawl ended before it could be killed"
                assert time.monotonic() < deadline
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
        finally:
            process.kill()
            process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        assert output_files(catalog_dir) == before  # byte for byte
        killed_hits = Counter(server.hits)
        journal = read_journal(journal_path(job))
        assert not journal.clean and journal.done and journal.pending
        finished = {url for url, outcome in journal.done.items() if outcome == "page"}
        assert 0 < len(finished) < N_PAGES

        # 3. The same JOBDIR again: finished pages are not fetched again, pending ones are.
        resumed = await run_crawl(
            {"RULES_OUTPUT_DIR": str(out), "JOBDIR": str(job), "RULES_MAX_CONCURRENT": CONCURRENCY}, catalog=str(catalog)
        )
    assert resumed.stats["finish_reason"] == "finished"
    resumed_hits = Counter(server.hits) - killed_hits
    prefix = server.url("")
    assert not [url for url in finished if resumed_hits[url[len(prefix):]]], "a finished page was fetched again"
    assert set(pages) <= set(server.hits)  # every page was fetched, in one run or the other
    # Fetched twice: only pages whose rules had not reached the part file when the crawl was killed.
    refetched = {prefix + p for p in pages if server.hits[p] > 1}
    assert not refetched & finished
    assert sorted((catalog_dir / "rules.jsonl").read_text().splitlines()) == clean_rules
    results = json.loads((catalog_dir / "batch_results.json").read_text())
    assert results["pages_crawled"] == N_PAGES
    assert results["sources"][0]["pages_crawled"] == N_PAGES and not results["sources_failed"]
    assert list((catalog_dir / ".parts").glob("*.jsonl")) == []


def test_one_invalid_rule_in_a_part_does_not_cost_the_run(tmp_path):
    import json as _json

    from rules_spider.catalog import Catalog, DocumentationSource
    from rules_spider.config import RulesConfig
    from rules_spider.outputs.finalize import finalize_run
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("rules_spider.settings")
    settings.set("RULES_OUTPUT_DIR", str(tmp_path / "out"))
    config = RulesConfig.from_settings(settings)
    source = DocumentationSource(url="https://docs.example.org/", name="Ex", technology="python")
    catalog = Catalog("bad", tmp_path / "bad.yaml", (source,))
    good = {"id": "a1", "title": "Close clients", "body": "Always call `Client.close()`.", "technology": "python",
            "framework": None, "source_name": "Ex", "url": "https://docs.example.org/a", "evidence": "Always call Client.close().",
            "quality_score": 0.8, "heuristic_score": 0.8}
    part = tmp_path / "part.jsonl"
    part.write_text(_json.dumps(good) + "\n" + _json.dumps({**good, "id": "b2", "title": ""}) + "\n")
    results = finalize_run(catalog, config, [part], [])
    assert results.total_rules_generated == 1


# --- worker processes of a killed crawl ----------------------------------------------------------


def children_of(pid: int) -> dict[int, str]:
    """Live (not zombie) direct children of ``pid``: pid -> command line."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, ppid = text[text.rindex(")") + 2 :].split()[:2]
        if int(ppid) == pid and state != "Z":
            found[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    return found


def is_alive(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2] != "Z"


def test_worker_processes_exit_when_the_crawl_is_sigkilled(tmp_path, capsys):
    site = tmp_path / "site"
    pages = build_generated_site(site, 80)

    def slow(handler) -> None:
        time.sleep(0.2)
        try:
            SimpleHTTPRequestHandler.do_GET(handler)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawl was killed mid-response

    with DocsServer(site, behaviours=dict.fromkeys(pages, slow)) as server:
        catalog = tmp_path / "gen.yaml"
        catalog.write_text(f"name: gen\nsources:\n  - url: {server.url('/gen/')}\n    name: Gen\n    technology: go\n")
        log = (tmp_path / "crawl.log").open("w")
        command = scrapy_crawl(catalog, tmp_path / "out", "RULES_PROCESS_WORKERS=2", f"RULES_MAX_CONCURRENT={CONCURRENCY}")
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        workers: dict[int, str] = {}
        try:
            deadline = time.monotonic() + 90
            while len([c for c in workers.values() if "spawn_main" in c]) < 2:
                assert process.poll() is None, "the crawl ended before its workers started"
                assert time.monotonic() < deadline, "no worker processes after 90 s"
                time.sleep(0.05)
                workers = children_of(process.pid)
            time.sleep(0.5)  # pages in flight in the workers
            workers = children_of(process.pid)  # the workers and multiprocessing's resource tracker
            process.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            process.wait(timeout=30)
            while [pid for pid in workers if is_alive(pid)] and time.monotonic() - killed < 15:
                time.sleep(0.05)
            survived = time.monotonic() - killed
            left = {pid: cmd for pid, cmd in workers.items() if is_alive(pid)}
        finally:
            process.kill()
            process.wait(timeout=30)
            for pid in workers:  # never leave one behind, whatever the outcome
                if is_alive(pid):
                    os.kill(pid, signal.SIGKILL)
    with capsys.disabled():
        print(f"\n[orphans] {len(workers)} child processes of the killed crawl; {len(left)} alive "
              f"{survived:.2f} s after SIGKILL")
    assert not left, f"still running {survived:.0f} s after the crawl was killed: {left}"
    assert survived < 5
