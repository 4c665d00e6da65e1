"""`scrapy mcp` over stdio, driven by the mcp SDK's own client: tools, resources, outcomes, errors."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import Implementation

from rules_spider.learning.store import DecisionEntry, FeedbackStore
from tests.review_fixtures import CATALOG, write_catalog

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def run_client(out: Path, state: Path, talk: Callable[[ClientSession], Awaitable[T]]) -> T:
    """Start `scrapy mcp` over stdio and run ``talk`` on an initialised session (in a thread of its own:
    pytest-twisted's loop runs in the test thread)."""
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "scrapy", "mcp", "-a", f"catalog={CATALOG}", "-s", f"RULES_OUTPUT_DIR={out}",
              "-s", f"RULES_STATE_DIR={state}"],
        cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)},
    )

    async def main() -> T:
        with anyio.fail_after(120):
            async with stdio_client(server) as (read, write):
                info = Implementation(name="test-assistant", version="0.1")
                async with ClientSession(read, write, client_info=info) as session:
                    await session.initialize()
                    return await talk(session)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, main).result()


def hits(result: Any) -> list[dict]:
    assert not result.is_error, result.content
    structured = result.structured_content
    return structured["result"] if isinstance(structured, dict) and "result" in structured else structured


@pytest.fixture
def catalog(tmp_path) -> tuple[Path, Path, dict[str, dict]]:
    out, state = tmp_path / "out", tmp_path / "state"
    catalog_dir = write_catalog(out)
    rules = {r["evidence"]: r for r in map(json.loads, (catalog_dir / "rules.jsonl").read_text().splitlines())}
    return out, state, rules


def rule_starting(rules: dict[str, dict], start: str) -> dict:
    return next(rule for evidence, rule in rules.items() if evidence.startswith(start))


def test_tools_resources_and_outcomes_over_stdio(catalog):
    out, state, rules = catalog
    rejected = rule_starting(rules, "Never share one Channel")
    with FeedbackStore(state) as store:
        store.record(decisions=[DecisionEntry(rejected["id"], CATALOG, "reject", reason="wrong")])

    async def talk(session: ClientSession) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        seen["tools"] = sorted(t.name for t in (await session.list_tools()).tools)
        seen["search"] = hits(await session.call_tool("search_rules", {"query": "close the channel"}))
        seen["threads"] = hits(await session.call_tool("search_rules", {"query": "share channel between threads"}))
        seen["docker"] = hits(await session.call_tool("search_rules", {"query": "image tag", "technology": "docker"}))
        seen["file"] = hits(await session.call_tool("rules_for_file", {"path": "/home/dev/app/docker-compose.yml"}))
        seen["py_file"] = hits(await session.call_tool("rules_for_file", {"path": "src/tidewater_jobs.py", "limit": 3}))
        target = rule_starting(rules, "Always close a Channel")["id"]
        seen["helpful"] = await session.call_tool("report_rule_outcome", {"rule_id": target, "outcome": "helpful"})
        wrong = rule_starting(rules, "You should squash fixup")["id"]
        seen["wrong"] = await session.call_tool("report_rule_outcome",
                                                {"rule_id": wrong, "outcome": "wrong", "note": "not our workflow"})
        seen["unknown_rule"] = await session.call_tool("report_rule_outcome", {"rule_id": "nope", "outcome": "helpful"})
        seen["bad_outcome"] = await session.call_tool("report_rule_outcome", {"rule_id": target, "outcome": "great"})
        seen["bad_technology"] = await session.call_tool("search_rules", {"query": "x", "technology": "cobol"})
        seen["bad_limit"] = await session.call_tool("search_rules", {"query": "x", "limit": 0})
        seen["bad_path"] = await session.call_tool("rules_for_file", {"path": "../.."})
        resources = (await session.list_resources()).resources
        seen["resources"] = sorted(str(r.uri) for r in resources)
        tidewater = next(r for r in resources if r.name == "Tidewater")
        seen["document"] = (await session.read_resource(tidewater.uri)).contents[0].text
        seen["still_alive"] = hits(await session.call_tool("search_rules", {"query": "worker"}))
        return seen

    seen = run_client(out, state, talk)
    assert seen["tools"] == ["report_rule_outcome", "rules_for_file", "search_rules"]
    top = seen["search"][0]
    assert top["evidence"].startswith("Always close a Channel") and top["url"].endswith("/tidewater/channels.html")
    assert set(top) >= {"id", "title", "body", "evidence", "url", "score"}
    assert [h["score"] for h in seen["search"]] == sorted((h["score"] for h in seen["search"]), reverse=True)
    assert rejected["id"] not in {h["id"] for h in seen["threads"]}, "rejected rules are not served"
    assert [h["source"] for h in seen["docker"]] == ["Quay"]
    assert [h["source"] for h in seen["file"]] == ["Quay"]
    assert len(seen["py_file"]) == 3 and all(h["technology"] == "python" for h in seen["py_file"])
    assert not seen["helpful"].is_error and not seen["wrong"].is_error
    for key, needle in (("unknown_rule", "unknown rule id"), ("bad_outcome", "outcome"), ("bad_technology", "cobol"),
                        ("bad_limit", "limit"), ("bad_path", "..")):
        assert seen[key].is_error, key
        assert needle in seen[key].content[0].text, (key, seen[key].content[0].text)
    assert seen["resources"] == ["rules://tidewater/quay", "rules://tidewater/tidewater"]
    assert "Always close a `Channel`" in seen["document"] and rejected["title"] not in seen["document"]
    assert seen["still_alive"], "the server keeps serving after errors"

    with FeedbackStore(state) as store:
        labels = {(label.rule_id, label.label, label.failure, label.origin, label.context["client"])
                  for label in store.unit_labels()}
        signals = [(s.rule_id, s.value, s.source, s.context["outcome"]) for s in store.signals()]
    helpful_id, wrong_id = rule_starting(rules, "Always close a Channel")["id"], rule_starting(rules, "You should squash")["id"]
    assert labels == {(helpful_id, 1, None, "mcp", "test-assistant 0.1"), (wrong_id, 0, "wrong", "mcp", "test-assistant 0.1")}
    assert sorted(signals) == sorted([(helpful_id, 1.0, "mcp", "helpful"), (wrong_id, 0.0, "mcp", "wrong")])


def test_streamable_http_transport_serves_the_same_tools_and_checks_the_host_header(catalog):
    import subprocess
    import urllib.error
    import urllib.request

    from mcp.client.streamable_http import streamable_http_client

    out, state, _ = catalog
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "mcp", "-a", f"catalog={CATALOG}", "-a", "transport=http",
         "-s", f"RULES_OUTPUT_DIR={out}", "-s", f"RULES_STATE_DIR={state}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert "/mcp" in line, process.stderr.read()  # type: ignore[union-attr]
        url = line.split(" at ")[1].split()[0]

        async def main() -> list[dict]:
            with anyio.fail_after(60):
                async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
                    await session.initialize()
                    return hits(await session.call_tool("search_rules", {"query": "worker timeout"}))

        with ThreadPoolExecutor(max_workers=1) as pool:
            found = pool.submit(anyio.run, main).result()
        assert found and "timeout=" in found[0]["body"]
        rebinding = urllib.request.Request(url, data=b"{}", method="POST",
                                           headers={"Host": "rebind.attacker.example", "Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(rebinding, timeout=10)
        assert refused.value.code == 421
    finally:
        process.terminate()
        process.wait(timeout=20)
