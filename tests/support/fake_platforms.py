"""A fake platform for connector tests: a threaded ``http.server`` on loopback that answers routes with scripted
replies, records every request, and can be told to fail the next requests (429 with ``Retry-After``, 401, 5xx,
a dropped connection, an answer dripped a byte at a time: ``Reply(drip=...)``, a body cut short of its
``Content-Length``: ``Reply(cut_to=...)``).

    with fake_platform() as fp:
        fp.route("GET", "/api/v1/timelines/tag/x", lambda req: Reply.json([...], headers={"Link": ...}))
        fp.fail("/api/v1/timelines/tag/x", Reply(429, headers={"Retry-After": "7"}))  # the next request only
        ... fp.url ...
        fp.requests  # [Request(method, path, query, headers, body), ...]

Handlers get a ``Request`` and return a ``Reply``; routes match the path exactly (the query string is parsed into
``Request.query``, a dict of lists). An unknown route answers 404. Nothing here touches the internet.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        return self.query.get(name, [default])[0]


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    drop: bool = False  # close the connection without answering (a network failure)
    drip: float = 0.0  # send the body one byte every ``drip`` seconds (a slow-drip server)
    drip_head: bool = False  # with ``drip``: the status line and headers too
    cut_to: int = 0  # announce this Content-Length, send ``body`` (shorter) and close: a connection cut mid-body

    @classmethod
    def json(cls, doc: object, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, json.dumps(doc).encode(), dict(headers or {}))

    @classmethod
    def text(cls, body: str | bytes, content_type: str, status: int = 200,
             headers: dict[str, str] | None = None) -> Reply:
        raw = body.encode() if isinstance(body, str) else body
        return cls(status, raw, dict(headers or {}), content_type)


Handler = Callable[[Request], Reply]


class FakePlatform:
    """The routes, the scripted failures and the request log of one fake server."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.failures: dict[str, list[Reply]] = {}
        self.requests: list[Request] = []
        self.url = ""
        self._lock = threading.Lock()

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method.upper(), path)] = handler

    def fail(self, path: str, reply: Reply, times: int = 1) -> None:
        """Answer the next ``times`` requests to ``path`` with ``reply`` instead of the route."""
        with self._lock:
            self.failures.setdefault(path, []).extend([reply] * times)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def answer(self, req: Request) -> Reply:
        with self._lock:
            self.requests.append(req)
            queued = self.failures.get(req.path)
            if queued:
                return queued.pop(0)
        handler = self.routes.get((req.method, req.path))
        if handler is None:
            return Reply.json({"error": "Record not found"}, status=404)
        return handler(req)


def _handler_class(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            req = Request(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                          {k: v for k, v in self.headers.items()}, body)
            reply = platform.answer(req)
            if reply.drop:
                self.close_connection = True
                self.connection.close()
                return
            if reply.drip:
                self._drip(reply)
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(reply.cut_to or len(reply.body)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
            if reply.cut_to:
                self.wfile.flush()
                self.close_connection = True

        def _drip(self, reply: Reply) -> None:
            """The whole answer, a byte every ``reply.drip`` seconds (the head at once unless ``drip_head``),
            until it is sent or the client goes away."""
            head = (f"HTTP/1.1 {reply.status} Dripping\r\nContent-Type: {reply.content_type}\r\n"
                    f"Content-Length: {len(reply.body)}\r\n"
                    + "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items()) + "\r\n").encode()
            slow = head + reply.body if reply.drip_head else reply.body
            self.close_connection = True
            try:
                if not reply.drip_head:
                    self.wfile.write(head)
                    self.wfile.flush()
                for i in range(len(slow)):
                    time.sleep(reply.drip)
                    self.wfile.write(slow[i:i + 1])
                    self.wfile.flush()
            except OSError:  # the client shut the connection: stop dripping
                pass

        do_GET = do_POST = do_HEAD = _serve

        def log_message(self, *args: object) -> None:  # quiet
            return

    return _Handler


@contextmanager
def fake_platform() -> Iterator[FakePlatform]:
    """A ``FakePlatform`` serving on ``http://127.0.0.1:<free port>`` for the duration."""
    platform = FakePlatform()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(platform))
    server.daemon_threads = True
    platform.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-platform", daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Sleeps:
    """An injectable ``sleep`` that records the waits instead of sleeping (``PoliteClient(sleep=...)``)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
