"""``scrapy mcp``: a Model Context Protocol server over a catalog's rules, for coding assistants.

    scrapy mcp -a catalog=frameworks                       # stdio (the assistant starts it)
    scrapy mcp -a catalog=frameworks -a transport=http [-a host=127.0.0.1] [-a port=8765]

Serves the reviewed rules of ``RULES_OUTPUT_DIR/<catalog>/rules.jsonl`` (rejected rules left out, edits
in): tools ``search_rules``, ``rules_for_file`` and ``report_rule_outcome``, and one resource per
source's rule file (see ``rules_spider.mcp_server.server``). Outcomes go to the feedback store of
``RULES_STATE_DIR`` as signals and labeled units. Over stdio nothing but the protocol is written to
stdout; the HTTP transport prints its URL (``/mcp``) and checks Host headers. Needs the ``mcp`` extra.
"""

from __future__ import annotations

import argparse
from typing import Any, ClassVar, Literal

from scrapy.exceptions import UsageError

from rules_spider.outputs.command_args import ArgsCommand, ServerArgs, bound_socket, catalog_rules_for


class MCPArgs(ServerArgs):
    transport: Literal["stdio", "http"] = "stdio"


class Command(ArgsCommand):
    # Scrapy's log goes to stderr; over stdio, stdout belongs to the protocol.
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "-a catalog=NAME [-a transport=stdio|http] [-a host=127.0.0.1] [-a port=N] [-a allowed_hosts=name,...]"

    def short_desc(self) -> str:
        return "Serve a catalog's rules to coding assistants over the Model Context Protocol"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        params: MCPArgs = self.parse_args(MCPArgs, opts.spargs)
        try:
            from rules_spider.mcp_server.server import build_server
        except ImportError as exc:
            raise UsageError(f"scrapy mcp needs the mcp extra (pip install 'rules-spider[mcp]'): {exc}",
                             print_help=False) from None
        from rules_spider.config import RulesConfig
        from rules_spider.learning.store import FeedbackStore
        from rules_spider.review.serve import serve

        name, rules = catalog_rules_for(self.settings, params.catalog)
        with FeedbackStore(RulesConfig.from_settings(self.settings).state_dir) as store:
            server = build_server(name, rules, store)
            if params.transport == "stdio":
                server.run("stdio")
                return
            from mcp.server.transport_security import TransportSecuritySettings

            hosts, sock = bound_socket(params)
            security = TransportSecuritySettings(
                allowed_hosts=[f"{h}:*" for h in hosts] + hosts,
                allowed_origins=[f"http://{h}:*" for h in hosts],
            )
            app = server.streamable_http_app(host=params.host, transport_security=security)
            serve(app, sock, lambda url: print(f"MCP server for {name} at {url} (Ctrl-C stops)", flush=True),
                  path="/mcp")
