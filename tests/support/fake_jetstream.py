"""A fake Bluesky Jetstream on loopback: a ``websockets`` sync server in a thread that streams its events as
Jetstream does (``/subscribe?wantedCollections=...&cursor=<time_us>``: events from ``cursor`` on, else only events
added after the connection opened; identity and account events to every subscriber), then waits for new ones. It
can drop a connection abruptly after a number of messages, or refuse the handshake with an HTTP status.

    with fake_jetstream() as fj:
        fj.add_posts(30, "rally in #london")
        ... SourceConfig(instance=fj.url, ...) ...
        fj.drop_after(12)          # the next connection is cut after 12 messages
        fj.connections             # the query of each connection: [{"cursor": [...], ...}, ...]
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from tests.support.fake_social import handle

POST = "app.bsky.feed.post"
T0 = 1_764_000_000_000_000  # 2025-11-24, in microseconds


@dataclass
class FakeJetstream:
    events: list[dict] = field(default_factory=list)
    connections: list[dict[str, list[str]]] = field(default_factory=list)
    url: str = ""
    refuse: int | None = None  # answer the next handshake with this HTTP status
    _drop: int | None = None
    _n: int = 0
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def _next(self) -> tuple[int, int]:
        self._n += 1
        return self._n, T0 + self._n * 500_000  # one event every half second

    def _add(self, event: dict) -> dict:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()
        return event

    def add_posts(self, n: int, text: str = "Rally near the #london bridge today", lang: str = "en") -> list[dict]:
        """``n`` new posts, each followed by an unrelated like and, every 7th, an identity event."""
        out = []
        for _ in range(n):
            i, t = self._next()
            did = f"did:plc:{handle(i % 9)}"
            created = datetime.fromtimestamp(t / 1e6, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            body = text if i % 5 else f"{text} cc @{handle((i + 1) % 9)}.bsky.social"
            out.append(self._add({"did": did, "time_us": t, "kind": "commit", "commit": {
                "rev": f"3l{i:011d}", "operation": "create", "collection": POST, "rkey": f"3k{i:011d}",
                "record": {"$type": POST, "createdAt": created, "langs": [lang], "text": body},
                "cid": f"bafyreij{i:040d}"}}))
            i, t = self._next()
            self._add({"did": did, "time_us": t, "kind": "commit", "commit": {
                "rev": f"3l{i:011d}", "operation": "create", "collection": "app.bsky.feed.like", "rkey": f"3k{i:011d}",
                "record": {"$type": "app.bsky.feed.like", "createdAt": created,
                           "subject": {"cid": "bafyreiabc", "uri": f"at://{did}/{POST}/3kabc"}},
                "cid": f"bafyreil{i:040d}"}})
            if i % 7 == 0:
                i, t = self._next()
                self._add({"did": did, "time_us": t, "kind": "identity", "identity": {
                    "did": did, "handle": f"{handle(i % 9)}.bsky.social", "seq": i, "time": created}})
                self._add({"did": did, "time_us": t + 1, "kind": "account", "account": {
                    "active": True, "did": did, "seq": i + 1, "time": created}})
        return out

    def delete(self, post: dict) -> None:
        """A delete commit of ``post`` (no record, no cid), as Jetstream sends it."""
        _, t = self._next()
        c = post["commit"]
        self._add({"did": post["did"], "time_us": t, "kind": "commit", "commit": {
            "rev": f"3d{t}", "operation": "delete", "collection": c["collection"], "rkey": c["rkey"]}})

    def add_raw(self, message: str | dict, time_us: int | None = None) -> None:
        """A message sent as it is: a string as its text (malformed JSON too), a dict as JSON; at ``time_us`` in
        the stream's order (default: the next time)."""
        _, t = self._next()
        self._add({"raw": message if isinstance(message, str) else json.dumps(message), "kind": "raw",
                   "time_us": t if time_us is None else time_us})

    def drop_after(self, n: int) -> None:
        """The next connection is closed without a close frame after ``n`` messages (a network failure)."""
        self._drop = n

    def _serve(self, ws) -> None:  # websockets ServerConnection
        query = parse_qs(urlsplit(ws.request.path).query)
        self.connections.append(query)
        wanted = set(query.get("wantedCollections", []))
        with self._cond:
            cursor = int(query["cursor"][0]) if "cursor" in query else None
            pos = (next((k for k, e in enumerate(self.events) if e["time_us"] >= cursor), len(self.events))
                   if cursor is not None else len(self.events))
            drop, self._drop = self._drop, None
        sent = 0
        while True:
            with self._cond:
                while pos >= len(self.events):
                    if not self._cond.wait(timeout=0.05) and ws.protocol.state.name != "OPEN":
                        return
                event = self.events[pos]
            pos += 1
            if event["kind"] == "commit" and wanted and event["commit"]["collection"] not in wanted:
                continue
            if drop is not None and sent >= drop:
                ws.socket.shutdown(socket.SHUT_RDWR)  # abrupt: no close frame
                ws.socket.close()
                return
            try:
                ws.send(event["raw"] if event["kind"] == "raw" else json.dumps(event))
            except Exception:  # the client went away
                return
            sent += 1


@contextmanager
def fake_jetstream() -> Iterator[FakeJetstream]:
    """A ``FakeJetstream`` serving on ``ws://127.0.0.1:<free port>`` for the duration."""
    from websockets.datastructures import Headers
    from websockets.http11 import Response
    from websockets.sync.server import serve

    fj = FakeJetstream()

    def process_request(conn, request):
        if fj.refuse is not None:
            status, fj.refuse = fj.refuse, None
            return Response(status, "Refused", Headers({"Content-Length": "0"}), b"")
        return None

    server = serve(fj._serve, "127.0.0.1", 0, process_request=process_request, compression=None)
    fj.url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-jetstream", daemon=True)
    thread.start()
    try:
        yield fj
    finally:
        server.shutdown()
        thread.join(timeout=5)
