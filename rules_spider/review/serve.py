"""Serving an ASGI app on a local address with uvicorn: bind first (port 0 picks a free port), then
say where, then serve until interrupted. Shared by ``scrapy review`` and ``scrapy mcp -a transport=http``."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


class AddressError(ValueError):
    """A host or port that cannot be served safely or at all."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts_for(host: str, extra: list[str]) -> list[str]:
    """Host header values to accept: the bound host (and the loopback names when it is loopback), plus
    ``extra``. A wildcard bind (0.0.0.0, ::) has no name of its own, so it needs ``extra``."""
    if host in ("0.0.0.0", "::") and not extra:  # noqa: S104 - refusing, not binding
        raise AddressError(f"binding {host} serves every interface: name the host names clients use with "
                           "-a allowed_hosts=name1,name2 (the Host header check refuses all others)")
    names = list(LOOPBACK_NAMES) if is_loopback(host) else [host]
    return list(dict.fromkeys([*names, *extra]))


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise AddressError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    return sock


def url_of(sock: socket.socket, path: str = "/") -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}"


def serve(app: object, sock: socket.socket, announce: Callable[[str], None], path: str = "/") -> None:
    """Run ``app`` on the bound ``sock`` until Ctrl-C; ``announce`` gets the URL once it is listening."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", lifespan="auto", server_header=False)  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    announce(url_of(sock, path))
    server.run(sockets=[sock])
