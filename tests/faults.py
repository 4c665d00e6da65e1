"""Fault injection for crawl tests: misbehaving responses, a faulty docs site and a generated big site.

Every behaviour is a ``Behaviour`` for :class:`tests.docs_server.DocsServer`
(it gets the request handler and writes the whole response itself). The
faulty site puts one fault per page under a few sources, each with a healthy
start page, and says which stats key each fault must be counted under.
Everything is served on 127.0.0.1 only.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.docs_server import Behaviour

Handler = SimpleHTTPRequestHandler


# --- page text ------------------------------------------------------------------------------

_WORDS = (
    "cache pool session token queue worker schema index cursor buffer socket channel stream batch "
    "shard replica lease lock timer signal handler router codec parser encoder plugin adapter "
    "backend frontend bundle module package service client server request response header cookie "
    "payload record column table view migration fixture mock probe metric span trace log event "
    "hook task job cron retry backoff limit quota budget slot region zone bucket object blob"
).split()


def doc_page(title: str, paragraphs: list[str], links: list[str] | tuple[str, ...] = (), *,
             charset: str | None = "utf-8") -> str:
    """A small documentation page: a nav of ``links`` and a main article."""
    meta = f'<meta charset="{charset}">' if charset else ""
    nav = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<!DOCTYPE html><html lang=\"en\"><head>{meta}<title>{title}</title></head><body>"
        f"<nav><ul>{nav}</ul></nav><main><article><h1>{title}</h1>{body}</article></main></body></html>"
    )


def directives(seed: int, n: int = 3) -> list[str]:
    """``n`` distinct, rule-like sentences (different for every seed) that the extractive generator keeps."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(n):
        a, b, c = rng.sample(_WORDS, 3)
        ident = f"{a}_{b}{seed}"
        kind = rng.randrange(3)
        if kind == 0:
            sentences.append(
                f"Always call <code>{ident}.open()</code> before you use the {c} layer, otherwise the first {b} request fails."
            )
        elif kind == 1:
            sentences.append(
                f"Never share a <code>{ident}</code> object between threads; create one {c} per worker instead."
            )
        else:
            sentences.append(
                f"You must set <code>{ident}_timeout</code> explicitly, because the default {c} {b} waits forever."
            )
    return sentences


# --- behaviours -----------------------------------------------------------------------------


