"""The loop: feedback given through `scrapy feedback` changes what the next crawl keeps and writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pytest_twisted import ensureDeferred

from rules_spider.learning.store import FeedbackStore
from rules_spider.rulemodel.persistence import load_rule_model
from tests.crawling import run_crawl

ROOT = Path(__file__).parent.parent


def read_rules(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, path.read_text().splitlines())}


@ensureDeferred
async def test_feedback_demotes_and_boosts_rules_in_the_next_crawl(docs_server, write_catalog, tmp_path):
    catalog = write_catalog(
        f"sources:\n  - url: {docs_server.url('/sphinx/')}\n    name: Pyrite\n    technology: python\n"
        "    deny: ['changelog']\n    max_pages: 8\n",
        name="loop",
    )
    state = tmp_path / "state"
    settings = {"RULES_OUTPUT_DIR": str(tmp_path / "out"), "RULES_STATE_DIR": str(state), "RULES_FORMATS": "cursor"}
    first_run = await run_crawl(settings, catalog=str(catalog))
    rules_path = tmp_path / "out" / "loop" / "rules.jsonl"
    first = read_rules(rules_path)
    shipped = load_rule_model(None)
    assert first_run.stats["rules/quality_model"] == shipped.card.model_version
    # The rule closest to the threshold gets bad feedback (enough to take it under), the best one good feedback.
    learning_rate = 0.5
    settings["RULES_FEEDBACK_LEARNING_RATE"] = learning_rate
    weakest = min(first.values(), key=lambda r: (r["quality_score"], r["id"]))
    assert weakest["quality_score"] * (1 - learning_rate) < shipped.threshold <= weakest["quality_score"]
    strongest = max(first.values(), key=lambda r: (r["quality_score"] < 0.95, r["quality_score"]))
    command = [sys.executable, "-m", "scrapy", "feedback", "-s", f"RULES_STATE_DIR={state}"]
    for _ in range(5):
        subprocess.run([*command, "--rule", weakest["id"], "--signal", "usage_success", "--value", "0.0"],
                       cwd=ROOT, check=True, capture_output=True)
    events = tmp_path / "events.jsonl"
    events.write_text("".join(
        json.dumps({"rule_id": strongest["id"], "signal_type": "user_rating", "value": 1.0}) + "\n" for _ in range(5)
    ))
    subprocess.run([*command, "--import", str(events)], cwd=ROOT, check=True, capture_output=True)
    assert FeedbackStore(state).signal_count() == 10

    second_run = await run_crawl(settings, catalog=str(catalog))
    second = read_rules(rules_path)
    assert weakest["id"] not in second, "a rule with poor feedback must be dropped"
    assert second_run.stats["rules/feedback_applied"] >= 1
    if strongest["quality_score"] < 1.0:
        assert second[strongest["id"]]["quality_score"] > strongest["quality_score"]
    assert set(second) == set(first) - {weakest["id"]}
    cursor_text = "".join(p.read_text() for p in (tmp_path / "out" / "loop").rglob("*_cursor_rules*.mdc"))
    assert weakest["evidence"].split()[0] and weakest["body"] not in cursor_text
