"""The demo's docs server with what tests need on top: hits per path and per-path behaviours.

    with DocsServer(root, behaviours={"/flaky.html": always_status(503)}) as server:
        server.hits["/sphinx/"]      # requests seen per path
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

from rules_spider.devserver import DocsServer as StaticDocsServer
from rules_spider.devserver import QuietHandler

# A behaviour takes over a request for one path: it gets the handler and writes the response.
Behaviour = Callable[[SimpleHTTPRequestHandler], None]


class _CountingHandler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        server = self.server
        with server.lock:  # type: ignore[attr-defined]
            server.hits[path] += 1  # type: ignore[attr-defined]
        behaviour = server.behaviours.get(path)  # type: ignore[attr-defined]
        if behaviour is not None:
            behaviour(self)
            return
        super().do_GET()


class DocsServer(StaticDocsServer):
    handler_class = _CountingHandler

    def __init__(self, root: Path | str, behaviours: dict[str, Behaviour] | None = None, port: int = 0):
        super().__init__(root, port)
        self._httpd.hits = Counter()  # type: ignore[attr-defined]
        self._httpd.behaviours = dict(behaviours or {})  # type: ignore[attr-defined]
        self._httpd.lock = threading.Lock()  # type: ignore[attr-defined]

    @property
    def hits(self) -> Counter[str]:
        return self._httpd.hits  # type: ignore[attr-defined]

    def add_behaviour(self, path: str, behaviour: Behaviour) -> None:
        self._httpd.behaviours[path] = behaviour  # type: ignore[attr-defined]
