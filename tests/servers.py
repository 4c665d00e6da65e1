"""Real redis-server and scrapyd processes on 127.0.0.1 for tests: free ports, temp dirs, always killed.

    with RedisServer(tmp_path) as redis:      # redis.url == "redis://127.0.0.1:<port>"
    with ScrapydServer(tmp_path) as scrapyd:  # scrapyd.url("schedule.json")
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

VENV_BIN = Path(sys.executable).parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    """A TCP port nothing listens on right now (the server binds it moments later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: process exited with {process.returncode}")
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what}: not ready after {timeout:.0f}s")


class ManagedProcess:
    """A server subprocess in its own process group, logging to a file, killed on exit."""

    name = "server"
    ready_timeout = 30.0

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log_path = self.workdir / f"{self.name}.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def is_ready(self) -> bool:
        raise NotImplementedError

    def start(self) -> ManagedProcess:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            wait_until(self.is_ready, self.ready_timeout, f"{self.name} on port {self.port}", self.process)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        # The whole group: scrapyd's crawl jobs are children of the server.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.stop()


class RedisServer(ManagedProcess):
    """Debian's redis-server, no persistence, on a free 127.0.0.1 port."""

    name = "redis"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
        ]  # fmt: skip

    def client(self) -> Any:
        import redis

        return redis.Redis.from_url(self.url, decode_responses=True)

    def is_ready(self) -> bool:
        import redis

        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False


class ScrapydServer(ManagedProcess):
    """The venv's scrapyd with a temp scrapyd.conf (eggs, logs, dbs, items under workdir)."""

    name = "scrapyd"

    def __init__(self, workdir: Path):
        super().__init__(workdir)
        self.logs_dir = self.workdir / "logs"
        self.items_dir = self.workdir / "items"
        config = f"""\
[scrapyd]
bind_address = 127.0.0.1
http_port = {self.port}
eggs_dir = {self.workdir / "eggs"}
logs_dir = {self.logs_dir}
items_dir = {self.items_dir}
dbs_dir = {self.workdir / "dbs"}
poll_interval = 0.2
max_proc = 2
"""
        # scrapyd reads ./scrapyd.conf from its working directory.
        (self.workdir / "scrapyd.conf").write_text(config, encoding="utf-8")

    def command(self) -> list[str]:
        return [str(VENV_BIN / "scrapyd")]

    def url(self, endpoint: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{endpoint}"

    def is_ready(self) -> bool:
        try:
            return self.get("daemonstatus.json").get("status") == "ok"
        except OSError:
            return False

    def get(self, endpoint: str, **params: str) -> dict[str, Any]:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(self.url(endpoint) + query, timeout=10) as response:
            return json.loads(response.read())

    def post(self, endpoint: str, fields: list[tuple[str, str]]) -> dict[str, Any]:
        data = urllib.parse.urlencode(fields).encode()
        with urllib.request.urlopen(self.url(endpoint), data=data, timeout=30) as response:
            return json.loads(response.read())

    def add_version(self, project: str, version: str, egg: Path) -> dict[str, Any]:
        """POST addversion.json with the egg as multipart/form-data, as scrapyd-deploy does."""
        boundary = "----rules-spider-egg"
        parts = []
        for name, value in (("project", project), ("version", version)):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; filename="project.egg"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + egg.read_bytes()
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(
            self.url("addversion.json"),
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def wait_for_job(self, project: str, job: str, timeout: float = 60.0) -> dict[str, Any]:
        """Poll listjobs.json until the job is finished; return its entry."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = self.get("listjobs.json", project=project)
            for entry in jobs.get("finished", []):
                if entry["id"] == job:
                    return entry
            time.sleep(0.2)
        raise TimeoutError(f"scrapyd job {job} not finished after {timeout:.0f}s")

    def job_log(self, project: str, spider: str, job: str) -> str:
        path = self.logs_dir / project / spider / f"{job}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
