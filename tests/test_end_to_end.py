"""One crawl of both fixture sites with the default generator, all formats, through every stage.

Checks the output contract of DESIGN.md, grounding of every rule in its page,
no boilerplate, that build-rules and the Python API produce the same files,
and that feedback changes what the next crawl keeps.
"""

from __future__ import annotations

import json

from rules_spider.rulemodel.persistence import load_rule_model
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pytest_twisted import ensureDeferred

from rules_spider.extraction import extract_page
from tests.crawling import run_crawl

SITES = Path(__file__).parent / "sites"
ROOT = Path(__file__).parent.parent
FORMATS = ["cursor", "windsurf", "agents", "claude", "copilot", "cline", "llms_txt"]
PLANTED = json.loads((SITES / "planted.json").read_text())
FILLER = ["Follow documented best practices", "best practices", "Follow the documentation", "as an AI"]

CATALOG = """\
name: fixture
sources:
  - url: {sphinx}
    name: Pyrite
    technology: python
    framework: pyrite
    priority: 4
    deny: ['changelog']
  - url: {mkdocs}
    name: Flowkit
    technology: typescript
    framework: flowkit
    priority: 3
    deny: ['/blog/', 'js-rendered']
"""


def settings_for(out: Path) -> dict:
    # One worker process: the production path (page analysis beside the crawl).
    return {"RULES_OUTPUT_DIR": str(out), "RULES_FORMATS": ",".join(FORMATS), "RULES_PROCESS_WORKERS": 1}


