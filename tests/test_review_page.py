"""`scrapy review` driven in headless chromium: filters, actions, keyboard, the round trip into SQLite
and the next `export-rules`, and the page's safety (Host header, CSRF token, escaping)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rules_spider.learning.store import FeedbackStore
from tests.browser import in_chromium
from tests.review_fixtures import CATALOG, write_catalog

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Served:
    url: str
    out: Path
    state: Path
    process: subprocess.Popen

    def scrapy(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "scrapy", *args, "-s", f"RULES_OUTPUT_DIR={self.out}",
                               "-s", f"RULES_STATE_DIR={self.state}"], cwd=ROOT, capture_output=True, text=True,
                              timeout=180, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture
def served(tmp_path) -> Iterator[Served]:
    out, state = tmp_path / "out", tmp_path / "state"
    write_catalog(out)
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "review", "-a", f"catalog={CATALOG}", "-s", f"RULES_OUTPUT_DIR={out}",
         "-s", f"RULES_STATE_DIR={state}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert "Reviewing tidewater at http://127.0.0.1:" in line, process.stderr.read()  # type: ignore[union-attr]
        yield Served(line.split(" at ")[1].split()[0], out, state, process)
    finally:
        process.terminate()
        process.wait(timeout=20)


def rules_by_title(out: Path) -> dict[str, dict]:
    rules = [json.loads(line) for line in (out / CATALOG / "rules.jsonl").read_text().splitlines()]
    return {rule["evidence"]: rule for rule in rules}


def card(page, evidence_start: str):
    return page.locator("article.rule", has=page.locator("mark", has_text=evidence_start))


def test_review_actions_reach_sqlite_and_the_next_export(served, tmp_path):
    rules = rules_by_title(served.out)
    def drive(page) -> None:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(served.url)
        assert page.locator("article.rule").count() == len(rules)
        assert "precision" in page.locator("#model-figures").inner_text()

        # Filters: a source, then text search within it.
        page.select_option("select[name=source]", "Quay")
        page.click("form.filters button[type=submit]")
        assert page.locator("article.rule").count() == 1
        page.goto(served.url + "?source=Tidewater&q=rebase")
        assert page.locator("article.rule").count() == 3
        page.goto(served.url + "?min_score=0.8&sort=score_asc")
        scores = [float(t.split()[1]) for t in page.locator("article.rule .badge.score").all_inner_texts()]
        assert scores and min(scores) >= 0.8
        page.goto(served.url)

        # Accept with the button; reject with a reason from the keyboard.
        accepted = card(page, "Always close a Channel")
        accepted.locator("button[data-action=accept]").click()
        page.wait_for_selector("article.rule.accepted")
        rejected = card(page, "You should rebase your branch")
        rejected.locator("select.reason").select_option("contributor")
        rejected.focus()
        page.keyboard.press("r")
        page.wait_for_selector("article.rule.rejected .badge.status:has-text('contributor')")

        # Edit from the keyboard: an edit that drops every identifier of the evidence is warned about.
        edited = card(page, "Never share one Channel")
        edited.focus()
        page.keyboard.press("e")
        form = edited.locator("form.edit")
        form.locator("input[name=title]").fill("Tidewater: one connection per thread")
        form.locator("textarea[name=body]").fill("Open a separate connection in each thread.")
        form.locator("textarea[name=body]").press("Control+Enter")
        page.wait_for_selector("article.rule .badge.edited")
        assert "names none of the identifiers" in card(page, "Never share one Channel").inner_text()

        # Pin the lowest-scored Tidewater rule; j/k move between cards.
        pinned = card(page, "Always rebase your branch instead")
        pinned.locator("button[data-action=pin]").click()
        page.wait_for_selector("article.rule.pinned")
        first = page.locator("article.rule").nth(0)
        first.focus()
        page.keyboard.press("j")
        assert "current" in page.locator("article.rule").nth(1).get_attribute("class")
        page.keyboard.press("k")
        assert "current" in first.get_attribute("class")

        # The page shows a rule whose page contained <script> as text, and runs nothing.
        page.goto(served.url + "?q=script")
        assert "<script>alert(1)</script>" in page.locator("article.rule").first.inner_text()
        assert page.locator("main script").count() == 0 and not dialogs

        # Bulk: reject the whole Quay group.
        page.goto(served.url + "?source=Quay")
        page.click("section.group button[data-bulk=reject]")
        page.wait_for_selector("article.rule.rejected")


    in_chromium(drive)

    with FeedbackStore(served.state) as store:
        decisions = [(d.entry.action, d.entry.reason) for d in store.decisions()]
        labels = {(label.rule_id, label.label, label.failure) for label in store.unit_labels()}
        [edit] = [d.entry for d in store.decisions() if d.entry.action == "edit"]
    assert decisions == [("accept", None), ("reject", "contributor"), ("edit", None), ("pin", None), ("reject", None)]
    ids = {key: rules[key]["id"] for key in rules}
    by_start = {start: next(i for k, i in ids.items() if k.startswith(start)) for start in (
        "Always close a Channel", "You should rebase your branch", "Never share one Channel",
        "Always rebase your branch instead")}
    assert labels == {(by_start["Always close a Channel"], 1, None), (by_start["You should rebase your branch"], 0, "contributor"),
                      (by_start["Never share one Channel"], 1, None), (by_start["Always rebase your branch instead"], 1, None),
                      ("quay-pin-tag", 0, None)}
    assert (edit.old_title, edit.new_title) == (rules[next(k for k in rules if k.startswith("Never share"))]["title"],
                                                "Tidewater: one connection per thread")

    project = tmp_path / "project"
    project.mkdir()
    exported = served.scrapy("export-rules", "-a", f"catalog={CATALOG}", "-a", f"target={project}", "-a", "formats=agents,cursor")
    assert exported.returncode == 0, exported.stderr
    agents = (project / "AGENTS.md").read_text()
    assert "You should rebase your branch on the latest main" not in agents  # rejected
    assert "Tidewater: one connection per thread" in agents and "Never share one `Channel`" not in agents.split("> ")[0]
    assert "Never share one Channel between threads" in agents  # the evidence quote stays
    headings = [line for line in agents.splitlines() if line.startswith("##")]
    pinned_at = next(i for i, h in enumerate(headings) if "Always rebase your branch instead" in h)
    assert "Topic:" in headings[pinned_at - 1], "the pinned rule comes first in its topic"


def request(url: str, *, method: str = "GET", headers: dict[str, str] | None = None, body: bytes | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, method=method, headers=headers or {}),
                                    timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_foreign_host_headers_and_posts_without_the_token_are_refused(served):
    assert request(served.url) == 200
    assert request(served.url, headers={"Host": "rebind.attacker.example"}) == 400
    some_id = next(iter(rules_by_title(served.out).values()))["id"]
    payload = json.dumps({"rule_id": some_id, "action": "reject"}).encode()
    json_type = {"Content-Type": "application/json"}
    assert request(served.url + "api/decide", method="POST", headers=json_type, body=payload) == 403
    assert request(served.url + "api/decide", method="POST", body=payload,
                   headers={**json_type, "X-CSRF-Token": "guessed"}) == 403
    assert request(served.url + "api/bulk", method="POST", headers=json_type,
                   body=json.dumps({"rule_ids": [some_id], "action": "reject"}).encode()) == 403
    with FeedbackStore(served.state) as store:
        assert store.decisions() == [] and store.unit_labels() == []
