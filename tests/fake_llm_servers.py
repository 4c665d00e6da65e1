"""Fake LLM HTTP servers on 127.0.0.1 (port 0) for the generator tests.

One :class:`FakeLlmServer` records every request and answers from a queue of
scripted replies (then a default), so a test can say "throttle once, then
answer" and afterwards count the calls and read the request bodies. Reply
builders speak the Bedrock Converse and the OpenAI chat-completions shapes.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON; str/bytes sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)


class FakeLlmServer:
    """A threaded HTTP server; use as a context manager."""

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply(status=500, body={"message": "no reply scripted"})
        self.calls: list[Call] = []
        self.max_in_flight = 0
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def call_count(self) -> int:
        with self._lock:
            return len(self.calls)

    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    def __enter__(self) -> FakeLlmServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _next_reply(self, call: Call) -> Reply:
        with self._lock:
            self.calls.append(call)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            return self._replies.popleft() if self._replies else self.default

    def _done(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                call = Call(
                    method="POST",
                    path=unquote(self.path),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    raw=self.rfile.read(length),
                )
                reply = server._next_reply(call)
                try:
                    if reply.delay:
                        time.sleep(reply.delay)
                    payload = reply.encoded()
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                finally:
                    server._done()

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        return Handler


# --- Bedrock Converse -------------------------------------------------------

def converse_reply(text: str, *, stop_reason: str = "end_turn") -> Reply:
    return Reply(
        body={
            "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": stop_reason,
            "usage": {"inputTokens": 120, "outputTokens": 40, "totalTokens": 160},
            "metrics": {"latencyMs": 1},
        }
    )


def bedrock_error(status: int, code: str, message: str = "fake error") -> Reply:
    return Reply(
        status=status,
        body={"message": message},
        headers={"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"},
    )


# --- OpenAI chat completions -------------------------------------------------

def chat_reply(text: str, *, finish_reason: str = "stop", delay: float = 0.0) -> Reply:
    return Reply(
        body={
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": "fake-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {"prompt_tokens": 100, "completion_tokens": 30, "total_tokens": 130},
        },
        delay=delay,
    )


def http_error(status: int, message: str = "fake error", headers: dict[str, str] | None = None) -> Reply:
    return Reply(status=status, body={"error": {"message": message}}, headers=headers or {})