@pytest.fixture(scope="module")
def fixture_catalog(docs_server, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("catalog") / "fixture.yaml"
    path.write_text(CATALOG.format(sphinx=docs_server.url("/sphinx/"), mkdocs=docs_server.url("/mkdocs/")))
    return path


def rule_files(catalog_dir: Path) -> dict[str, str]:
    return {
        str(p.relative_to(catalog_dir)): p.read_text()
        for p in sorted(catalog_dir.glob("*/*_cluster_*/*_rules*"))
    }


def page_text(docs_server, url: str) -> str:
    path = url[len(docs_server.url("/")):]
    file = SITES / (path + "index.html" if path.endswith("/") else path)
    return extract_page(file.read_text(encoding="utf-8"), url).text


def frontmatter(text: str) -> dict:
    match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    assert match, text[:200]
    return yaml.safe_load(match.group(1))


@ensureDeferred
async def test_full_crawl_writes_the_output_contract(docs_server, fixture_catalog, tmp_path):
    out = tmp_path / "out"
    result = await run_crawl(settings_for(out), catalog=str(fixture_catalog))
    catalog_dir = out / "fixture"
    stats = result.stats
    assert stats["finish_reason"] == "finished"
    assert stats["rules/process_workers"] == 1
    assert stats["pages/dropped/duplicate"] == 1  # print.html
    assert stats["pages/dropped/empty"] == 1  # empty.html

    results = json.loads((catalog_dir / "batch_results.json").read_text())
    for key in ["sources_processed", "sources_failed", "pages_crawled", "total_rules_generated", "clusters",
                "quality_metrics", "generator", "started_at", "finished_at"]:
        assert key in results, key
    assert results["sources_processed"] == 2 and results["sources_failed"] == []
    assert results["generator"] == "extractive"
    assert results["quality_model"] == load_rule_model(None).card.model_version  # the shipped rule model
    assert set(results["quality_metrics"]) >= {"overall_coherence", "technology_coverage", "rule_diversity",
                                                "semantic_richness", "improvement_score"}
    assert results["quality_metrics"]["technology_coverage"] == 1.0

    rules = [json.loads(line) for line in (catalog_dir / "rules.jsonl").read_text().splitlines()]
    assert len(rules) == results["total_rules_generated"] > 40
    texts: dict[str, str] = {}
    for rule in rules:
        for key in ["id", "title", "body", "technology", "framework", "source_name", "url", "evidence", "quality_score", "cluster"]:
            assert rule.get(key) is not None, (key, rule)
        text = texts.setdefault(rule["url"], page_text(docs_server, rule["url"]))
        assert " ".join(rule["evidence"].split()) in " ".join(text.split()), rule
    assert {r["technology"] for r in rules} == {"python", "typescript"}

    # Planted directives are captured; decoys and filler never are.
    all_output = "\n".join(p.read_text() for p in catalog_dir.rglob("*.md"))
    evidence = " ".join(" ".join(r["evidence"].split()) for r in rules)
    crawled = [p for p in PLANTED if p != "boilerplate" and not p.startswith(("sphinx/private", "sphinx/print", "mkdocs/js-"))]
    planted = [s["sentence"] for page in crawled for s in PLANTED[page]]
    captured = [s for s in planted if " ".join(s.split()) in evidence]
    assert len(captured) / len(planted) >= 0.8, set(planted) - set(captured)
    for decoy in PLANTED["boilerplate"]:
        assert decoy not in evidence
    for filler in FILLER:
        assert filler.lower() not in all_output.lower()

    # The seed tree: every format for every technology, with metadata, valid for its assistant.
    for cluster in results["clusters"]:
        tech, n = cluster["technology"], cluster["cluster_id"]
        for fmt in FORMATS:
            folder = catalog_dir / tech / f"{tech}_{fmt}_cluster_{n}"
            suffix = {"cursor": ".mdc", "copilot": ".instructions.md", "llms_txt": ".txt"}.get(fmt, ".md")
            assert (folder / f"{tech}_{fmt}_rules{suffix}").is_file(), folder
            meta = json.loads((folder / "metadata.json").read_text())
            assert {"technology", "coherence_score", "rules_count", "keywords", "sources"} <= set(meta)
    for path, text in rule_files(catalog_dir).items():
        if "_cursor_" in path:
            front = frontmatter(text)
            assert isinstance(front["description"], str) and front["alwaysApply"] is False
            assert isinstance(front["globs"], str) and "," in front["globs"] or front["globs"].startswith("**")
        if "_windsurf_" in path:
            assert len(text) <= 12000
            assert frontmatter(text)["trigger"] in {"glob", "model_decision", "always_on", "manual"}
        if "_copilot_" in path:
            assert isinstance(frontmatter(text)["applyTo"], str)
    assert (catalog_dir / "report.html").is_file()

    # build-rules rebuilds the same rule files without crawling.
    before = rule_files(catalog_dir)
    for folder in catalog_dir.glob("*/*_cluster_*"):
        for file in folder.iterdir():
            file.unlink()
    subprocess.run(
        [sys.executable, "-m", "scrapy", "build-rules", "-a", f"catalog={fixture_catalog}",
         "-a", f"formats={','.join(FORMATS)}", "-s", f"RULES_OUTPUT_DIR={out}"],
        cwd=ROOT, check=True, capture_output=True,
    )
    assert rule_files(catalog_dir) == before


@ensureDeferred
async def test_python_api_runs_real_crawls(docs_server, fixture_catalog, tmp_path):
    # pytest-twisted runs tests inside the reactor's asyncio loop; deferred_from_coro bridges.
    from scrapy.utils.defer import deferred_from_coro

    from rules_spider import DocumentationSource, MLBatchProcessor, RuleFormat
    from rules_spider.catalog import load_catalog

    sources = list(load_catalog(str(fixture_catalog)).sources)
    processor = MLBatchProcessor(output_dir=tmp_path / "api", quality_threshold=0.6, max_concurrent=8)
    first = await deferred_from_coro(processor.process_documentation_batch(sources, formats=[RuleFormat.CURSOR, RuleFormat.WINDSURF], catalog_name="fixture"))
    assert first.sources_processed == 2 and first.total_rules_generated > 40 and first.clusters
    assert set(first.quality_metrics) >= {"overall_coherence", "rule_diversity"}
    # a second call in the same process works (each batch is its own crawl process)
    second = await deferred_from_coro(processor.process_documentation_batch([DocumentationSource(**sources[1].model_dump())], formats=["agents"], catalog_name="one"))
    assert second.sources_processed == 1
    assert (tmp_path / "api" / "one").is_dir()
