"""Batch processing demo of the Python API.

    python examples/batch_processing_demo.py --local-demo                 # offline, bundled docs site
    python examples/batch_processing_demo.py --demo-mode frameworks       # a shipped catalog (needs internet)
    python examples/batch_processing_demo.py --demo-mode cloud --bedrock  # rules written by Bedrock Nova Lite
"""

from __future__ import annotations

import argparse
import asyncio
from importlib import resources
from pathlib import Path

from rules_spider import DocumentationSource, MLBatchProcessor, RuleFormat
from rules_spider.devserver import DocsServer

FORMATS = [RuleFormat.CURSOR, RuleFormat.WINDSURF, RuleFormat.AGENTS]


def print_result(result) -> None:
    print(f"catalog {result.catalog}: {result.sources_processed} sources, {result.pages_crawled} pages, "
          f"{result.total_rules_generated} rules in {len(result.clusters)} clusters -> {result.output_dir}")
    for failure in result.sources_failed:
        print(f"  failed: {failure}")
    for name, value in result.quality_metrics.items():
        print(f"  {name}: {value}")


async def local_demo(output_dir: str) -> None:
    site = Path(str(resources.files("rules_spider.demo") / "site"))
    with DocsServer(site) as server:
        source = DocumentationSource(url=server.url("/"), name="Tidewater", technology="python", framework="tidewater", priority=5)
        processor = MLBatchProcessor(output_dir=output_dir, quality_threshold=0.6, max_concurrent=8)
        print_result(await processor.process_documentation_batch([source], formats=FORMATS, catalog_name="demo"))


async def catalog_demo(mode: str, output_dir: str, bedrock: bool) -> None:
    bedrock_config = {"model_id": "amazon.nova-lite-v1:0", "region": "us-east-1", "temperature": 0.1, "max_tokens": 2048}
    processor = MLBatchProcessor(bedrock_config=bedrock_config if bedrock else None, output_dir=output_dir, max_concurrent=16)
    print_result(await processor.process_catalog(mode, formats=FORMATS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo-mode", choices=["frameworks", "cloud", "comprehensive"], default="frameworks")
    parser.add_argument("--bedrock", action="store_true", help="generate rules with Amazon Bedrock (AWS credentials needed)")
    parser.add_argument("--local-demo", action="store_true", help="offline: crawl the bundled demo site on 127.0.0.1")
    parser.add_argument("--output-dir", default="output")
    args = parser.parse_args()
    if args.local_demo:
        asyncio.run(local_demo(args.output_dir))
    else:
        asyncio.run(catalog_demo(args.demo_mode, args.output_dir, args.bedrock))


if __name__ == "__main__":
    main()
