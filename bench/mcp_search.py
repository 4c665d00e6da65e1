"""Search latency of the MCP server's search_rules over 20,000 rules (p50/p95), in process and over stdio.

    .venv/bin/python bench/mcp_search.py [--rules 20000] [--queries 500] [--stdio 200]

The rules are made up: sentences assembled from a fixed vocabulary of made-up libraries, APIs and verbs
(their text is irrelevant to latency, their size and vocabulary are what matter). In process: the
``RuleSearch`` index the server builds (bm25s) answering ``search`` with and without a technology filter.
Over stdio: ``scrapy mcp`` answering the SDK's client, so JSON-RPC, validation and serialisation count.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from rules_spider.items import Rule
from rules_spider.mcp_server.search import RuleSearch

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ["Tidewater", "Quay", "Marlin", "Oakum", "Brigand", "Cinder", "Lattice", "Pylon", "Sorrel", "Vesper"]
TECHNOLOGIES = ["python", "typescript", "go", "rust", "docker", "java"]
NOUNS = ["channel", "worker", "session", "pool", "cache", "route", "handler", "queue", "token", "schema", "client",
         "migration", "template", "socket", "buffer", "stream", "lock", "retry", "timeout", "config", "secret",
         "index", "cursor", "batch", "signal", "event", "plugin", "fixture", "logger", "transaction"]
VERBS = ["close", "open", "pin", "cache", "retry", "validate", "escape", "flush", "release", "rotate", "await",
         "register", "configure", "limit", "batch", "reuse", "stream", "lock", "log", "sign"]
OPENINGS = ["Always", "Never", "Prefer to", "Do not", "You should", "Make sure to", "Avoid calls that"]


def make_rules(n: int, seed: int = 7) -> list[Rule]:
    rng = random.Random(seed)
    rules = []
    for i in range(n):
        library, tech = rng.choice(LIBRARIES), rng.choice(TECHNOLOGIES)
        noun, other, verb = rng.choice(NOUNS), rng.choice(NOUNS), rng.choice(VERBS)
        api = f"{noun.capitalize()}.{verb}_{other}()"
        body = (f"{rng.choice(OPENINGS)} {verb} the {noun} with `{api}` before the {other} is reused, "
                f"or the {library} {rng.choice(NOUNS)} may {rng.choice(VERBS)} twice.")
        rules.append(Rule(id=f"bench-{i:06d}", title=f"{library}: {verb} the {noun} before reusing the {other}",
                          body=body, technology=tech, framework=library.lower(), source_name=library,
                          url=f"https://docs.{library.lower()}.example/{noun}/{i}.html", evidence=body.replace("`", ""),
                          quality_score=round(rng.uniform(0.6, 1.0), 3), subject=api))
    return rules


def queries(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(VERBS)} {rng.choice(NOUNS)} {rng.choice(['', rng.choice(NOUNS)])}".strip() for _ in range(n)]


def percentiles(samples_ms: list[float]) -> str:
    cuts = statistics.quantiles(samples_ms, n=100)
    return f"p50 {cuts[49]:.2f} ms, p95 {cuts[94]:.2f} ms, max {max(samples_ms):.2f} ms (n={len(samples_ms)})"


def in_process(rules: list[Rule], qs: list[str]) -> None:
    started = time.perf_counter()
    index = RuleSearch(rules)
    print(f"index of {len(rules):,} rules built in {time.perf_counter() - started:.2f} s")
    for label, technology in (("search_rules", None), ("search_rules technology=python", "python")):
        samples = []
        for q in qs:
            tick = time.perf_counter()
            index.search(q, technology=technology, limit=10)
            samples.append((time.perf_counter() - tick) * 1000)
        print(f"in process, {label}: {percentiles(samples)}")


def over_stdio(rules: list[Rule], qs: list[str]) -> None:
    import anyio
    from mcp import ClientSession, StdioServerParameters, stdio_client

    with tempfile.TemporaryDirectory() as tmp:
        catalog = Path(tmp) / "out" / "bench"
        catalog.mkdir(parents=True)
        (catalog / "rules.jsonl").write_text("".join(json.dumps(asdict(r)) + "\n" for r in rules), encoding="utf-8")
        server = StdioServerParameters(
            command=sys.executable, cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)},
            args=["-m", "scrapy", "mcp", "-a", "catalog=bench", "-s", f"RULES_OUTPUT_DIR={Path(tmp) / 'out'}",
                  "-s", f"RULES_STATE_DIR={Path(tmp) / 'state'}"])

        async def main() -> list[float]:
            async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                await session.call_tool("search_rules", {"query": "warm up"})  # builds the index
                samples = []
                for q in qs:
                    tick = time.perf_counter()
                    result = await session.call_tool("search_rules", {"query": q})
                    samples.append((time.perf_counter() - tick) * 1000)
                    assert not result.is_error, result.content
                return samples

        with ThreadPoolExecutor(max_workers=1) as pool:
            print(f"over stdio (scrapy mcp), search_rules: {percentiles(pool.submit(anyio.run, main).result())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--stdio", type=int, default=200, help="queries over stdio (0 skips)")
    args = parser.parse_args()
    rules = make_rules(args.rules)
    qs = queries(args.queries)
    in_process(rules, qs)
    if args.stdio:
        over_stdio(rules, qs[: args.stdio])


if __name__ == "__main__":
    main()
