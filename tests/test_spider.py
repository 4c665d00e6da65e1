"""Real crawls of the fixture sites through a Crawler: scope, caps, robots, dedup, priority, failures."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pytest_twisted import ensureDeferred

from rules_spider.spiders.docs import SpiderArgumentError
from tests.crawling import run_crawl

# The spider alone: no pipelines, no output building.
SPIDER_ONLY = {"ITEM_PIPELINES": {}, "EXTENSIONS": {"rules_spider.extensions.build_outputs.BuildOutputsOnClose": None}}

SPHINX_PAGES = {
    "sphinx/",
    "sphinx/install.html",
    "sphinx/tutorial/",
    "sphinx/tutorial/first-steps.html",
    "sphinx/tutorial/sessions.html",
    "sphinx/tutorial/advanced.html",
    "sphinx/api/client.html",
    "sphinx/api/config.html",
    "sphinx/api/exceptions.html",
    "sphinx/guides/testing.html",
    "sphinx/guides/security.html",
    "sphinx/guides/performance.html",
    "sphinx/empty.html",
    "sphinx/print.html",
    "sphinx/deep/level1.html",
    "sphinx/deep/level2.html",
    "sphinx/deep/level3.html",
    "sphinx/deep/level4.html",
}


def sphinx_catalog(server, extra: str = "", name: str = "Pyrite", priority: int = 3) -> str:
    return (
        f"  - url: {server.url('/sphinx/')}\n    name: {name}\n    technology: python\n"
        f"    framework: pyrite\n    priority: {priority}\n    deny: ['changelog']\n{extra}"
    )


def mkdocs_catalog(server, extra: str = "", priority: int = 3) -> str:
    return (
        f"  - url: {server.url('/mkdocs/')}\n    name: Flowkit\n    technology: typescript\n"
        f"    framework: flowkit\n    priority: {priority}\n    deny: ['/blog/', 'js-rendered']\n{extra}"
    )


def paths(server, urls) -> set[str]:
    prefix = server.url("/")
    return {u[len(prefix):] for u in urls}


@ensureDeferred
async def test_sphinx_crawl_stays_in_scope_and_fetches_each_page_once(docs_server, write_catalog):
    catalog = write_catalog("sources:\n" + sphinx_catalog(docs_server))
    result = await run_crawl(SPIDER_ONLY, catalog=str(catalog))
    assert paths(docs_server, result.urls) == SPHINX_PAGES
    page_requests = [u for u in result.requested if not u.endswith("robots.txt")]
    assert [u for u, n in Counter(page_requests).items() if n > 1] == []
    fetched = paths(docs_server, page_requests)
    # never fetched: denied, robots-disallowed, other host/prefix
    assert not {p for p in fetched if "changelog" in p or "private" in p or "outside" in p or "mkdocs" in p}
    stats = result.stats
    assert stats["source/Pyrite/pages"] == len(SPHINX_PAGES)
    assert stats["source/Pyrite/dropped/non_html"] == 1  # api/openapi.json
    assert "source/Pyrite/failed" not in stats
    depth_of = {item.url.rsplit("/", 1)[-1]: item.depth for item in result.items}
    assert depth_of["level1.html"] == 1 and depth_of["level4.html"] == 4
    page = next(i for i in result.items if i.url.endswith("first-steps.html"))
    assert page.source_name == "Pyrite" and page.technology == "python" and page.framework == "pyrite"
    assert "<pre>" in page.html or "<pre" in page.html


@ensureDeferred
async def test_robots_txt_is_obeyed(docs_server, write_catalog):
    catalog = write_catalog("sources:\n" + sphinx_catalog(docs_server))
    before = docs_server.hits["/sphinx/private/secret.html"]
    result = await run_crawl(SPIDER_ONLY, catalog=str(catalog))
    assert docs_server.hits["/sphinx/private/secret.html"] == before
    assert result.stats["source/Pyrite/errors/robots_disallowed"] == 1


@ensureDeferred
async def test_depth_and_page_caps(docs_server, write_catalog):
    deep = write_catalog("sources:\n" + sphinx_catalog(docs_server, "    max_depth: 2\n"), name="deep")
    result = await run_crawl(SPIDER_ONLY, catalog=str(deep))
    fetched = paths(docs_server, result.requested)
    assert "sphinx/deep/level2.html" in fetched and "sphinx/deep/level3.html" not in fetched
    capped = write_catalog("sources:\n" + sphinx_catalog(docs_server, "    max_pages: 5\n"), name="capped")
    result = await run_crawl(SPIDER_ONLY, catalog=str(capped))
    assert len([u for u in result.requested if not u.endswith("robots.txt")]) == 5
    assert result.stats["source/Pyrite/capped/max_pages"] > 0
    # -a max_pages applies to sources that set none
    result = await run_crawl(SPIDER_ONLY, catalog=str(write_catalog("sources:\n" + sphinx_catalog(docs_server))), max_pages="3")
    assert len(result.items) == 3


@ensureDeferred
async def test_sources_start_in_priority_order(docs_server, write_catalog):
    text = "sources:\n" + sphinx_catalog(docs_server, priority=2) + mkdocs_catalog(docs_server, priority=5)
    result = await run_crawl({**SPIDER_ONLY, "RULES_MAX_CONCURRENT": 1}, catalog=str(write_catalog(text)))
    pages = [u for u in result.requested if not u.endswith("robots.txt")]
    assert "/mkdocs/" in pages[0]
    assert {"Pyrite", "Flowkit"} == {i.source_name for i in result.items}


@ensureDeferred
async def test_sources_argument_selects(docs_server, write_catalog):
    text = "sources:\n" + sphinx_catalog(docs_server) + mkdocs_catalog(docs_server)
    result = await run_crawl(SPIDER_ONLY, catalog=str(write_catalog(text)), sources="flowkit")
    assert {i.source_name for i in result.items} == {"Flowkit"}


@ensureDeferred
async def test_failed_sources_are_recorded_and_the_batch_completes(docs_server, write_catalog):
    text = (
        "sources:\n"
        + sphinx_catalog(docs_server, "    max_pages: 3\n")
        + f"  - url: {docs_server.url('/missing/')}\n    name: Missing\n    technology: go\n"
        + "  - url: http://127.0.0.1:9/docs/\n    name: Refused\n    technology: rust\n"
    )
    result = await run_crawl(SPIDER_ONLY, catalog=str(write_catalog(text)))
    stats = result.stats
    assert stats["source/Missing/failed"].endswith("http_404")
    assert stats["source/Refused/failed"].endswith("connection_refused")
    assert stats["sources/failed"] == 2
    assert len(result.items) == 3 and {i.source_name for i in result.items} == {"Pyrite"}


@ensureDeferred
async def test_source_whose_start_url_robots_disallow_is_failed(docs_server, write_catalog):
    text = (
        "sources:\n"
        + sphinx_catalog(docs_server, "    max_pages: 3\n")
        + f"  - url: {docs_server.url('/sphinx/private/')}\n    name: Private\n    technology: python\n"
    )
    result = await run_crawl(SPIDER_ONLY, catalog=str(write_catalog(text)))
    assert result.stats["source/Private/failed"].endswith("robots_disallowed")
    assert len(result.items) == 3


@ensureDeferred
async def test_bad_spider_arguments_fail_before_any_request(docs_server, write_catalog):
    catalog = write_catalog("sources:\n" + sphinx_catalog(docs_server))
    with pytest.raises(SpiderArgumentError, match="-a max_pages"):
        await run_crawl(SPIDER_ONLY, catalog=str(catalog), max_pages="lots")
    with pytest.raises(SpiderArgumentError, match="-a colour: Extra inputs are not permitted"):
        await run_crawl(SPIDER_ONLY, catalog=str(catalog), colour="red")


@ensureDeferred
async def test_static_sources_never_start_a_browser(docs_server, write_catalog):
    result = await run_crawl(SPIDER_ONLY, catalog=str(write_catalog("sources:\n" + mkdocs_catalog(docs_server))))
    assert "scrapy_playwright" not in str(result.crawler.settings.getdict("DOWNLOAD_HANDLERS"))
    assert not any(i.rendered for i in result.items)


@ensureDeferred
async def test_js_source_is_rendered_with_playwright(docs_server, write_catalog):
    assert Path("/usr/bin/chromium").is_file(), "Debian chromium is needed for this test (.ci/run installs it)"
    text = (
        f"sources:\n  - url: {docs_server.url('/mkdocs/js-rendered.html')}\n    name: FlowkitJS\n"
        "    technology: typescript\n    render: js\n    max_pages: 1\n"
    )
    result = await run_crawl(SPIDER_ONLY, catalog=str(write_catalog(text)))
    [page] = result.items
    assert page.rendered
    assert 'class="md-content__inner' in page.html
    from rules_spider.extraction import extract_page

    static_text = extract_page((Path(__file__).parent / "sites/mkdocs/js-rendered.html").read_text(), page.url).text
    rendered_text = extract_page(page.html, page.url).text
    assert len(rendered_text) > len(static_text) + 100


@ensureDeferred
async def test_jobdir_resume_does_not_refetch(docs_server, write_catalog, tmp_path):
    catalog = str(write_catalog("sources:\n" + sphinx_catalog(docs_server)))
    settings = {**SPIDER_ONLY, "JOBDIR": str(tmp_path / "job"), "CLOSESPIDER_PAGECOUNT": 4, "RULES_MAX_CONCURRENT": 1}
    first = await run_crawl(settings, catalog=catalog)
    assert first.stats["finish_reason"] == "closespider_pagecount"
    second = await run_crawl({**settings, "CLOSESPIDER_PAGECOUNT": 0}, catalog=catalog)
    assert second.stats["finish_reason"] == "finished"
    crawled = first.urls + second.urls
    assert len(crawled) == len(set(crawled))
    assert paths(docs_server, crawled) == SPHINX_PAGES


@ensureDeferred
async def test_http_cache_second_run_makes_no_requests(docs_server, write_catalog, tmp_path):
    catalog = str(write_catalog("sources:\n" + mkdocs_catalog(docs_server)))
    settings = {**SPIDER_ONLY, "RULES_HTTP_CACHE": True, "HTTPCACHE_DIR": str(tmp_path / "cache")}
    first = await run_crawl(settings, catalog=catalog)
    hits_before = dict(docs_server.hits)
    second = await run_crawl(settings, catalog=catalog)
    assert dict(docs_server.hits) == hits_before
    assert sorted(second.urls) == sorted(first.urls) and second.urls


@ensureDeferred
async def test_catalog_by_name_from_catalog_dirs(docs_server, write_catalog, tmp_path):
    write_catalog("sources:\n" + mkdocs_catalog(docs_server), name="mydocs")
    result = await run_crawl({**SPIDER_ONLY, "RULES_CATALOG_DIRS": [str(tmp_path)]}, catalog="mydocs")
    assert result.crawler.spider.catalog.name == "mydocs"
    assert {i.source_name for i in result.items} == {"Flowkit"}


def test_catalogs_command_lists_and_validates(write_catalog, tmp_path):
    import subprocess
    import sys

    write_catalog("sources:\n  - url: https://docs.example.org/\n    name: Example\n    technology: go\n", name="good")
    write_catalog("sources:\n  - url: https://docs.example.org/\n    name: Bad\n    technology: go\n    priority: 9\n", name="bad")
    root = Path(__file__).parent.parent
    run = subprocess.run(
        [sys.executable, "-m", "scrapy", "catalogs", "-s", f"RULES_CATALOG_DIRS={tmp_path}"],
        cwd=root, capture_output=True, text=True,
    )
    assert "good (1 sources" in run.stdout and "Example" in run.stdout
    assert "frameworks (" in run.stdout and "FastAPI" in run.stdout
    assert "bad: INVALID" in run.stdout and "field 'priority'" in run.stdout
    assert run.returncode == 1


@ensureDeferred
async def test_sitemap_seeds_pages_no_link_reaches(docs_server, write_catalog):
    def sitemap(handler) -> None:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(
                f"<url><loc>{docs_server.url(path)}</loc></url>"
                for path in ("/sphinx/index.html", "/sphinx/orphan.html", "/outside/page.html")
            )
            + "</urlset>"
        ).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    docs_server.add_behaviour("/sphinx/sitemap.xml", sitemap)
    plain = await run_crawl(SPIDER_ONLY, catalog=str(write_catalog("sources:\n" + sphinx_catalog(docs_server), name="plain")))
    assert "sphinx/orphan.html" not in paths(docs_server, plain.urls)
    seeded = await run_crawl(
        SPIDER_ONLY, catalog=str(write_catalog("sources:\n" + sphinx_catalog(docs_server, "    sitemap: true\n"), name="seeded"))
    )
    crawled = paths(docs_server, seeded.urls)
    assert crawled == SPHINX_PAGES | {"sphinx/orphan.html"}
    assert len(seeded.urls) == len(set(seeded.urls))
