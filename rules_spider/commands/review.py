"""``scrapy review``: review a catalog's rules in the browser.

    scrapy review -a catalog=frameworks [-a host=127.0.0.1] [-a port=0] [-a allowed_hosts=a,b]

Serves a local page over ``RULES_OUTPUT_DIR/<catalog>/rules.jsonl`` on 127.0.0.1 (a free port unless
``port`` is given) and prints its URL. Accept, reject (with a failure kind), edit and pin decisions go to
the feedback store of ``RULES_STATE_DIR``: the next export, build or crawl honours them, and each one is
a labeled unit that ``scrapy feedback --retrain`` teaches the rule model. Needs the ``review`` extra.
"""

from __future__ import annotations

import argparse
import secrets

from pydantic import BaseModel, ConfigDict, Field, field_validator
from scrapy.exceptions import UsageError

from rules_spider.outputs.command_args import ArgsCommand, catalog_name, split_list


class ReviewArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalog: str = Field(min_length=1)
    host: str = "127.0.0.1"
    port: int = Field(0, ge=0, le=65535)
    allowed_hosts: list[str] = []

    _split = field_validator("allowed_hosts", mode="before")(split_list)


class Command(ArgsCommand):
    def syntax(self) -> str:
        return "-a catalog=NAME [-a host=127.0.0.1] [-a port=N] [-a allowed_hosts=name,...]"

    def short_desc(self) -> str:
        return "Review a catalog's rules in the browser: accept, reject, edit, pin"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        params: ReviewArgs = self.parse_args(ReviewArgs, opts.spargs)
        try:
            from rules_spider.review.app import ReviewSite, create_review_app
        except ImportError as exc:
            raise UsageError(f"scrapy review needs the review extra (pip install 'rules-spider[review]'): {exc}",
                             print_help=False) from None
        from rules_spider.learning.paths import state_dir_from_settings
        from rules_spider.learning.store import FeedbackStore
        from rules_spider.outputs.export import output_dir_for
        from rules_spider.review.catalog_rules import CatalogRules
        from rules_spider.review.serve import AddressError, allowed_hosts_for, bind, serve

        name = catalog_name(params.catalog)
        try:
            rules = CatalogRules(output_dir_for(self.settings, name))
            hosts = allowed_hosts_for(params.host, params.allowed_hosts)
            sock = bind(params.host, params.port)
        except (FileNotFoundError, AddressError, ValueError) as exc:
            raise UsageError(str(exc), print_help=False) from None
        state_dir = state_dir_from_settings(self.settings)
        with FeedbackStore(state_dir) as store:
            site = ReviewSite(catalog=name, rules=rules, store=store, state_dir=state_dir,
                              token=secrets.token_urlsafe(32))
            app = create_review_app(site, hosts)
            serve(app, sock, lambda url: print(f"Reviewing {name} at {url} (Ctrl-C stops)", flush=True))
