"""A reviewed catalog for the review page and MCP tests: the made-up Tidewater pages of
tests/review_site/ turned into rules by the real page-to-rules step, built into an output tree."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rules_spider.compose import PageInfo
from rules_spider.items import Rule
from rules_spider.outputs.build import build_outputs
from rules_spider.outputs.batch_results import CatalogInfo
from rules_spider.page_rules import Selection, page_to_rules
from rules_spider.settings import RULES_WRITERS
from rules_spider.writers.base import WriterRegistry
from tests.test_outputs_fixtures import write_rules_jsonl

SITE = Path(__file__).parent / "review_site"
PAGES = ("channels", "workers", "templates")
CATALOG = "tidewater"


def site_rules(base_url: str = "http://127.0.0.1:8000") -> list[Rule]:
    rules = []
    for page in PAGES:
        html = (SITE / "tidewater" / f"{page}.html").read_text(encoding="utf-8")
        info = PageInfo(f"{base_url}/tidewater/{page}.html", "Tidewater", "python", "tidewater")
        rules.extend(page_to_rules(html, info, Selection()).rules)
    return rules


def quay_rule() -> Rule:
    """A second source, so filters have something to tell apart."""
    unit = {"text": "Pin the Quay image tag in every compose file.", "marked": "Pin the Quay image tag in every compose file.",
            "kind": "sentence", "page_kind": "guide", "heading_path": ["Images"], "section_index": 0,
            "block_index": 0, "previous": "Quay pulls images from its mirror.", "next": None}
    return Rule(id="quay-pin-tag", title="Quay: pin the image tag in every compose file",
                body="Pin the Quay image tag in every compose file.", technology="docker", framework="quay",
                source_name="Quay", url="https://quay.example/images/", evidence=unit["text"], category="configuration",
                quality_score=0.66, subject="Quay", unit=unit)


def write_catalog(output_root: Path, rules: list[Rule] | None = None) -> Path:
    """``output_root/tidewater/`` with rules.jsonl (clustered) and batch_results.json; returns that dir."""
    chosen = rules if rules is not None else [*site_rules(), quay_rule()]
    catalog_dir = output_root / CATALOG
    rules_file = write_rules_jsonl(catalog_dir / "rules.jsonl", [dataclasses.replace(r) for r in chosen])
    build_outputs(rules_file, catalog_dir, CatalogInfo(CATALOG, ("python", "docker"), ()), ["cursor"], None, None,
                  WriterRegistry(RULES_WRITERS), report=False)
    return catalog_dir
