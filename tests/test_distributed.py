"""scrapy-redis: two real worker processes share one crawl through a real redis-server.

Checks that every page is fetched once across workers, both workers work, page caps
hold across workers, the redis keys are cleared when the crawl is done, and that
``scrapy build-rules`` merging the workers' parts gives the same rules and rule files
as one process crawling alone. Also: the add-on's politeness and redis mappings.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from pytest_twisted import ensureDeferred
from scrapy.settings import Settings

from rules_spider import settings as project_settings
from rules_spider.addon import RulesAddon
from rules_spider.distributed import Claim, SharedCrawl, key_prefix
from tests.crawling import make_crawler, run_crawl
from tests.docs_server import DocsServer
from tests.servers import RedisServer
from tests.test_end_to_end import rule_files

SITES = Path(__file__).parent / "sites"
ROOT = Path(__file__).parent.parent
WORKERS = 2
pytestmark = pytest.mark.filterwarnings("ignore:Passing a 'spider' argument:scrapy.exceptions.ScrapyDeprecationWarning")
# The end-to-end fixture catalog, less sphinx/print.html: it repeats first-steps.html, and which
# of two same-content pages keeps its rules depends on which is processed first, in one process
# as across workers (each worker drops duplicates among its own pages only; the merge keeps one).
CATALOG = """\
name: fixture
sources:
  - url: {sphinx}
    name: Pyrite
    technology: python
    framework: pyrite
    priority: 4
    deny: ['changelog', 'print\\.html']
  - url: {mkdocs}
    name: Flowkit
    technology: typescript
    framework: flowkit
    priority: 3
    deny: ['/blog/', 'js-rendered']
"""
QUIET = {"AUTOTHROTTLE_ENABLED": "False", "RULES_PROGRESS_INTERVAL": "3600", "LOG_LEVEL": "INFO"}


PAGE_SECONDS = 0.2  # a docs host answering in 200 ms: one worker alone would need ~5 s


class SlowHost:
    """Serves each page after PAGE_SECONDS, and holds every page until all workers have joined,
    so the crawl cannot finish in one worker while the other is still starting up."""

    def __init__(self, redis_client, catalog: str, workers: int, timeout: float = 60.0):
        self.client, self.pattern = redis_client, key_prefix(catalog) + "busy:*"
        self.workers, self.timeout = workers, timeout
        self.joined = threading.Event()

    def __call__(self, handler: SimpleHTTPRequestHandler) -> None:
        waited = 0.0
        while not self.joined.is_set() and waited < self.timeout:
            if len(list(self.client.scan_iter(match=self.pattern))) >= self.workers:
                self.joined.set()
            else:
                time.sleep(0.05)
                waited += 0.05
        time.sleep(PAGE_SECONDS)
        SimpleHTTPRequestHandler.do_GET(handler)


def page_paths() -> list[str]:
    files = [f"/{p.relative_to(SITES).as_posix()}" for p in SITES.rglob("*.html")]
    return files + [f.removesuffix("index.html") for f in files if f.endswith("/index.html")]


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="module")
def site(redis_server):
    """A docs server of its own: its hit counts are this module's alone."""
    slow = SlowHost(redis_server.client(), "fixture", WORKERS)
    with DocsServer(SITES, behaviours=dict.fromkeys(page_paths(), slow)) as server:
        yield server


def scrapy_cmd(*args: str, settings: dict[str, str]) -> list[str]:
    return [sys.executable, "-m", "scrapy", *args, *(f"-s{k}={v}" for k, v in settings.items())]


def rules_by_id(catalog_dir: Path) -> list[dict]:
    rules = [json.loads(line) for line in (catalog_dir / "rules.jsonl").read_text().splitlines()]
    # The cluster number depends on nothing but the rules, but it is a build detail, not the rule.
    return sorted(({k: v for k, v in r.items() if k != "cluster"} for r in rules), key=lambda r: r["id"])


