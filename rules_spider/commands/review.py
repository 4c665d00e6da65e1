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

from scrapy.exceptions import UsageError

from rules_spider.outputs.command_args import ArgsCommand, ServerArgs, bound_socket, catalog_rules_for


class Command(ArgsCommand):
    def syntax(self) -> str:
        return "-a catalog=NAME [-a host=127.0.0.1] [-a port=N] [-a allowed_hosts=name,...]"

    def short_desc(self) -> str:
        return "Review a catalog's rules in the browser: accept, reject, edit, pin"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        params: ServerArgs = self.parse_args(ServerArgs, opts.spargs)
        try:
            from rules_spider.review.app import ReviewSite, create_review_app
        except ImportError as exc:
            raise UsageError(f"scrapy review needs the review extra (pip install 'rules-spider[review]'): {exc}",
                             print_help=False) from None
        from rules_spider.config import RulesConfig
        from rules_spider.learning.store import FeedbackStore
        from rules_spider.review.serve import serve

        name, rules = catalog_rules_for(self.settings, params.catalog)
        hosts, sock = bound_socket(params)
        state_dir = RulesConfig.from_settings(self.settings).state_dir
        with FeedbackStore(state_dir) as store:
            site = ReviewSite(catalog=name, rules=rules, store=store, state_dir=state_dir,
                              token=secrets.token_urlsafe(32))
            serve(create_review_app(site, hosts), sock,
                  lambda url: print(f"Reviewing {name} at {url} (Ctrl-C stops)", flush=True))
