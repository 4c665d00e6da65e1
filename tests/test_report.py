from __future__ import annotations

import dataclasses
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rules_spider.outputs.build import build_outputs
from rules_spider.outputs.report import safe_href
from rules_spider.settings import RULES_WRITERS
from rules_spider.writers.base import WriterRegistry
from tests.test_outputs_build import CATALOG, CRAWL
from tests.test_outputs_fixtures import sample_rules, write_rules_jsonl

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def hostile_rules():
    rules = sample_rules(120)
    rules[0] = dataclasses.replace(
        rules[0],
        title='<script>alert("t")</script> & <b>bold</b>',
        body="Use <img src=x onerror=alert(1)> carefully & \"quote\".",
        url="javascript:alert(1)",
        urls=[],
        quality_score=1.0,
    )
    rules[1] = dataclasses.replace(rules[1], source_name="<i>Evil</i> Docs", quality_score=0.999)
    return rules


@pytest.fixture(scope="module")
def report_path(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "frameworks"
    source = write_rules_jsonl(out / "rules.jsonl", hostile_rules())
    build_outputs(source, out, CATALOG, ["cursor"], CRAWL, None, WriterRegistry(RULES_WRITERS))
    return out / "report.html"


def test_report_is_self_contained_and_escaped(report_path):
    html = report_path.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert "&lt;i&gt;Evil&lt;/i&gt; Docs" in html
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', html))
    assert not re.search(r'\s(src|href)="(?!https?://)[a-z]+:', html)
    assert not re.search(r"<link|@import|url\(", html)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    for heading in ("Sources", "Rule quality", "Clusters", "Map of rule clusters", "Top rules per technology"):
        assert f"<h2>{heading}</h2>" in html
    assert html.count("<svg") >= 2 + 3  # histogram, clusters, one map per technology
    assert "robots.txt forbids /" in html


def test_safe_href():
    assert safe_href("https://e.org/a?b=1&c=<2>") == "https://e.org/a?b=1&amp;c=&lt;2&gt;"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//e.org/x", "file:///etc/passwd", "http://"):
        assert safe_href(bad) is None


def render_in_chromium(url: str, screenshot: Path) -> dict:
    """Load ``url`` and screenshot it; runs in its own thread (no asyncio loop of the test run)."""
    from playwright.sync_api import Error, sync_playwright

    result: dict = {"console": [], "failed_requests": []}
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as exc:
            result["launch_error"] = str(exc)
            return result
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: result["console"].append(f"{m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: result["console"].append(f"pageerror: {e}"))
            page.on("requestfailed", lambda r: result["failed_requests"].append(r.url))
            page.goto(url, wait_until="load")
            result["title"] = page.title()
            result["circles"] = page.locator("svg circle").count()
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return result


def test_report_renders_in_headless_chromium(report_path, tmp_path):
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is needed for this test: apt-get install chromium"
    shot = tmp_path / "report.png"
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(render_in_chromium, report_path.as_uri(), shot).result(timeout=120)
    assert "launch_error" not in result, f"chromium does not start here: {result.get('launch_error')}"
    assert result["title"] == "Rules report: frameworks"
    assert result["circles"] == 120
    assert result["console"] == []
    assert result["failed_requests"] == []
    assert shot.stat().st_size > 10_000


def test_report_lists_rules_left_out_by_budgets(tmp_path):
    import dataclasses

    from rules_spider.clustering import cluster_rules
    from rules_spider.outputs.build import build_outputs
    from rules_spider.outputs.batch_results import CatalogInfo, SourceInfo
    from rules_spider.settings import RULES_WRITERS
    from rules_spider.writers.base import WriterRegistry
    from tests.rule_sets import fixed_rules
    from tests.test_outputs_fixtures import write_rules_jsonl

    rules = fixed_rules()
    rules[0] = dataclasses.replace(rules[0], body="word " * 3000)
    out = tmp_path / "tools"
    rules_file = write_rules_jsonl(out / "rules.jsonl", rules)
    catalog = CatalogInfo("tools", ("python",), (SourceInfo("Quillpy", "python", "https://docs.quillpy.example/"),))
    build_outputs(rules_file, out, catalog, ["windsurf", "cursor"], None, None, WriterRegistry(RULES_WRITERS))
    html = (out / "report.html").read_text()
    section = html[html.index("Left out by size budgets"):]
    assert rules[0].title in section and "windsurf" in section
    assert cluster_rules(rules).rules  # the other rules are still in the tree
