"""Same input, same output: two crawls of one site whose pages arrive in different orders write the same bytes."""

from __future__ import annotations

import json
import time
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

from pytest_twisted import ensureDeferred

from tests.crawling import run_crawl
from tests.docs_server import DocsServer
from tests.test_distributed import page_paths
from tests.test_end_to_end import CATALOG, SITES

# batch_results.json fields that say when and how fast a run went, not what it found.
TIMING_FIELDS = {"started_at", "finished_at", "built_at", "clustering_seconds"}


class Delays:
    """Holds back the pages crawled first (the start pages and their links) when switched on."""

    def __init__(self) -> None:
        self.on = False

    def __call__(self, handler: SimpleHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        if self.on and path.count("/") <= 3 and not path.endswith(("/sphinx/", "/mkdocs/")):
            time.sleep(0.4)
        SimpleHTTPRequestHandler.do_GET(handler)


def output_bytes(catalog_dir: Path) -> dict[str, bytes]:
    files = {name: (catalog_dir / name).read_bytes() for name in ("rules.jsonl", "pages.jsonl")}
    for path in sorted(catalog_dir.glob("*/*_cluster_*/*")):
        files[str(path.relative_to(catalog_dir))] = path.read_bytes()
    results = json.loads((catalog_dir / "batch_results.json").read_text())
    files["batch_results.json"] = json.dumps({k: v for k, v in results.items() if k not in TIMING_FIELDS}).encode()
    return files


@ensureDeferred
async def test_two_crawls_in_different_page_orders_write_the_same_bytes(tmp_path: Path):
    delays = Delays()
    with DocsServer(SITES, behaviours=dict.fromkeys(page_paths(), delays)) as server:
        catalog = tmp_path / "fixture.yaml"
        catalog.write_text(CATALOG.format(sphinx=server.url("/sphinx/"), mkdocs=server.url("/mkdocs/")))
        formats = {"RULES_FORMATS": "cursor,windsurf,agents,llms_txt", "RULES_REPORT": False}
        one_by_one = await run_crawl(
            {**formats, "RULES_OUTPUT_DIR": str(tmp_path / "a"), "RULES_MAX_CONCURRENT": 1}, catalog=str(catalog)
        )
        delays.on = True
        all_at_once = await run_crawl(
            {**formats, "RULES_OUTPUT_DIR": str(tmp_path / "b"), "RULES_MAX_CONCURRENT": 16,
             "RULES_MAX_CONCURRENT_PER_DOMAIN": 16},
            catalog=str(catalog),
        )  # fmt: skip
    assert one_by_one.urls != all_at_once.urls and sorted(one_by_one.urls) == sorted(all_at_once.urls)
    first, second = output_bytes(tmp_path / "a" / "fixture"), output_bytes(tmp_path / "b" / "fixture")
    assert len(first) > 10
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def dup_site(root: Path) -> None:
    """Two URLs of one page, and two pages that share one sentence (the same rule, twice)."""
    def page(title: str, body: str, links: str = "") -> str:
        return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><main><h1>{title.split(' -')[0]}</h1>"
                f"{body}{links}</main></body></html>")  # fmt: skip

    guide = "<p>You must set <code>timeout=</code> on every <code>Client</code> you create.</p>"
    shared = "<p>You should always call <code>Client.close()</code> when the session ends.</p>"
    files = {
        "index.html": page("Docs", "<p>Reference pages.</p>", "".join(
            f'<p><a href="{href}">{href}</a></p>'
            for href in ("guide.html", "copies/guide-print.html", "close-a.html", "close-b.html"))),
        "guide.html": page("Guide - Docs", guide),
        "copies/guide-print.html": page("Guide - Docs (print)", guide),
        "close-a.html": page("Sessions - Docs", shared + "<p>Sessions hold a connection pool.</p>"),
        "close-b.html": page("Cookies - Docs", shared + "<p>A session keeps cookies between requests.</p>"),
    }
    for name, html in files.items():
        (root / "dup" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "dup" / name).write_text(html, encoding="utf-8")


class HoldBack:
    def __init__(self) -> None:
        self.paths: set[str] = set()

    def __call__(self, handler: SimpleHTTPRequestHandler) -> None:
        if handler.path in self.paths:
            time.sleep(0.5)
        SimpleHTTPRequestHandler.do_GET(handler)


@ensureDeferred
async def test_duplicate_pages_and_shared_rules_do_not_depend_on_arrival_order(tmp_path: Path):
    dup_site(tmp_path / "site")
    hold = HoldBack()
    pages = ["/dup/guide.html", "/dup/copies/guide-print.html", "/dup/close-a.html", "/dup/close-b.html"]
    outputs, orders = [], []
    with DocsServer(tmp_path / "site", behaviours=dict.fromkeys(pages, hold)) as server:
        catalog = tmp_path / "dup.yaml"
        catalog.write_text(f"sources:\n  - url: {server.url('/dup/')}\n    name: Dup\n    technology: python\n")
        for run, held in enumerate([{pages[0], pages[2]}, {pages[1], pages[3]}]):
            hold.paths = held
            result = await run_crawl(
                {"RULES_OUTPUT_DIR": str(tmp_path / f"run{run}"), "RULES_REPORT": False, "RULES_FORMATS": "cursor"},
                catalog=str(catalog),
            )
            assert result.stats["pages/dropped/duplicate"] == 1
            orders.append(result.urls)  # the order pages came through the pipelines
            outputs.append(output_bytes(tmp_path / f"run{run}" / "dup"))
        guide = server.url("/dup/guide.html")
    assert orders[0] != orders[1]
    assert outputs[0] == outputs[1]
    rules = [json.loads(line) for line in outputs[0]["rules.jsonl"].splitlines()]
    # The shorter URL of the two copies is the page kept; the shared sentence is one rule for both pages.
    assert guide in {rule["url"] for rule in rules}
    assert not [rule for rule in rules if "guide-print" in rule["url"]]
    shared = [rule for rule in rules if "Client.close()" in rule["evidence"]]
    assert len(shared) == 1 and len(shared[0]["urls"]) == 2


@ensureDeferred
async def test_a_second_crawl_of_an_unchanged_site_shows_no_improvement(tmp_path: Path):
    dup_site(tmp_path / "site")
    out = tmp_path / "out"
    with DocsServer(tmp_path / "site") as server:
        catalog = tmp_path / "dup.yaml"
        catalog.write_text(f"sources:\n  - url: {server.url('/dup/')}\n    name: Dup\n    technology: python\n")
        for _ in range(2):
            await run_crawl({"RULES_OUTPUT_DIR": str(out), "RULES_REPORT": False, "RULES_FORMATS": "cursor"},
                            catalog=str(catalog))  # fmt: skip
        kept = [server.url(f"/dup/{name}") for name in ("", "close-a.html", "close-b.html", "guide.html")]
    pages = [json.loads(line) for line in (out / "dup" / "pages.jsonl").read_text().splitlines()]
    assert [p["url"] for p in pages] == sorted(kept)  # the printable copy is not a page of its own
    metrics = json.loads((out / "dup" / "batch_results.json").read_text())["quality_metrics"]
    assert metrics["improvement_score"] == 0.0 and metrics["semantic_richness"] > 0
