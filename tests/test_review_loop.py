"""The loop, end to end: rejects on the review page's path and a `wrong` outcome over MCP, on rules of
one kind (contributor workflow written into a library's guide), retrain the rule model on those labels,
and the next harvest of the same site keeps none of that kind, labeled or not, while the library's own
guidance stays; the review page shows the retrained model's cross-validated figures.

Each harvest is a real ``scrapy crawl`` of the fixture site on 127.0.0.1 with the same state directory;
the retrain is the engine's (what ``scrapy feedback --retrain`` runs), on the labels the review page and
the MCP server stored.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from pytest_twisted import ensureDeferred

from starlette.testclient import TestClient

from rules_spider.devserver import DocsServer
from rules_spider.items import Rule
from rules_spider.learning.store import FeedbackStore
from rules_spider.review.app import ReviewSite, create_review_app
from rules_spider.review.catalog_rules import CatalogRules
from rules_spider.learning.engine import SelfImprovingEngine
from rules_spider.learning.user_labels import collect_user_labels
from rules_spider.review.judgements import record_review
from rules_spider.settings import RULES_USER_LABEL_WEIGHT
from rules_spider.outputs.rules_io import read_rules
from tests.crawling import run_crawl
from tests.review_fixtures import SITE
from tests.test_mcp_server import run_client

# Headings the fixture site files its contributor workflow under (the "kind" the user rejects).
CONTRIBUTOR_HEADINGS = {"Sending changes", "Sharing your work"}


def contributor(rule) -> bool:
    return bool(CONTRIBUTOR_HEADINGS & set((rule.unit or {}).get("heading_path") or ()))


async def harvest(site: DocsServer, out: Path, state: Path, tmp_path: Path) -> list[Rule]:
    """Crawl the site's guide pages with the rule model of ``state``; the catalog's rules as written."""
    catalog = tmp_path / "tidewater.yaml"
    catalog.write_text(f"name: tidewater\nsources:\n  - url: {site.url('/tidewater/')}\n    name: Tidewater\n"
                       "    technology: python\n    framework: tidewater\n    allow: ['channels', 'workers']\n",
                       encoding="utf-8")
    result = await run_crawl({"RULES_OUTPUT_DIR": str(out), "RULES_STATE_DIR": str(state), "RULES_FORMATS": "cursor",
                              "RULES_REPORT": False}, catalog=str(catalog))
    assert result.stats["finish_reason"] == "finished"
    return read_rules(out / "tidewater" / "rules.jsonl")[0]


@ensureDeferred
async def test_rejects_and_wrong_outcomes_retrain_the_model_and_the_next_crawl_drops_their_kind(tmp_path):
    out, state = tmp_path / "out", tmp_path / "state"
    with DocsServer(SITE) as site:
        before = await harvest(site, out, state, tmp_path)
        # By title, not file order: rule ids hash the page URL, whose port changes from run to run.
        kind = sorted((r for r in before if contributor(r)), key=lambda r: r.title)
        guidance = sorted((r for r in before if not contributor(r)), key=lambda r: r.title)
        assert len(kind) >= 6 and len(guidance) >= 6, [r.title for r in before]

        # On the review page's path: reject four of the kind on the channels page, accept two rules.
        on_channels = [r for r in kind if r.url.endswith("channels.html")]
        with FeedbackStore(state) as store:
            record_review(store, on_channels[:4], "tidewater", "reject", reason="contributor")
            record_review(store, [r for r in guidance if r.url.endswith("channels.html")][:2], "tidewater", "accept")
        # Over MCP: the assistant found one more of the kind wrong.
        wrong = on_channels[4]

        async def report(session):  # noqa: ANN001, ANN202
            return await session.call_tool("report_rule_outcome", {"rule_id": wrong.id, "outcome": "wrong"})

        assert not run_client(out, state, report).is_error
        unlabeled = [r for r in kind if r.id not in {x.id for x in on_channels[:5]}]
        assert unlabeled, "some rules of the kind must be left unlabeled"

        with SelfImprovingEngine(state_dir=state, min_user_labels=7) as engine:
            labels = collect_user_labels(engine.store, since=engine.window_start(),
                                         min_signals=engine.config.min_feedback_signals)
            assert sorted(label.label for label in labels) == [0, 0, 0, 0, 0, 1, 1]
            report_ = engine.retrain(force=True)
        assert report_.status == "trained" and report_.card.user_label_weight == RULES_USER_LABEL_WEIGHT

        with FeedbackStore(state) as store:
            page = TestClient(create_review_app(
                ReviewSite("tidewater", CatalogRules(out / "tidewater"), store, state, secrets.token_urlsafe(16)),
                ["testserver"])).get("/")
        assert page.status_code == 200
        figures = page.text[page.text.index('id="model-figures"'):][:900]
        assert report_.card.model_version in figures and "retrained on 7 of your labels" in figures
        assert f"precision {report_.card.mean_precision:.1%}" in figures

        after = await harvest(site, out, state, tmp_path)
    kept_ids = {r.id for r in after}
    print(f"\nloop: {len(before)} rules before ({len(kind)} contributor), {len(after)} after "
          f"({sum(contributor(r) for r in after)} contributor); retrained in {report_.seconds:.0f} s")
    assert not [r.title for r in after if contributor(r)], "rules like the rejected ones drop out"
    assert {r.id for r in unlabeled}.isdisjoint(kept_ids)
    assert {r.id for r in guidance} <= kept_ids, "the library's own guidance stays"
    assert json.loads((out / "tidewater" / "batch_results.json").read_text())["total_rules_generated"] == len(after)
