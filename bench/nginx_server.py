"""nginx serving a benchmark corpus, so the server costs the 2-core machine as little as it can.

``start_nginx(root, hosts)`` writes a config into a temporary folder, starts ``nginx -g 'daemon off;'`` on a
free port of 127.0.0.1 (and 127.0.0.2 ... when ``hosts`` > 1) with one worker and no access log, and returns
``(process, port)``; ``stop_server`` from ``static_server`` stops it. Needs Debian's nginx (``apt-get install
nginx-light``); ``available()`` says whether it is there.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from static_server import host_address

NGINX = "/usr/sbin/nginx"
CONFIG = """worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    types {{ text/html html; application/json json; text/plain txt; text/xml xml; }}
    default_type text/html;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        {listen}
        root {root};
        index index.html;
        location / {{ try_files $uri $uri/ =404; }}
    }}
}}
"""


def available() -> bool:
    return Path(NGINX).is_file() or shutil.which("nginx") is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_nginx(root: Path, hosts: int = 1) -> tuple[subprocess.Popen[str], int]:
    work = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    port = _free_port()
    listen = "\n        ".join(f"listen {host_address(n)}:{port} backlog=4096;" for n in range(hosts))
    (work / "nginx.conf").write_text(CONFIG.format(work=work, root=Path(root).resolve(), listen=listen))
    process = subprocess.Popen([NGINX, "-c", str(work / "nginx.conf"), "-g", "daemon off;"], text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"nginx did not start: {process.stderr.read() if process.stderr else ''}") from None
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("nginx did not start listening within 10 s")
