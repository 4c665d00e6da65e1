"""A small static documentation server on 127.0.0.1, for the offline demo.

``tests/docs_server.py`` extends it with hit counts and per-path behaviours
(fault injection) for the tests.
"""

from __future__ import annotations

import logging
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

logger = logging.getLogger(__name__)


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files from the server's directory; request lines go to the debug log."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        logger.debug("docs server: " + format, *args)


class _DocsHTTPServer(ThreadingHTTPServer):
    daemon_threads = True


class DocsServer:
    """``with DocsServer(root) as server: server.url("/sphinx/")``"""

    handler_class: type[SimpleHTTPRequestHandler] = QuietHandler

    def __init__(self, root: Path | str, port: int = 0):
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"docs server root {self.root} is not a directory")
        handler = partial(self.handler_class, directory=str(self.root))
        self._httpd = _DocsHTTPServer(("127.0.0.1", port), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="docs-server", daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

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
