"""A small static documentation server on 127.0.0.1, for the offline demo and the tests.

It serves a directory, counts hits per path (tests assert on them) and can be
given extra per-path behaviours (fault injection in tests).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

logger = logging.getLogger(__name__)

# A behaviour takes over a request for one path: it gets the handler and writes the response.
Behaviour = Callable[[SimpleHTTPRequestHandler], None]


class _Handler(SimpleHTTPRequestHandler):
    server: _DocsHTTPServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.hits[path] += 1
        behaviour = self.server.behaviours.get(path)
        if behaviour is not None:
            behaviour(self)
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        logger.debug("docs server: " + format, *args)


class _DocsHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    hits: Counter[str]
    behaviours: dict[str, Behaviour]
    lock: threading.Lock


class DocsServer:
    """``with DocsServer(root) as server: server.url("/sphinx/")``"""

    def __init__(self, root: Path | str, behaviours: dict[str, Behaviour] | None = None, port: int = 0):
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"docs server root {self.root} is not a directory")
        handler = partial(_Handler, directory=str(self.root))
        self._httpd = _DocsHTTPServer(("127.0.0.1", port), handler)
        self._httpd.hits = Counter()
        self._httpd.behaviours = dict(behaviours or {})
        self._httpd.lock = threading.Lock()
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="docs-server", daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def hits(self) -> Counter[str]:
        return self._httpd.hits

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add_behaviour(self, path: str, behaviour: Behaviour) -> None:
        self._httpd.behaviours[path] = behaviour

    def start(self) -> DocsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> DocsServer:
        return self.start()

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.stop()
