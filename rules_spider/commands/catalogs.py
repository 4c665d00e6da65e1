"""``scrapy catalogs [NAME ...]``: list the catalogs and their sources, validating each."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand

from rules_spider.catalog import CatalogError, available_catalogs, load_catalog


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[catalog ...]"

    def short_desc(self) -> str:
        return "List source catalogs (shipped and RULES_CATALOG_DIRS) and their sources"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--names", action="store_true", help="print catalog names only")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        extra_dirs = self.settings.getlist("RULES_CATALOG_DIRS")
        names = args or sorted(available_catalogs(extra_dirs))
        failed = False
        for name in names:
            try:
                catalog = load_catalog(name, extra_dirs)
            except CatalogError as exc:
                failed = True
                print(f"{name}: INVALID\n  " + "\n  ".join(exc.problems))
                continue
            print(f"{catalog.name} ({len(catalog.sources)} sources, {catalog.path})")
            if opts.names:
                continue
            for source in sorted(catalog.sources, key=lambda s: (-s.priority, s.name.lower())):
                framework = f"/{source.framework}" if source.framework else ""
                js = "  [js]" if source.render == "js" else ""
                print(f"  p{source.priority}  {source.name:<28} {source.technology}{framework:<20} {source.url}{js}")
        if failed:
            self.exitcode = 1
