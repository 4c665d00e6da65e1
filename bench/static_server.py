"""A fast static server for the benchmarks, run in its own process (its own core).

``python bench/static_server.py ROOT [--hosts 1] [--port 0]``

Serves ROOT with ``twisted.web.static.File`` on 127.0.0.1, and on 127.0.0.2 ...
127.0.0.H when ``--hosts H`` > 1 (the whole 127.0.0.0/8 is loopback on Linux), all
on the same port, without access logging. Prints ``READY <port>`` on stdout once
listening, and stops on SIGTERM/SIGINT or when its stdin closes (so it never
outlives the benchmark that started it).

``start_server(root, hosts)`` runs it as a subprocess and returns ``(process, port)``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

LOOPBACK_HOSTS_MAX = 250


def host_address(number: int) -> str:
    """The loopback address of host ``number`` (0-based): 127.0.0.1, 127.0.0.2, ..."""
    if not 0 <= number < LOOPBACK_HOSTS_MAX:
        raise ValueError(f"host number must be in [0, {LOOPBACK_HOSTS_MAX}), got {number}")
    return f"127.0.0.{number + 1}"


def serve(root: Path, hosts: int, port: int) -> None:
    from twisted.internet import reactor, stdio
    from twisted.internet.protocol import Protocol
    from twisted.web.server import Site
    from twisted.web.static import File

    class QuietSite(Site):
        def log(self, request: object) -> None:  # no access log: it would cost more than serving
            return None

    class StopOnEOF(Protocol):
        def connectionLost(self, reason: object = None) -> None:  # noqa: N802 - twisted's naming
            if reactor.running:
                reactor.stop()

    site = QuietSite(File(str(root)))
    first = reactor.listenTCP(port, site, interface=host_address(0), backlog=1024)
    bound = first.getHost().port
    for number in range(1, hosts):
        reactor.listenTCP(bound, site, interface=host_address(number), backlog=1024)
    stdio.StandardIO(StopOnEOF())
    sys.stdout.write(f"READY {bound}\n")
    sys.stdout.flush()
    reactor.run()


def start_server(root: Path, hosts: int = 1, port: int = 0) -> tuple[subprocess.Popen[str], int]:
    """Start the server in a subprocess; returns it and the port it listens on."""
    process = subprocess.Popen(
        [sys.executable, __file__, str(root), "--hosts", str(hosts), "--port", str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        raise RuntimeError(f"static server did not start (said {line!r}, exit code {process.poll()})")
    return process, int(line.split()[1])


def stop_server(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path)
    parser.add_argument("--hosts", type=int, default=1, help=f"listen on 127.0.0.1 .. 127.0.0.H (H <= {LOOPBACK_HOSTS_MAX})")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        parser.error(f"{args.root} is not a directory")
    if not 1 <= args.hosts <= LOOPBACK_HOSTS_MAX:
        parser.error(f"--hosts must be in [1, {LOOPBACK_HOSTS_MAX}]")
    serve(args.root, args.hosts, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
