"""Checks of the benchmark tools themselves: ``.venv/bin/pytest bench/`` (not part of CI's tests/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from corpus import _href, generate, load_manifest  # noqa: E402
from profile_top import top_functions  # noqa: E402
from process_tree import process_tree_memory  # noqa: E402
from run import _catalog_yaml  # noqa: E402
from static_server import start_server, stop_server  # noqa: E402


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_corpus_is_deterministic_and_sized(tmp_path: Path) -> None:
    generate(tmp_path / "a", 3, 7)
    generate(tmp_path / "b", 3, 7)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    manifest = load_manifest(tmp_path / "a")
    assert [s.flavor for s in manifest] == ["sphinx", "mkdocs", "sphinx"]
    for source in manifest:
        assert sum(1 for _ in (tmp_path / "a" / source.dir).rglob("*.html")) == source.pages == 7


def test_every_internal_link_resolves_and_the_sidebar_lists_every_page(tmp_path: Path) -> None:
    generate(tmp_path, 2, 12)
    for source in load_manifest(tmp_path):
        root = tmp_path / source.dir
        pages = {p for p in root.rglob("*.html")}
        for page in pages:
            parser = _Links()
            parser.feed(page.read_text(encoding="utf-8"))
            base = "http://h/" + page.relative_to(root).as_posix()
            targets = set()
            for href in parser.hrefs:
                url = urljoin(base, href).split("#")[0]
                if not url.startswith("http://h/") or url.endswith("genindex.html") or "search.html" in url:
                    continue
                path = urlsplit(url).path.lstrip("/")
                target = root / (path + "index.html" if path.endswith("/") or not path else path)
                assert target.is_file(), f"{page}: {href} -> {target}"
                targets.add(target)
            assert targets == pages, f"{page} does not link every page of its source"


def test_href_between_page_paths() -> None:
    assert _href("", "guide/a.html") == "guide/a.html"
    assert _href("guide/a.html", "api/b.html") == "../api/b.html"
    assert _href("guide/a/", "") == "../../"
    assert _href("guide/a/", "api/b/") == "../../api/b/"
    assert _href("", "") == "./"


def test_static_server_serves_on_several_loopback_hosts(tmp_path: Path) -> None:
    generate(tmp_path, 2, 3)
    process, port = start_server(tmp_path, hosts=2)
    try:
        for host in ("127.0.0.1", "127.0.0.2"):
            with urllib.request.urlopen(f"http://{host}:{port}/src002/", timeout=5) as response:
                assert response.status == 200
                assert b"md-nav" in response.read()
    finally:
        stop_server(process)
    assert process.returncode is not None


def test_bare_crawls_fetch_every_page(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    sources = generate(corpus, 2, 6)
    process, port = start_server(corpus, hosts=2)
    try:
        catalog = tmp_path / "bench.yaml"
        catalog.write_text(_catalog_yaml(sources, port, 2), encoding="utf-8")
        for mode in ("bare", "bare-seen"):
            stats_path = tmp_path / f"{mode}.json"
            subprocess.run(
                [sys.executable, str(BENCH_DIR / "crawl_runner.py"), mode, "--catalog", str(catalog),
                 "--stats-out", str(stats_path), "-s", "LOG_LEVEL=WARNING"],
                check=True, timeout=120,
            )
            stats = json.loads(stats_path.read_text(encoding="utf-8"))
            assert stats["downloader/response_status_count/200"] == 12
            assert stats.get("item_scraped_count", 0) == 0
    finally:
        stop_server(process)


def test_profile_top_counts_own_time_and_skips_idle_waits(tmp_path: Path) -> None:
    frames = [{"name": n, "file": f"/work/main/rules_spider/{n}.py"} for n in ("main", "parse", "regex")]
    frames.append({"name": "Condition.wait", "file": "/usr/lib/python3.11/threading.py"})
    profile = {
        "shared": {"frames": frames},
        "profiles": [
            {"samples": [[0, 1, 2], [0, 1, 2], [0, 1], [3]], "weights": [0.01, 0.01, 0.01, 5.0]},
        ],
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    lines = top_functions(path, 3).splitlines()
    assert "regex" in lines[2] and lines[2].split()[0] == "66.7"
    assert "parse" in lines[3] and lines[3].split()[1] == "100.0"
    assert "Condition.wait" not in "\n".join(lines)


def test_process_tree_memory_counts_children_and_splits_shared_pages() -> None:
    alone = process_tree_memory(os.getpid())
    assert [role for role, _ in alone.processes] == ["main"]
    assert 0 < alone.pss_kib <= alone.rss_kib
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        import time

        time.sleep(0.3)
        both = process_tree_memory(os.getpid())
        assert both.rss_kib > alone.rss_kib and len(both.processes) == 2
        # the two Pythons share the interpreter's pages: summed RSS counts them twice, PSS once
        assert alone.pss_kib < both.pss_kib < both.rss_kib
    finally:
        child.communicate(b"")
