"""The MCP server (official ``mcp`` SDK, ``MCPServer``): tools and resources over a catalog's rules.

Tools: ``search_rules`` (BM25 over title, body, evidence and subject), ``rules_for_file`` (rules whose
globs match a path, best first) and ``report_rule_outcome`` (helpful | not_helpful | wrong: a signal
and a labeled unit for the rule model, with the client's name). Resources: one markdown rule file per
source, ``rules://<catalog>/<source>``. Bad arguments and unknown ids are tool errors (``is_error``
results) or resource errors, never a crash.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.resources import FunctionResource
from pydantic import BaseModel, ConfigDict, Field

from rules_spider.clustering import cluster_rules
from rules_spider.items import Rule
from rules_spider.learning.store import FeedbackStore
from rules_spider.mcp_server.files import BadPathError
from rules_spider.mcp_server.served import ServedRules
from rules_spider.outputs.paths import slugify
from rules_spider.review.catalog_rules import CatalogRules
from rules_spider.review.judgements import MAX_NOTE, JudgementError, record_outcome
from rules_spider.writers.budget import priority_key
from rules_spider.writers.documents import group_document
from rules_spider.writers.groups import source_groups

logger = logging.getLogger(__name__)

INSTRUCTIONS = (
    "Rules drawn from the documentation of the libraries this project uses, each with its page URL and a "
    "verbatim evidence quote. Call search_rules before using an API you are unsure of, rules_for_file when "
    "you open or edit a file, and report_rule_outcome after you applied a rule (helpful, not_helpful, or "
    "wrong when the rule misled you)."
)


class RuleHit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    body: str
    evidence: str
    url: str
    source: str
    technology: str
    category: str
    score: float


class OutcomeRecorded(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule_id: str
    outcome: str
    labeled: bool = Field(description="whether the rule's unit became a labeled example for the rule model")


def _hit(rule: Rule, score: float) -> RuleHit:
    return RuleHit(id=rule.id, title=rule.title, body=rule.body, evidence=rule.evidence, url=rule.url,
                   source=rule.source_name, technology=rule.technology, category=rule.category,
                   score=round(score, 4))


def _client_name(ctx: Context) -> str:
    params = ctx.session.client_params
    info = params.client_info if params is not None else None
    if info is None:
        return "unknown"
    return f"{info.name} {info.version}".strip() if info.version else info.name


def _known(value: str | None, known: set[str], what: str) -> None:
    if value is not None and value.lower() not in {k.lower() for k in known}:
        raise ToolError(f"unknown {what} {value!r}; this catalog has: {', '.join(sorted(known)) or 'none'}")


def build_server(catalog: str, rules: CatalogRules, store: FeedbackStore) -> MCPServer:
    served = ServedRules(rules, store)
    server = MCPServer(name="rules-spider", title=f"rules-spider: {catalog}", instructions=INSTRUCTIONS,
                       log_level="WARNING")

    @server.tool()
    def search_rules(
        query: Annotated[str, Field(min_length=1, max_length=500, description="what you are about to do or ask")],
        technology: Annotated[str | None, Field(description="only rules of this technology, e.g. python")] = None,
        source: Annotated[str | None, Field(description="only rules of this documentation source")] = None,
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
    ) -> list[RuleHit]:
        """Search the catalog's rules (BM25 over title, body, evidence and subject), best first."""
        current = served.current()
        _known(technology, {r.technology for r in current.rules}, "technology")
        _known(source, {r.source_name for r in current.rules}, "source")
        hits = current.search.search(query, technology=technology, source=source, limit=limit)
        return [_hit(hit.rule, hit.score) for hit in hits]

    @server.tool()
    def rules_for_file(
        path: Annotated[str, Field(min_length=1, max_length=1024, description="the file's path, e.g. src/app.py")],
        limit: Annotated[int, Field(ge=1, le=50)] = 20,
    ) -> list[RuleHit]:
        """Rules whose globs match ``path``: pinned first, then rules naming the file, then by probability."""
        current = served.current()
        try:
            matches = current.files.for_path(path, limit)
        except BadPathError as exc:
            raise ToolError(str(exc)) from None
        return [_hit(m.rule, m.rule.quality_score or 0.0) for m in matches]

    @server.tool()
    def report_rule_outcome(
        rule_id: Annotated[str, Field(min_length=1, max_length=128)],
        outcome: Literal["helpful", "not_helpful", "wrong"],
        ctx: Context,
        note: Annotated[str | None, Field(max_length=MAX_NOTE)] = None,
    ) -> OutcomeRecorded:
        """Report how a rule did: helpful, not_helpful, or wrong (it misled you). Teaches the rule model."""
        current = served.current()
        rule = current.crawled.get(rule_id)
        if rule is None:
            raise ToolError(f"unknown rule id {rule_id!r} in catalog {catalog}")
        try:
            labeled = record_outcome(store, rule, catalog, outcome, client=_client_name(ctx), note=note)
        except JudgementError as exc:
            raise ToolError(str(exc)) from None
        return OutcomeRecorded(rule_id=rule_id, outcome=outcome, labeled=labeled)

    for source in sorted({r.source_name for r in served.current().rules}, key=str.lower):
        server.add_resource(FunctionResource(
            uri=f"rules://{slugify(catalog)}/{slugify(source)}", name=source, title=f"{source} rules",
            description=f"The reviewed rules of {source}, as one markdown file", mime_type="text/markdown",
            fn=lambda source=source: _source_document(served, source),
        ))
    return server


def _source_document(served: ServedRules, source: str) -> str:
    current = served.current()
    clustering = cluster_rules([r for r in current.rules if r.source_name == source])
    groups = source_groups(clustering.clusters, [source])
    if not groups:
        raise ResourceError(f"no rules of {source} are left (all rejected since the server started?)")
    group = groups[0]
    return group_document(group, sorted(group.rules, key=priority_key(current.pinned)))
