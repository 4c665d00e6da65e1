"""Run one crawl in this process and save its Scrapy stats; run.py starts one per measurement.

``python bench/crawl_runner.py bare      --catalog FILE --stats-out FILE [-s NAME=VALUE ...]``
``python bench/crawl_runner.py bare-seen --catalog FILE --stats-out FILE [-s NAME=VALUE ...]``
``python bench/crawl_runner.py project --catalog FILE --stats-out FILE [-s NAME=VALUE ...]``

``project`` is exactly ``scrapy crawl docs -a catalog=FILE -s ...`` (project settings
from scrapy.cfg, ``-s`` values at command-line priority; run it with cwd at the
project root); ``bare`` runs bench/bare_spider.py with Scrapy's defaults plus
``BARE_SETTINGS`` (``bare-seen``: with ``-a dedupe=spider``). Either way the
crawler's final stats are written as JSON, with ``runner/wall_seconds``
(process start to crawl end) added.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return repr(value)


def _parse_set(pairs: list[str]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"-s expects NAME=VALUE, got {pair!r}")
        settings[name] = value
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("bare", "bare-seen", "project"))
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--stats-out", type=Path, required=True)
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)

    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from scrapy.utils.project import get_project_settings

    overrides = _parse_set(args.settings)
    spider_args = {"catalog": args.catalog}
    if args.mode in ("bare", "bare-seen"):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bare_spider import BARE_SETTINGS, BareSpider

        settings = Settings()
        settings.setdict(BARE_SETTINGS, priority="project")
        spider: Any = BareSpider
        if args.mode == "bare-seen":
            spider_args["dedupe"] = "spider"
    else:
        settings = get_project_settings()
        spider = "docs"
    settings.setdict(overrides, priority="cmdline")

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **spider_args)
    process.start()

    stats = {key: _jsonable(value) for key, value in (crawler.stats.get_stats() or {}).items()}
    stats["runner/wall_seconds"] = time.perf_counter() - STARTED
    args.stats_out.parent.mkdir(parents=True, exist_ok=True)
    args.stats_out.write_text(json.dumps(stats, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
