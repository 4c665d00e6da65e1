"""The loop, end to end: rejects on the review page's path and a `wrong` outcome over MCP, on rules of
one kind (contributor workflow written into a library's guide), retrain the rule model on those labels,
and the next harvest of the same site keeps none of that kind, labeled or not, while the library's own
guidance stays; the review page shows the retrained model's cross-validated figures.

The pages are fetched over HTTP from a server on 127.0.0.1 and go through ``page_to_rules``, the
page-to-rules step with the rule model (``Selection(state_dir=...)`` loads the retrained model). On this
branch the crawl's pipelines still run the extractive generator and the heuristic score; once they run
``page_to_rules`` (issue 15), ``harvest`` becomes ``run_crawl`` with the same settings.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import urllib.request

from starlette.testclient import TestClient

from rules_spider.compose import PageInfo
from rules_spider.devserver import DocsServer
from rules_spider.items import Rule
from rules_spider.learning.store import FeedbackStore
from rules_spider.review.app import ReviewSite, create_review_app
from rules_spider.review.catalog_rules import CatalogRules
from rules_spider.review.judgements import record_review, user_labels
from rules_spider.outputs.rules_io import read_rules
from rules_spider.page_rules import Selection, page_to_rules
from rules_spider.rulemodel.retrain import retrain_rule_model
from tests.review_fixtures import SITE, write_catalog
from tests.test_mcp_server import run_client

# Headings the fixture site files its contributor workflow under (the "kind" the user rejects).
CONTRIBUTOR_HEADINGS = {"Sending changes", "Sharing your work"}
# How many corpus units one user label weighs here (the lead's RULES_USER_LABEL_WEIGHT decides it for
# `scrapy feedback --retrain`).
USER_LABEL_WEIGHT = 5.0


def contributor(rule) -> bool:
    return bool(CONTRIBUTOR_HEADINGS & set((rule.unit or {}).get("heading_path") or ()))


def harvest(site: DocsServer, out: Path, state: Path) -> list[Rule]:
    """Fetch the site's guide pages and keep what the rule model in ``state`` selects; write the catalog."""
    rules = []
    for page in ("channels", "workers"):
        url = site.url(f"/tidewater/{page}.html")
        with urllib.request.urlopen(url, timeout=10) as response:
            html = response.read()
        rules.extend(page_to_rules(html, PageInfo(url, "Tidewater", "python", "tidewater"),
                                   Selection(state_dir=state)).rules)
    write_catalog(out, rules)
    return read_rules(out / "tidewater" / "rules.jsonl")[0]


def test_rejects_and_wrong_outcomes_retrain_the_model_and_the_next_crawl_drops_their_kind(tmp_path):
    out, state = tmp_path / "out", tmp_path / "state"
    with DocsServer(SITE) as site:
        before = harvest(site, out, state)
        kind = [r for r in before if contributor(r)]
        guidance = [r for r in before if not contributor(r)]
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

        with FeedbackStore(state) as store:
            labels = user_labels(store)
        assert sorted(label.label for label in labels) == [0, 0, 0, 0, 0, 1, 1]
        report_ = retrain_rule_model(state, labels, weight=USER_LABEL_WEIGHT)

        with FeedbackStore(state) as store:
            page = TestClient(create_review_app(
                ReviewSite("tidewater", CatalogRules(out / "tidewater"), store, state, secrets.token_urlsafe(16)),
                ["testserver"])).get("/")
        assert page.status_code == 200
        figures = page.text[page.text.index('id="model-figures"'):][:900]
        assert report_.card.model_version in figures and "retrained on 7 of your labels" in figures
        assert f"precision {report_.card.mean_precision:.1%}" in figures

        after = harvest(site, out, state)
    kept_ids = {r.id for r in after}
    print(f"\nloop: {len(before)} rules before ({len(kind)} contributor), {len(after)} after "
          f"({sum(contributor(r) for r in after)} contributor); retrained in {report_.seconds:.0f} s")
    assert not [r.title for r in after if contributor(r)], "rules like the rejected ones drop out"
    assert {r.id for r in unlabeled}.isdisjoint(kept_ids)
    assert {r.id for r in guidance} <= kept_ids, "the library's own guidance stays"
    assert json.loads((out / "tidewater" / "batch_results.json").read_text())["total_rules_generated"] == len(after)
