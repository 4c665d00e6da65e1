"""``rules-spider-demo``: crawl the bundled demo docs site, served on 127.0.0.1, and write its rule files.

Works offline: the site ships inside the package (rules_spider/demo/site).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from importlib import resources
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from rules_spider import settings as defaults
from rules_spider.devserver import DocsServer
from rules_spider.spiders.docs import DocsSpider

DEMO_CATALOG = """\
name: demo
description: The bundled Tidewater demo documentation, served on 127.0.0.1
sources:
  - url: {url}
    name: Tidewater
    technology: python
    framework: tidewater
    priority: 5
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output-dir", default=defaults.RULES_OUTPUT_DIR, help="output root (RULES_OUTPUT_DIR)")
    parser.add_argument("--formats", default="cursor,windsurf,agents,claude,copilot,cline,llms_txt")
    args = parser.parse_args(argv)

    site = Path(str(resources.files("rules_spider.demo") / "site"))
    with DocsServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        catalog = Path(tmp) / "demo.yaml"
        catalog.write_text(DEMO_CATALOG.format(url=server.url("/")), encoding="utf-8")
        settings = Settings()
        settings.setmodule("rules_spider.settings", priority="project")
        settings.update(
            {
                "RULES_OUTPUT_DIR": args.output_dir,
                "RULES_FORMATS": args.formats,
                "AUTOTHROTTLE_ENABLED": False,
                "RULES_PROGRESS_INTERVAL": 5,
            },
            priority="cmdline",
        )
        process = CrawlerProcess(settings)
        process.crawl(DocsSpider, catalog=str(catalog))
        process.start()

    results_path = Path(args.output_dir) / "demo" / "batch_results.json"
    if not results_path.is_file():
        print(f"demo crawl wrote no {results_path}; see the log above", file=sys.stderr)
        return 1
    results = json.loads(results_path.read_text(encoding="utf-8"))
    print(
        f"\nDemo done: {results['pages_crawled']} pages, {results['total_rules_generated']} rules, "
        f"{len(results['clusters'])} clusters.\nOutputs: {results_path.parent}/ (open report.html; rules.jsonl; "
        f"<technology>/<technology>_<format>_cluster_<n>/)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