def _send(handler: Handler, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
          headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def serve(body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200) -> Behaviour:
    """Always answer ``body`` (bytes as they are) with ``content_type``."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def behaviour(handler: Handler) -> None:
        _send(handler, status, data, content_type)

    return behaviour


class FailThenServe:
    """``status`` for the first ``failures`` requests (with ``Retry-After`` if given), then ``body``.

    ``times`` records when each request came (``time.monotonic()``), to see how retries were spaced.
    """

    def __init__(self, status: int, failures: int, body: str, *, retry_after: str | None = None):
        self.status, self.failures, self.body, self.retry_after = status, failures, body.encode(), retry_after
        self.times: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, handler: Handler) -> None:
        with self._lock:
            self.times.append(time.monotonic())
            failing = len(self.times) <= self.failures
        if failing:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            _send(handler, self.status, f"<html><body>error {self.status}</body></html>".encode(), headers=headers)
        else:
            _send(handler, 200, self.body)


def always_status(status: int) -> Behaviour:
    return serve(f"<html><body><p>Service unavailable ({status}).</p></body></html>", status=status)


def reset_mid_body(body: str) -> Behaviour:
    """Promise the whole body, send half of it, then reset the TCP connection (RST, not FIN)."""
    data = body.encode()

    def behaviour(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data[: len(data) // 2])
        handler.wfile.flush()
        # SO_LINGER with a zero timeout makes close() send RST.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
        handler.close_connection = True

    return behaviour


def never_finish(release: threading.Event, max_seconds: float = 30.0) -> Behaviour:
    """Send headers and the start of a page, then stall until ``release`` is set (or ``max_seconds``)."""

    def behaviour(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<!DOCTYPE html><html><head><title>Slow</title></head><body><p>")
        handler.wfile.flush()
        release.wait(max_seconds)
        handler.close_connection = True

    return behaviour


@dataclass
class ByteMeter:
    """How many body bytes a streaming behaviour got into the socket, per request."""

    sent: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, n: int) -> None:
        with self.lock:
            self.sent.append(n)


def huge_page(total_bytes: int, meter: ByteMeter, *, declare_length: bool, chunk: int = 256 * 1024) -> Behaviour:
    """A ``total_bytes`` HTML page streamed in chunks (length declared or close-delimited).

    Counts the bytes written before the client hung up, to prove it was not read whole.
    """
    filler = (b"<p>" + b"Large generated reference table row. " * 64 + b"</p>\n") * (chunk // 2500 + 1)
    filler = filler[:chunk]

    def behaviour(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        if declare_length:
            handler.send_header("Content-Length", str(total_bytes))
        handler.end_headers()
        written = 0
        try:
            handler.wfile.write(b"<!DOCTYPE html><html><head><title>Huge</title></head><body>")
            while written < total_bytes:
                handler.wfile.write(filler)
                written += len(filler)
        except OSError:
            pass  # the client hung up: that is what the test wants to see
        finally:
            meter.add(written)
            handler.close_connection = True

    return behaviour


def redirect(location: str, status: int = 302) -> Behaviour:
    def behaviour(handler: Handler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return behaviour


def endless_redirects(path: str) -> Behaviour:
    """``path?hop=n`` redirects to ``path?hop=n+1``, forever."""

    def behaviour(handler: Handler) -> None:
        query = parse_qs(urlsplit(handler.path).query)
        hop = int(query.get("hop", ["0"])[0])
        redirect(f"{path}?hop={hop + 1}")(handler)

    return behaviour


def query_explosion(path: str, sorts: tuple[str, ...] = ("a", "b", "c", "d", "e")) -> Behaviour:
    """A listing whose every variant links to the next pages in every sort order: unbounded URLs."""

    def behaviour(handler: Handler) -> None:
        query = parse_qs(urlsplit(handler.path).query)
        page = int(query.get("page", ["1"])[0])
        links = [f"{path}?page={p}&sort={s}" for p in (page + 1, page + 2) for s in sorts]
        links += [f"{path}?sort={s}&page={page}&filter={s}{page}" for s in sorts]
        text = [f"Listing page {page} of the generated index of every {s} entry, ordered as requested." for s in sorts]
        _send(handler, 200, doc_page(f"Listing {page}", text, links).encode())

    return behaviour


def calendar(prefix: str, start_year: int = 2024, years: int = 60) -> dict[str, Behaviour]:
    """``prefix/YYYY/MM/`` pages, each linking to the next month: an endless chain for a crawler."""
    behaviours: dict[str, Behaviour] = {}
    for year in range(start_year, start_year + years):
        for month in range(1, 13):
            nxt_year, nxt_month = (year, month + 1) if month < 12 else (year + 1, 1)
            body = doc_page(
                f"Events {year}-{month:02d}",
                [f"No events are scheduled for {year}-{month:02d}; the calendar lists upcoming community meetups."],
                [f"{prefix}{nxt_year}/{nxt_month:02d}/"],
            )
            behaviours[f"{prefix}{year}/{month:02d}/"] = serve(body)
    return behaviours


# --- the faulty site --------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One injected fault: where it is, what must count it, and whether its page is lost."""

    name: str
    source: str
    path: str
    stat: str  # key under source/<name>/ that counts it ("pages": the page is crawled and kept)
    lost: int  # pages of content lost by design (0: the crawler recovers it)
    attempts: int | None = None  # requests the server must see for ``path``
    count: int | None = 1  # what it adds to ``stat`` (None: link occurrences, at least 1)


@dataclass
class FaultySite:
    root: Path
    behaviours: dict[str, Behaviour]
    faults: list[Fault]
    release: threading.Event
    big_meter: ByteMeter
    retry_after: FailThenServe
    # path -> a phrase its extracted text must contain (pages the crawler must keep)
    kept_pages: dict[str, str]

    def catalog_entries(self, base_url: str) -> str:
        """YAML list entries (under ``sources:``) for the faulty sources served at ``base_url``."""
        return "".join(
            f"  - url: {base_url}{prefix}\n    name: {name}\n    technology: go\n    priority: 2\n{extra}"
            for name, prefix, extra in FAULTY_SOURCES
        )


TRAP_MAX_DEPTH = 6
FAULTY_SOURCES = (
    ("Flaky", "/flaky/", ""),
    ("Broken", "/broken/", ""),
    ("Traps", "/traps/", f"    max_depth: {TRAP_MAX_DEPTH}\n"),
    ("Messy", "/messy/", ""),
    ("Down", "/down/", ""),
)
BIG_PAGE_BYTES = 50 * 1024 * 1024
# Scrapy 2.19 does not wait for Retry-After: the retry comes at once (the test measures it).
RETRY_AFTER_SECONDS = 30
LONG_URL_CHARS = 2100  # over Scrapy's URLLENGTH_LIMIT (2083)


def _write(root: Path, path: str, data: bytes | str) -> None:
    file = root / path.lstrip("/")
    if path.endswith("/"):
        file = file / "index.html"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _page(seed: int, title: str) -> str:
    return doc_page(title, directives(seed))


def build_faulty_site(root: Path) -> FaultySite:
    """Write the faulty site's static files under ``root`` and return its behaviours and expectations."""
    behaviours: dict[str, Behaviour] = {}
    faults: list[Fault] = []
    kept: dict[str, str] = {}
    release = threading.Event()
    meter = ByteMeter()
    _write(root, "/robots.txt", "User-agent: *\nDisallow: /messy/private/\n")

    # Flaky: server errors that go away are retried until the page comes; one never goes away.
    retry_after = FailThenServe(429, 1, _page(103, "Recovers after a 429"), retry_after=str(RETRY_AFTER_SECONDS))
    flaky: list[tuple[str, Behaviour, str, int]] = [
        ("/flaky/500-twice.html", FailThenServe(500, 2, _page(101, "Recovers after two 500s")), "500 twice, then 200", 3),
        ("/flaky/503-once.html", FailThenServe(503, 1, _page(102, "Recovers after a 503")), "503 once, then 200", 2),
        ("/flaky/429-retry-after.html", retry_after, f"429 with Retry-After: {RETRY_AFTER_SECONDS}, then 200", 2),
    ]
    for path, behaviour, name, attempts in flaky:
        behaviours[path] = behaviour
        faults.append(Fault(name, "Flaky", path, "pages", 0, attempts, None))
        kept[path] = "Recovers after"
    behaviours["/flaky/always-503.html"] = always_status(503)
    faults.append(Fault("503 on every attempt", "Flaky", "/flaky/always-503.html", "errors/http_503", 1, 3))
    _write(root, "/flaky/", doc_page("Flaky docs", directives(100), [p for p, *_ in flaky] + ["/flaky/always-503.html"]))
    kept["/flaky/"] = "Flaky docs"

    # Broken: transport faults and limits; every one of these pages is lost, and counted.
    broken: list[tuple[str, Behaviour, str, str, int | None, int]] = [
        ("/broken/reset.html", reset_mid_body(_page(201, "Reset")), "connection reset mid-body",
         "errors/connection_lost", 3, 1),
        ("/broken/stalled.html", never_finish(release), "response never finishes (DOWNLOAD_TIMEOUT)",
         "errors/timeout", 3, 1),
        ("/broken/huge.html", huge_page(BIG_PAGE_BYTES, meter, declare_length=True),
         "50 MB page, Content-Length declared", "errors/too_large", 1, 1),
        ("/broken/huge-stream.html", huge_page(BIG_PAGE_BYTES, meter, declare_length=False),
         "50 MB page, streamed without a length", "errors/too_large", None, 1),
        ("/broken/redirect-forever", endless_redirects("/broken/redirect-forever"),
         "endless redirect chain (REDIRECT_MAX_TIMES)", "errors/too_many_redirects", None, 1),
        # Both pages of the cycle are linked, so each one's redirect lands on a page already requested.
        ("/broken/loop-a.html", redirect("/broken/loop-b.html"), "redirect cycle a -> b -> a",
         "dropped/redirected_to_seen", None, 2),
    ]
    for path, behaviour, name, stat, attempts, count in broken:
        behaviours[path] = behaviour
        lost = 0 if "redirect" in name else 1  # a redirect loop has no page to lose
        faults.append(Fault(name, "Broken", path, stat, lost, attempts, count))
    behaviours["/broken/loop-b.html"] = redirect("/broken/loop-a.html")
    links = [p for p, *_ in broken] + ["/broken/loop-b.html", "/broken/ok.html"]
    _write(root, "/broken/", doc_page("Broken docs", directives(200), links))
    _write(root, "/broken/ok.html", _page(202, "Still fine"))
    kept["/broken/"] = "Broken docs"
    kept["/broken/ok.html"] = "Still fine"

    # Traps: URL spaces without end.
    behaviours.update(calendar("/traps/cal/"))
    behaviours["/traps/list.html"] = query_explosion("/traps/list.html")
    long_link = "/traps/search.html?q=" + "x" * LONG_URL_CHARS
    _write(root, "/traps/", doc_page("Trap docs", directives(300), ["/traps/cal/2024/01/", "/traps/list.html", long_link]))
    _write(root, "/traps/search.html", _page(301, "Search"))
    kept["/traps/"] = "Trap docs"
    faults += [
        Fault("calendar link trap (/cal/2024/01/ -> /cal/2024/02/ ...)", "Traps", "/traps/cal/", "pages", 0, None, None),
        Fault("query-string explosion (?page=n&sort=x ...)", "Traps", "/traps/list.html", "capped/query_variants", 0,
              None, None),
        Fault(f"URL longer than URLLENGTH_LIMIT ({LONG_URL_CHARS + 20} chars)", "Traps", "/traps/search.html",
              "capped/url_length", 0),
    ]

    # Messy: bad markup and encodings are crawled; binaries are not pages; robots.txt is obeyed.
    latin = doc_page("Caf\u00e9 configuration", ["The caf\u00e9 r\u00e9sum\u00e9 option is na\u00efve: " + directives(403)[0]])
    cp1252 = doc_page("Quotes \u201csmart\u201d \u2013 guide", ["Use \u201csmart\u201d quotes \u2013 " + directives(404)[0]],
                      charset=None)
    truncated = _page(402, "Truncated page").encode()
    malformed = (
        "<html><head><title>Malformed</title><body><div><p>Unclosed paragraphs everywhere<p>" + directives(401)[0]
        + "<table><tr><td>cell<div></span></b><p>" + directives(401)[1] + "</td></html></body></div>"
    )
    # path, body, Content-Type, fault, a phrase the kept page's text must contain
    messy: list[tuple[str, bytes, str, str, str]] = [
        ("/messy/malformed.html", malformed.encode(), "text/html; charset=utf-8", "malformed HTML (unclosed, misnested)",
         "Unclosed paragraphs"),
        ("/messy/truncated.html", truncated[: len(truncated) * 4 // 5], "text/html; charset=utf-8",
         "truncated HTML (no closing tags)", "Truncated page"),
        ("/messy/latin1-as-utf8.html", latin.encode("latin-1"), "text/html; charset=utf-8",
         "latin-1 bytes declared as UTF-8", "The caf\u00e9 r\u00e9sum\u00e9 option is na\u00efve"),
        ("/messy/cp1252-undeclared.html", cp1252.encode("cp1252"), "text/html", "cp1252 bytes, no charset anywhere",
         "Use \u201csmart\u201d quotes \u2013"),
        ("/messy/utf8-bom.html", ("\ufeff" + _page(405, "Byte order mark")).encode(), "text/html",
         "UTF-8 with a BOM, no charset", "Byte order mark"),
    ]
    for path, body, content_type, name, phrase in messy:
        behaviours[path] = serve(body, content_type)
        faults.append(Fault(name, "Messy", path, "pages", 0, None, None))
        kept[path] = phrase
    faults.append(Fault("latin-1 bytes declared as UTF-8: decoded again", "Messy", "/messy/latin1-as-utf8.html",
                        "repaired/charset", 0))
    behaviours["/messy/image.html"] = serve(b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(4000), "text/html")
    behaviours["/messy/archive.html"] = serve(b"PK\x03\x04" + random.Random(8).randbytes(4000), "application/octet-stream")
    _write(root, "/messy/private/secret.html", _page(406, "Secret"))
    faults += [
        Fault("PNG bytes served as text/html under .html", "Messy", "/messy/image.html", "dropped/non_html", 0),
        Fault("zip bytes (octet-stream) under .html", "Messy", "/messy/archive.html", "dropped/non_html", 0),
        # Lost by the site's wish: never requested.
        Fault("robots.txt disallows /messy/private/", "Messy", "/messy/private/secret.html",
              "errors/robots_disallowed", 1, 0),
    ]
    links = [p for p, *_ in messy] + ["/messy/image.html", "/messy/archive.html", "/messy/private/secret.html"]
    _write(root, "/messy/", doc_page("Messy docs", directives(400), links))
    kept["/messy/"] = "Messy docs"

    # Down: the start page itself never works, so the source fails and the batch goes on.
    behaviours["/down/"] = always_status(503)
    faults.append(Fault("start URL answers 503 on every attempt", "Down", "/down/", "errors/http_503", 1, 3))
    return FaultySite(root, behaviours, faults, release, meter, retry_after, kept)


# --- a generated big site -------------------------------------------------------------------


def generated_page_paths(n_pages: int, prefix: str = "/gen/") -> list[str]:
    return [prefix] + [f"{prefix}p{i}.html" for i in range(1, n_pages)]


def build_generated_site(root: Path, n_pages: int, *, prefix: str = "/gen/", fanout: int = 20, seed: int = 0) -> list[str]:
    """Write ``n_pages`` pages under ``root/prefix``: a tree of ``fanout`` children per page
    (so every page is within depth log_fanout(n)), plus links to the parent and the
    previous and next pages, about ``fanout + 3`` links per page. Returns the page paths."""
    paths = generated_page_paths(n_pages, prefix)
    for i, path in enumerate(paths):
        children = range(i * fanout + 1, min(i * fanout + fanout + 1, n_pages))
        neighbours = {(i - 1) // fanout if i else 0, i - 1, i + 1}
        targets = [j for j in [*children, *sorted(neighbours)] if 0 <= j < n_pages and j != i]
        links = [paths[j] for j in targets]
        title = f"Topic {i}"
        html = doc_page(title, [f"Reference page {i} of the generated manual.", *directives(seed * 100_000 + i)], links)
        _write(root, path, html)
    return paths


# --- a docs server in its own process -------------------------------------------------------

_SERVER_SCRIPT = """
import json, sys
from tests.docs_server import DocsServer
with DocsServer(sys.argv[1]) as server:
    print(server.port, flush=True)
    sys.stdin.read()  # serve until the parent closes our stdin
    hits = dict(server.hits)
print(json.dumps(hits), flush=True)
"""


class ServerProcess:
    """A DocsServer of ``root`` in a child process, so it does not share the crawl's GIL.

    ``stop()`` ends it and returns its hit counts per path.
    """

    def __init__(self, root: Path):
        import subprocess
        import sys

        self._process = subprocess.Popen(
            [sys.executable, "-c", _SERVER_SCRIPT, str(root)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        self.port = int(self._process.stdout.readline())
        self.pid = self._process.pid

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self, timeout: float = 30) -> dict[str, int]:
        import json

        out, _ = self._process.communicate("", timeout=timeout)
        return json.loads(out.strip().splitlines()[-1])

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)
