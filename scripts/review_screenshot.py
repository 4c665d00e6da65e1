"""Regenerate docs/review.png: the review page over the made-up Tidewater test catalog, with a few
decisions made, in headless Debian chromium.

    .venv/bin/python scripts/review_screenshot.py [docs/review.png]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rules_spider.learning.store import FeedbackStore  # noqa: E402
from rules_spider.outputs.rules_io import read_rules  # noqa: E402
from rules_spider.review.judgements import Edit, record_review  # noqa: E402
from tests.browser import in_chromium  # noqa: E402
from tests.review_fixtures import CATALOG, write_catalog  # noqa: E402


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "review.png")
    with tempfile.TemporaryDirectory() as tmp:
        out, state = Path(tmp) / "out", Path(tmp) / "state"
        rules = {r.evidence[:30]: r for r in read_rules(write_catalog(out) / "rules.jsonl")[0]}
        with FeedbackStore(state) as store:
            record_review(store, [rules["Always close a Channel with ch"]], CATALOG, "accept")
            record_review(store, [rules["You should rebase your branch "]], CATALOG, "reject", reason="contributor")
            record_review(store, [rules["You should prefer Channel.send"]], CATALOG, "pin")
            record_review(store, [rules["Never share one Channel betwee"]], CATALOG, "edit",
                          edit=Edit("Tidewater: open one channel per thread", "Open one connection per thread."))
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "review", "-a", f"catalog={CATALOG}", "-s", f"RULES_OUTPUT_DIR={out}",
             "-s", f"RULES_STATE_DIR={state}"], cwd=ROOT, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            url = process.stdout.readline().split(" at ")[1].split()[0]  # type: ignore[union-attr]

            def shoot(page) -> None:  # noqa: ANN001
                page.goto(url + "?source=Tidewater&technology=python")
                page.locator("article.rule").nth(1).focus()
                page.screenshot(path=str(target), full_page=False)

            in_chromium(shoot, width=1280, height=1400)
        finally:
            process.terminate()
            process.wait(timeout=20)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
