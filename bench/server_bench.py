"""How many pages per second can each static server give? (so run.py measures the crawler, not the server)

``python bench/server_bench.py [--corpus bench/corpus] [--seconds 5] [--connections 32]``

Measures, each server in its own process and the load generator in another:
the project's ``rules_spider.devserver.DocsServer`` (stdlib ThreadingHTTPServer,
HTTP/1.0, a thread per connection) and ``bench/static_server.py`` (twisted.web
static.File, keep-alive). The load generator is ``wrk`` when installed
(``apt-get install wrk``), else a small asyncio client. Requests cycle through
real corpus pages. Prints requests/s; the crawler bench needs well above the
crawl's own rate (target: >= 800 req/s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_OUT, generate  # noqa: E402
from static_server import start_server, stop_server  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TARGET_RPS = 800
DOCSERVER_SCRIPT = """
import sys, time
sys.path.insert(0, {project!r})
from rules_spider.devserver import DocsServer
server = DocsServer({root!r}).start()
print("READY", server.port, flush=True)
sys.stdin.read()
server.stop()
"""


def _start_docsserver(root: Path) -> tuple[subprocess.Popen[str], int]:
    script = DOCSERVER_SCRIPT.format(project=str(PROJECT_ROOT), root=str(root))
    process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        raise RuntimeError(f"DocsServer did not start: {line!r}")
    return process, int(line.split()[1])


def _sample_paths(root: Path, limit: int = 200) -> list[str]:
    paths = []
    for path in sorted(root.rglob("index.html"))[:limit]:
        rel = path.relative_to(root).as_posix()
        paths.append("/" + rel[: -len("index.html")])
    for path in sorted(p for p in root.rglob("*.html") if p.name != "index.html")[:limit]:
        paths.append("/" + path.relative_to(root).as_posix())
    return paths


def _wrk(base: str, paths: list[str], seconds: float, connections: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            "local paths = " + json.dumps(paths).replace("[", "{").replace("]", "}") + "\n"
            "local i = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
        )
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "-s", script.name, base],
        capture_output=True, text=True, check=True,
    ).stdout
    Path(script.name).unlink()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"server answered errors during the bench:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    return float(match.group(1))


async def _asyncio_client(port: int, paths: list[str], seconds: float, connections: int) -> float:
    deadline = time.perf_counter() + seconds
    done = 0

    async def worker(offset: int) -> None:
        nonlocal done
        i = offset
        reader = writer = None
        while time.perf_counter() < deadline:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            path = paths[i % len(paths)]
            i += 1
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
            await reader.readexactly(length)
            done += 1
            if re.search(rb"(?i)connection: close|^HTTP/1.0", head):
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(connections)))
    return done / (time.perf_counter() - start)


def measure(port: int, paths: list[str], seconds: float, connections: int) -> tuple[float, str]:
    if shutil.which("wrk"):
        return _wrk(f"http://127.0.0.1:{port}", paths, seconds, connections), "wrk"
    return asyncio.run(_asyncio_client(port, paths, seconds, connections)), "asyncio client"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    if not (args.corpus / "manifest.json").is_file():
        generate(args.corpus, 10, 20)
    paths = _sample_paths(args.corpus)
    results = {}
    for label, starter in (("DocsServer (stdlib, thread per connection)", _start_docsserver),
                           ("static_server.py (twisted static.File)", lambda root: start_server(root, 1))):
        process, port = starter(args.corpus)
        try:
            rps, client = measure(port, paths, args.seconds, args.connections)
        finally:
            if label.startswith("DocsServer"):
                process.stdin.close()  # type: ignore[union-attr]
                process.wait(timeout=10)
            else:
                stop_server(process)
        results[label] = rps
        verdict = "ok" if rps >= TARGET_RPS else f"BELOW {TARGET_RPS} req/s: would cap the crawl"
        print(f"{label:46s} {rps:8.0f} req/s  ({client}, {args.connections} connections)  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
