"""Deploying to a real scrapyd: the egg scrapyd-deploy builds, then crawls scheduled over scrapyd's API."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.servers import VENV_BIN, ScrapydServer
from tests.test_end_to_end import CATALOG

ROOT = Path(__file__).parent.parent
PROJECT = "rules_spider"
SHIPPED_CATALOGS = sorted(p.name for p in (ROOT / "rules_spider" / "sources").glob("*.yaml"))
DEMO_PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "rules_spider" / "demo" / "site").rglob("*.html"))


@pytest.fixture(scope="module")
def egg(tmp_path_factory) -> Path:
    """``scrapyd-deploy --build-egg`` on a copy of the project (it writes setup.py and build/ where it runs)."""
    project = tmp_path_factory.mktemp("project")
    for name in ("scrapy.cfg", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "rules_spider", project / "rules_spider", ignore=shutil.ignore_patterns("__pycache__"))
    path = project / "rules_spider.egg"
    build = subprocess.run(
        [str(VENV_BIN / "scrapyd-deploy"), "--build-egg", str(path)],
        cwd=project, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    return path


@pytest.fixture(scope="module")
def scrapyd(egg, tmp_path_factory):
    with ScrapydServer(tmp_path_factory.mktemp("scrapyd")) as server:
        added = server.add_version(PROJECT, "1", egg)
        assert added["status"] == "ok" and added["spiders"] == 1, added
        yield server


@pytest.fixture(scope="module")
def jobs(scrapyd, docs_server, tmp_path_factory):
    """Three jobs scheduled at once (scrapyd runs them in parallel), finished before any test looks."""
    work = tmp_path_factory.mktemp("jobs")
    catalog = work / "fixture.yaml"
    catalog.write_text(CATALOG.format(sphinx=docs_server.url("/sphinx/"), mkdocs=docs_server.url("/mkdocs/")))
    fast = [("setting", "AUTOTHROTTLE_ENABLED=False"), ("setting", "RULES_PROGRESS_INTERVAL=3600")]
    requests = {
        "crawl": [("catalog", str(catalog))],
        "bad_source": [("catalog", str(catalog)), ("sources", "Nope")],
        "shipped_bad_source": [("catalog", "frameworks"), ("sources", "Nope")],
    }
    scheduled = {}
    for name, args in requests.items():
        out = work / name
        response = scrapyd.post(
            "schedule.json",
            [("project", PROJECT), ("spider", "docs"), *args, ("setting", f"RULES_OUTPUT_DIR={out}"), *fast],
        )
        assert response["status"] == "ok", response
        scheduled[name] = (response["jobid"], out)
    finished = {}
    for name, (job, out) in scheduled.items():
        entry = scrapyd.wait_for_job(PROJECT, job, timeout=120)
        finished[name] = {"entry": entry, "out": out, "log": scrapyd.job_log(PROJECT, "docs", job)}
    return finished


def test_egg_holds_the_package_its_catalogs_and_the_demo_site(egg):
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert SHIPPED_CATALOGS and {f"rules_spider/sources/{n}" for n in SHIPPED_CATALOGS} <= names
    assert DEMO_PAGES and set(DEMO_PAGES) <= names
    assert {"rules_spider/settings.py", "rules_spider/spiders/docs.py", "rules_spider/py.typed"} <= names
    assert not any(n.startswith(("tests/", "bench/", "examples/")) for n in names)
    # scrapyd finds the project's settings through this entry point.
    assert "[scrapy]\nsettings = rules_spider.settings" in entry_points


def test_scheduled_crawl_writes_the_outputs(jobs):
    job = jobs["crawl"]
    assert "Spider closed (finished)" in job["log"], job["log"][-3000:]
    catalog_dir = job["out"] / "fixture"
    results = json.loads((catalog_dir / "batch_results.json").read_text())
    assert results["sources_processed"] == 2 and results["sources_failed"] == []
    rules = (catalog_dir / "rules.jsonl").read_text().splitlines()
    assert len(rules) == results["total_rules_generated"] > 40, job["log"][-6000:]
    assert {json.loads(line)["source_name"] for line in rules} == {"Pyrite", "Flowkit"}
    assert list(catalog_dir.glob("*/*_cluster_*/*_rules.md"))


def test_job_with_an_unknown_source_fails_cleanly(jobs):
    job = jobs["bad_source"]
    assert "no source named 'Nope'" in job["log"], job["log"][-3000:]
    assert "Spider opened" not in job["log"]
    assert not job["out"].exists()


def test_shipped_catalog_is_found_inside_the_egg(jobs):
    job = jobs["shipped_bad_source"]
    assert "CatalogError" in job["log"] and not job["out"].exists()
    assert "no source named 'Nope'" in job["log"], job["log"][-2000:]
