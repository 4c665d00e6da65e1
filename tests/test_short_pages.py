"""A page is dropped as empty only when it has no content block; a one-sentence page is a page."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_twisted import ensureDeferred

from tests.crawling import run_crawl
from tests.docs_server import DocsServer

SENTENCE = "You should always pin flaky_version in production."
SHORT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Pinning - Flaky docs</title></head>
<body><main><h1>Pinning</h1>
<p>You should always pin <code>flaky_version</code> in production.</p>
<p><a href="headings.html">Headings only</a></p>
</main></body></html>
"""
HEADINGS_ONLY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Headings - Flaky docs</title></head>
<body><main><h1>Headings</h1><h2>Nothing below</h2></main></body></html>
"""


@ensureDeferred
async def test_one_sentence_page_gives_its_rule_and_a_page_without_blocks_is_empty(tmp_path: Path):
    site = tmp_path / "site" / "flaky"
    site.mkdir(parents=True)
    (site / "index.html").write_text(SHORT_PAGE, encoding="utf-8")
    (site / "headings.html").write_text(HEADINGS_ONLY, encoding="utf-8")
    out = tmp_path / "out"
    with DocsServer(tmp_path / "site") as server:
        catalog = tmp_path / "short.yaml"
        catalog.write_text(
            f"sources:\n  - url: {server.url('/flaky/')}\n    name: Flaky\n    technology: python\n",
            encoding="utf-8",
        )
        result = await run_crawl({"RULES_OUTPUT_DIR": str(out), "RULES_REPORT": False}, catalog=str(catalog))
    stats = result.stats
    assert stats["pages/crawled"] == 2
    assert stats["pages/dropped/empty"] == 1  # headings.html: headings, no block
    assert [item.url for item in result.items] == [server.url("/flaky/")]
    rules = [json.loads(line) for line in (out / "short" / "rules.jsonl").read_text().splitlines()]
    assert [rule["evidence"] for rule in rules] == [SENTENCE]
    assert "flaky_version" in rules[0]["body"]
