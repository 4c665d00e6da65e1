"""The review page as an ASGI app (Starlette): server-rendered HTML, a little vanilla JS, two JSON
endpoints for actions. Everything is served from the package; nothing loads from elsewhere.

Safety: requests whose Host header is not an allowed host are refused (DNS rebinding); every POST
needs the per-run token the page carries (CSRF) and a JSON body; rule text is autoescaped and only
http(s) URLs become links; the Content-Security-Policy allows this origin's scripts and styles only.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rules_spider.corpus.labels import FAILURE_KINDS
from rules_spider.items import RULE_CATEGORIES
from rules_spider.learning.store import FeedbackStore
from rules_spider.review.catalog_rules import CatalogRules
from rules_spider.review.decisions import fold_decisions
from rules_spider.review.items import ReviewItem, feedback_by_rule, review_item
from rules_spider.review.judgements import Edit, JudgementError, record_review
from rules_spider.review.model_figures import ModelCards
from rules_spider.review.query import ReviewQuery, select

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
STATIC_PREFIX = "/static"
MAX_BULK = 1000
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
     b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]
STATUSES = [("", "any"), ("undecided", "undecided"), ("accepted", "accepted"), ("rejected", "rejected"),
            ("pinned", "pinned"), ("edited", "edited")]
SORTS = [("score_desc", "probability, high first"), ("score_asc", "probability, low first"),
         ("title", "title"), ("category", "category")]


class DecideRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule_id: str = Field(min_length=1, max_length=128)
    action: str
    reason: str | None = None
    title: str | None = None
    body: str | None = None


class BulkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule_ids: list[str] = Field(min_length=1, max_length=MAX_BULK)
    action: str
    reason: str | None = None


def _security_headers(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *SECURITY_HEADERS]
            await send(message)

        await app(scope, receive, send_with_headers if scope["type"] == "http" else send)

    return wrapped


def is_safe_url(url: object) -> bool:
    return isinstance(url, str) and urlsplit(url).scheme in ("http", "https")


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


@dataclass
class ReviewSite:
    """What the page reviews: a catalog's rules and the feedback store of its state dir."""

    catalog: str
    rules: CatalogRules
    store: FeedbackStore
    state_dir: Path
    token: str

    def items(self) -> list[ReviewItem]:
        current = self.rules.current()
        decisions = fold_decisions(self.store.decisions())
        feedback = feedback_by_rule(self.store.unit_labels(), self.store.signals(rule_ids=list(current.by_id)))
        cards = ModelCards.load(self.state_dir)
        return [
            review_item(rule, decisions.get(rule.id), feedback.get(rule.id), cards,
                        current.cluster_names.get((rule.technology, rule.cluster), "") if rule.cluster is not None else "")
            for rule in current.rules
        ]

    def item(self, rule_id: str) -> ReviewItem | None:
        return next((item for item in self.items() if item.rule.id == rule_id), None)


def create_review_app(site: ReviewSite, allowed_hosts: list[str]) -> Starlette:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=False)
    env.tests["safe_url"] = is_safe_url
    env.globals.update(failure_kinds=FAILURE_KINDS, pct=_percent, static_prefix=STATIC_PREFIX)

    def render_card(item: ReviewItem) -> str:
        return env.get_template("rule.html").render(item=item)

    def page(request: Request) -> Response:
        error = None
        try:
            query = ReviewQuery.model_validate(dict(request.query_params))
        except ValidationError as exc:
            error = "Bad filter: " + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            query = ReviewQuery()
        items = site.items()
        decided = Counter(item.decision.status for item in items)
        counts = {"total": len(items), "accepted": decided["accepted"], "rejected": decided["rejected"],
                  "pinned": sum(item.decision.pinned for item in items),
                  "edited": sum(item.decision.edited for item in items)}
        facets = {"sources": sorted({i.original.source_name for i in items}),
                  "technologies": sorted({i.original.technology for i in items}),
                  "categories": [c for c in RULE_CATEGORIES if any(i.rule.category == c for i in items)]}
        params = {k: v for k, v in request.query_params.items() if k != "page"}

        def page_link(number: int) -> str:
            return "?" + urlencode({**params, "page": number})

        html = env.get_template("page.html").render(
            catalog=site.catalog, token=site.token, root="/", query=query, page=select(items, query), counts=counts,
            facets=facets, statuses=STATUSES, sorts=SORTS, error=error, page_link=page_link,
            figures=ModelCards.load(site.state_dir).figures(),
        )
        return HTMLResponse(html, status_code=400 if error else 200)

    async def checked_json(request: Request) -> Any:
        """The JSON body of a state-changing request, or a refusal (bad token, not JSON)."""
        sent = request.headers.get("x-csrf-token", "")
        if not secrets.compare_digest(sent.encode(), site.token.encode()):
            return JSONResponse({"error": "missing or wrong CSRF token; reload the page"}, status_code=403)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return JSONResponse({"error": "send JSON (Content-Type: application/json)"}, status_code=415)
        try:
            return await request.json()
        except ValueError:
            return JSONResponse({"error": "the body is not JSON"}, status_code=400)

    def json_endpoint(model: type[BaseModel], handle: Any) -> Any:
        """A POST endpoint: token and JSON checked, body validated into ``model``, ``handle`` run off
        the event loop; a JudgementError is a 400, an unknown rule (LookupError) a 404."""

        async def endpoint(request: Request) -> Response:
            body = await checked_json(request)
            if isinstance(body, Response):
                return body
            try:
                return await run_in_threadpool(handle, model.model_validate(body))
            except ValidationError as exc:
                return JSONResponse({"error": _problems(exc)}, status_code=400)
            except JudgementError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            except LookupError as exc:
                return JSONResponse({"error": str(exc.args[0])}, status_code=404)

        return endpoint

    def rules_named(rule_ids: list[str]) -> list[Any]:
        by_id = site.rules.current().by_id
        unknown = [rule_id for rule_id in rule_ids if rule_id not in by_id]
        if unknown:
            raise LookupError(f"no rule {unknown[0]!r} in catalog {site.catalog}")
        return [by_id[rule_id] for rule_id in dict.fromkeys(rule_ids)]

    def decide(wanted: DecideRequest) -> Response:
        [rule] = rules_named([wanted.rule_id])
        edit = Edit(wanted.title or "", wanted.body or "") if wanted.action == "edit" else None
        record_review(site.store, [rule], site.catalog, wanted.action, reason=wanted.reason or None, edit=edit)
        item = site.item(rule.id)
        assert item is not None
        message = f"{wanted.action}: {item.rule.title}"
        if item.identifiers_dropped:
            message = f"saved, but the edit names none of {', '.join(item.identifiers_dropped)}"
        return JSONResponse({"ok": True, "html": render_card(item), "message": message,
                             "warning": bool(item.identifiers_dropped)})

    def bulk(wanted: BulkRequest) -> Response:
        if wanted.action not in ("accept", "reject"):
            raise JudgementError("bulk actions are accept and reject")
        count = record_review(site.store, rules_named(wanted.rule_ids), site.catalog, wanted.action,
                              reason=wanted.reason or None)
        return JSONResponse({"ok": True, "count": count, "message": f"{wanted.action}: {count} rules"})

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/api/decide", json_endpoint(DecideRequest, decide), methods=["POST"]),
        Route("/api/bulk", json_endpoint(BulkRequest, bulk), methods=["POST"]),
        Mount(STATIC_PREFIX, StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)])
    return _security_headers(app)  # type: ignore[return-value]


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