def test_two_workers_share_one_crawl(site, redis_server, tmp_path):
    catalog = tmp_path / "fixture.yaml"
    catalog.write_text(CATALOG.format(sphinx=site.url("/sphinx/"), mkdocs=site.url("/mkdocs/")))
    dist, single = tmp_path / "dist", tmp_path / "single"
    before = Counter(site.hits)
    workers = [
        subprocess.Popen(
            scrapy_cmd(
                "crawl", "docs", "-a", f"catalog={catalog}",
                settings={
                    **QUIET, "RULES_REDIS_URL": redis_server.url, "RULES_OUTPUT_DIR": str(dist),
                    # One request in flight per worker: neither can take the whole queue at once.
                    "RULES_MAX_CONCURRENT": "1", "LOG_FILE": str(tmp_path / f"worker{n}.log"),
                },
            ),
            cwd=ROOT,
        )  # fmt: skip
        for n in range(WORKERS)
    ]
    try:
        codes = [w.wait(timeout=150) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    logs = "\n".join((tmp_path / f"worker{n}.log").read_text() for n in range(WORKERS))
    assert codes == [0] * WORKERS, logs[-3000:]

    # Every page fetched exactly once across the workers (robots.txt is fetched by each).
    hits = Counter(site.hits)
    hits.subtract(before)
    fetched = {path: n for path, n in hits.items() if n and not path.endswith("robots.txt")}
    assert len(fetched) >= 25 and set(fetched.values()) == {1}, fetched
    # Both workers worked, each left its part and summary, and the workers closed the crawl.
    parts_dir = dist / "fixture" / ".parts"
    summaries = [json.loads(p.read_text()) for p in sorted(parts_dir.glob("*.stats.json"))]
    assert len(summaries) == WORKERS and all(s["pages_crawled"] > 0 for s in summaries), summaries
    assert all(s["finish_reason"] == "finished" for s in summaries)
    assert len(list(parts_dir.glob("*.jsonl"))) == WORKERS
    assert list(redis_server.client().scan_iter(match="rules_spider:*")) == []
    assert not (dist / "fixture" / "rules.jsonl").exists()  # workers do not build on close

    # Merge the workers' parts; meanwhile one process crawls the same catalog alone.
    reference = subprocess.Popen(
        scrapy_cmd("crawl", "docs", "-a", f"catalog={catalog}",
                   settings={**QUIET, "RULES_OUTPUT_DIR": str(single), "LOG_FILE": str(tmp_path / "single.log")}),
        cwd=ROOT,
    )  # fmt: skip
    try:
        build = subprocess.run(
            scrapy_cmd("build-rules", "-a", f"catalog={catalog}", settings={"RULES_OUTPUT_DIR": str(dist)}),
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert reference.wait(timeout=120) == 0
    finally:
        if reference.poll() is None:
            reference.kill()
    assert build.returncode == 0, build.stderr[-3000:]
    assert not list(parts_dir.iterdir())

    merged, alone = rules_by_id(dist / "fixture"), rules_by_id(single / "fixture")
    assert len(merged) > 40
    assert merged == alone
    assert rule_files(dist / "fixture") == rule_files(single / "fixture")
    results = json.loads((dist / "fixture" / "batch_results.json").read_text())
    expected = json.loads((single / "fixture" / "batch_results.json").read_text())
    assert results["sources_processed"] == expected["sources_processed"] == 2
    assert results["pages_crawled"] == expected["pages_crawled"] == sum(s["pages_crawled"] for s in summaries)
    assert results["total_rules_generated"] == expected["total_rules_generated"]


def test_claims_and_page_caps_hold_across_workers(redis_server):
    """Two workers' views of one crawl: a URL goes to one of them, a source's cap to both together."""
    views = []
    for _ in range(2):
        view = SharedCrawl(make_crawler({"RULES_REDIS_URL": redis_server.url}), "caps")
        view.server = redis_server.client()
        views.append(view)
    first, second = views
    try:
        assert first.claim("http://docs/a", "Src", max_pages=3) is Claim.ADMITTED
        assert second.claim("http://docs/a", "Src", max_pages=3) is Claim.SEEN
        assert second.claim("http://docs/b", "Src", max_pages=3) is Claim.ADMITTED
        assert first.claim("http://docs/c", "Src", max_pages=3) is Claim.ADMITTED
        assert second.claim("http://docs/d", "Src", max_pages=3) is Claim.CAPPED
        assert first.claim("http://docs/e", "Other", max_pages=3) is Claim.ADMITTED
    finally:
        client = redis_server.client()
        client.delete(*client.scan_iter(match=key_prefix("caps") + "*"))


@ensureDeferred
async def test_a_lone_redis_worker_seeds_crawls_and_clears_its_keys(docs_server, redis_server, write_catalog, tmp_path):
    """In-process worker: start requests go through the shared dupefilter and the caps hold."""
    catalog = write_catalog(
        f"sources:\n  - url: {docs_server.url('/sphinx/')}\n    name: Pyrite\n    technology: python\n"
        "    framework: pyrite\n    max_pages: 4\n    deny: ['changelog']\n",
        name="lone",
    )
    result = await run_crawl(
        {"RULES_REDIS_URL": redis_server.url, "RULES_OUTPUT_DIR": str(tmp_path / "out"), "ITEM_PIPELINES": {}},
        catalog=str(catalog),
    )
    stats = result.stats
    assert stats["finish_reason"] == "finished"
    assert len([u for u in result.requested if not u.endswith("robots.txt")]) == 4
    assert stats["source/Pyrite/capped/max_pages"] > 0
    assert stats["scheduler/enqueued/redis"] == 4  # the start request went through the redis scheduler
    assert (tmp_path / "out" / "lone" / ".parts").is_dir()  # the worker's summary, for build-rules
    assert list(redis_server.client().scan_iter(match=key_prefix("lone") + "*")) == []


def test_redis_mode_settings():
    settings = Settings()
    settings.setmodule("rules_spider.settings", priority="project")
    settings.set("RULES_REDIS_URL", "redis://127.0.0.1:1", priority="cmdline")
    RulesAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy_redis.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["REDIS_URL"] == "redis://127.0.0.1:1"
    assert settings.getbool("SCHEDULER_PERSIST") is True
    assert settings.getbool("RULES_BUILD_ON_CLOSE") is False
    # A value the user gives still wins.
    settings = Settings()
    settings.setmodule("rules_spider.settings", priority="project")
    settings.setdict({"RULES_REDIS_URL": "redis://127.0.0.1:1", "RULES_BUILD_ON_CLOSE": True}, priority="cmdline")
    RulesAddon().update_settings(settings)
    assert settings.getbool("RULES_BUILD_ON_CLOSE") is True


@ensureDeferred
@pytest.mark.parametrize(("max_concurrent", "per_domain"), [(16, 4), (3, 3)])
async def test_politeness_mapping_after_crawler_init(docs_server, write_catalog, max_concurrent, per_domain):
    catalog = write_catalog(
        f"sources:\n  - url: {docs_server.url('/mkdocs/')}\n    name: Flowkit\n    technology: typescript\n",
        name="polite",
    )
    result = await run_crawl(
        {"RULES_MAX_CONCURRENT": max_concurrent, "ITEM_PIPELINES": {}, "RULES_BUILD_ON_CLOSE": False},
        catalog=str(catalog), max_pages="1",
    )  # fmt: skip
    settings = result.crawler.settings
    assert settings.getint("CONCURRENT_REQUESTS") == settings.getint("RULES_MAX_CONCURRENT") == max_concurrent
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == per_domain == min(
        max_concurrent, settings.getint("RULES_MAX_CONCURRENT_PER_DOMAIN")
    )
    # The project's politeness defaults (the tests switch AutoThrottle off for speed).
    assert project_settings.ROBOTSTXT_OBEY and project_settings.AUTOTHROTTLE_ENABLED
    assert project_settings.AUTOTHROTTLE_TARGET_CONCURRENCY <= per_domain
