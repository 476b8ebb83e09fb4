"""The polite HTTP client every connector uses: timeouts, backoff on 5xx and timeouts, HTTP 429 waited out
(``Retry-After`` in seconds or as an HTTP date, else the platform's reset headers), a request budget, a cap on the
size of one answer and on the waits of one run, a body cut short of its ``Content-Length`` retried as a dropped
connection, counters, and ``AuthError`` naming the source on 401/403; any other
failure of the transport is a one-line ``SourceError`` naming the source. ``deadline`` bounds the whole of one
request (connection, headers and body together: ``timeout`` bounds each read only, which a server sending a byte
at a time never reaches): past it the connection is shut down and the request fails, not retried. ``next_page``
keeps a platform's next-page links on the endpoint the walk started from (the client's credentials go with every
request). ``sleep`` and ``clock`` are injectable (tests record the waits)."""

from __future__ import annotations

import email.utils
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from scn.ingest.sources.base import AuthError, SourceError

USER_AGENT = "scn-collector/1.0 (Strong Cities Network research; public content only)"
RETRY_STATUS = frozenset({500, 502, 503, 504, 520, 522, 524})
# headers giving when a rate-limit window resets: epoch seconds (X, GitHub-style) or seconds from now
RESET_EPOCH = ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset")
RESET_DELTA = ("x-ratelimit-reset-after", "ratelimit-reset-after")
REMAINING = ("x-rate-limit-remaining", "x-ratelimit-remaining", "ratelimit-remaining")
EPOCH_AFTER = 1_000_000_000  # a reset value above this is an epoch time, below it seconds from now
MAX_BYTES = 64 * 1024 * 1024  # the largest answer read (a page of any platform is well below)
MAX_TOTAL_WAIT = 1800.0  # the longest a run waits for rate limits and retries, all waits together
DEADLINE = 120.0  # the longest one request takes, headers and body together (seconds)


class BudgetExhausted(SourceError):
    """The run's request budget is spent: the collection stops cleanly (pages so far are committed)."""


@dataclass
class Counters:
    requests: int = 0
    rate_limit_waits: int = 0
    waited_seconds: float = 0.0
    retries: int = 0
    answered: bool = False  # the source gave at least one usable response

    def as_dict(self) -> dict[str, Any]:
        return {"requests": self.requests, "rate_limit_waits": self.rate_limit_waits,
                "waited_seconds": round(self.waited_seconds, 3), "retries": self.retries}


@dataclass
class PoliteClient:
    """A ``requests.Session`` with manners, for one source.

    ``budget``: most requests this run (``BudgetExhausted`` beyond it). ``max_wait``: the longest single wait for a
    rate limit (a longer ``Retry-After`` stops the run with ``SourceError`` instead of hanging a worker for hours);
    ``max_total_wait``: the longest all waits of the run together (each answer may ask for ``max_wait`` again).
    ``retries``: attempts after a 5xx, a timeout or a connection error, waiting ``backoff * 2**n`` seconds.
    ``max_bytes``: the largest answer body read (a larger one stops the run: a page is never that large).
    ``deadline``: the longest one request takes, from connecting to the body's last byte (``timeout`` is per read:
    a server dripping a byte a second never reaches it); past it the request fails with ``SourceError``.
    """

    source: str
    budget: int = 1000
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 900.0
    max_total_wait: float = MAX_TOTAL_WAIT
    max_bytes: int = MAX_BYTES
    deadline: float = DEADLINE
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    headers: dict[str, str] = field(default_factory=dict)
    session: requests.Session = field(default_factory=requests.Session)
    counters: Counters = field(default_factory=Counters)

    def __post_init__(self) -> None:
        self.session.headers.update({"User-Agent": USER_AGENT, **self.headers})
        for prefix in ("https://", "http://"):  # requests' own adapters, with sockets the deadline can reach
            if type(self.session.adapters.get(prefix)) is HTTPAdapter:
                self.session.mount(prefix, _DeadlineAdapter())

    def _wait(self, seconds: float, rate_limited: bool, url: str = "") -> None:
        seconds = max(0.0, seconds) if math.isfinite(seconds) else self.backoff
        if self.counters.waited_seconds + seconds > self.max_total_wait:
            raise SourceError(self.source, f"{_host(url) or 'the source'} asked for {seconds:.0f} s more of waiting "
                              f"after {self.counters.waited_seconds:.0f} s this run (at most "
                              f"{self.max_total_wait:.0f} s): try again later")
        if rate_limited:
            self.counters.rate_limit_waits += 1
        self.counters.waited_seconds += seconds
        if seconds:
            self.sleep(seconds)

    def rate_limit_wait(self, headers: Mapping[str, str]) -> float | None:
        """Seconds to wait before the next request, from ``Retry-After`` (seconds or an HTTP date) or the
        platform's reset headers; None when the response names no wait."""
        h = {k.lower(): v for k, v in headers.items()}
        value = h.get("retry-after", "").strip()
        if value:
            try:
                seconds = float(value)
                return seconds if math.isfinite(seconds) else None  # "nan", "inf": names no wait
            except ValueError:
                try:
                    when = _utc(email.utils.parsedate_to_datetime(value))  # HTTP dates are GMT
                    return when.timestamp() - self.clock()
                except (TypeError, ValueError):
                    pass
        for name in RESET_DELTA:
            if h.get(name):
                try:
                    return float(h[name])
                except ValueError:
                    pass
        for name in RESET_EPOCH:
            if h.get(name):
                try:
                    reset = float(h[name])
                except ValueError:
                    try:  # Mastodon sends an ISO 8601 time (UTC when it names no zone)
                        reset = _utc(datetime.fromisoformat(h[name].replace("Z", "+00:00"))).timestamp()
                    except ValueError:
                        continue
                return reset - self.clock() if reset > EPOCH_AFTER else reset
        return None

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request, retried on 429 (after the platform's wait), 5xx, timeouts and connection errors; 401/403
        raise ``AuthError``; other 4xx raise ``SourceError``; all naming the source."""
        kwargs.setdefault("timeout", self.timeout)
        attempt = limited = 0  # retries after errors; waits for rate limits
        while True:
            if self.counters.requests >= self.budget:
                raise BudgetExhausted(self.source, f"request budget of {self.budget} spent")
            self.counters.requests += 1
            try:
                resp = self._read(method, url, kwargs)
            except (requests.Timeout, requests.ConnectionError) as exc:
                if attempt >= self.retries:
                    raise SourceError(self.source, f"{type(exc).__name__} after {attempt + 1} attempts: "
                                      f"{_host(url)}") from exc
                self.counters.retries += 1
                self._wait(self.backoff * 2 ** attempt, rate_limited=False, url=url)
                attempt += 1
                continue
            except requests.RequestException as exc:  # a bad URL or scheme, a redirect loop, a broken body
                raise SourceError(self.source, f"{type(exc).__name__} asking {_host(url)}") from exc
            if resp.status_code in (401, 403):
                raise AuthError(self.source, f"HTTP {resp.status_code} from {_host(url)}: missing or bad "
                                "credentials, or the resource is not public", resp.status_code)
            if resp.status_code == 429:
                wait = self.rate_limit_wait(resp.headers)  # a reset already past names no wait either: backoff,
                wait = self.backoff * 2 ** limited if wait is None or wait <= 0 else wait  # not a burst of retries
                if wait > self.max_wait:
                    raise SourceError(self.source, f"rate limited by {_host(url)} for {wait:.0f} s (more than "
                                      f"{self.max_wait:.0f} s): try again later", 429)
                if limited >= self.retries + 2:
                    raise SourceError(self.source, f"still rate limited by {_host(url)} after {limited} waits", 429)
                self._wait(wait, rate_limited=True, url=url)
                limited += 1
                continue
            if resp.status_code in RETRY_STATUS:
                if attempt >= self.retries:
                    raise SourceError(self.source, f"HTTP {resp.status_code} from {_host(url)} after "
                                      f"{attempt + 1} attempts", resp.status_code)
                self.counters.retries += 1
                wait = self.rate_limit_wait(resp.headers)
                self._wait(self.backoff * 2 ** attempt if wait is None else min(wait, self.max_wait), False, url)
                attempt += 1
                continue
            if resp.status_code >= 400:
                raise SourceError(self.source, f"HTTP {resp.status_code} from {_host(url)}", resp.status_code)
            self.counters.answered = True
            self._respect_remaining(resp.headers)
            return resp

    def _read(self, method: str, url: str, kwargs: dict) -> requests.Response:
        """``_read_body`` within ``deadline``: a watchdog shuts the request's socket down when it passes (the
        blocked read ends), and the request fails with ``SourceError`` (a body cut short may look whole: any
        answer the watchdog reached is refused)."""
        watch, outer = _Deadline(self.deadline), getattr(_local, "deadline", None)
        _local.deadline = watch
        watch.start()
        try:
            resp = self._read_body(method, url, kwargs, watch)
        except Exception as exc:
            if watch.fired:
                raise self._too_slow(url) from exc
            raise
        finally:
            watch.cancel()
            _local.deadline = outer
        if watch.fired:
            raise self._too_slow(url)
        return resp

    def _too_slow(self, url: str) -> SourceError:
        return SourceError(self.source, f"no whole answer from {_host(url)} within {self.deadline:g} s: "
                           "the server sends too slowly")

    def _read_body(self, method: str, url: str, kwargs: dict, watch: _Deadline) -> requests.Response:
        """The response with its body read, at most ``max_bytes`` of it (streamed: a larger body is not held)."""
        resp = self.session.request(method, url, stream=True, **kwargs)
        watch.attach(getattr(getattr(resp.raw, "_connection", None), "sock", None))  # any adapter's, once here
        try:
            declared = int(resp.headers.get("Content-Length") or 0)
        except ValueError:
            declared = 0
        chunks, size = [], 0
        if declared <= self.max_bytes:
            for chunk in resp.iter_content(1 << 16):
                size += len(chunk)
                if size > self.max_bytes:
                    break
                chunks.append(chunk)
        if max(size, declared) > self.max_bytes:
            resp.close()
            raise SourceError(self.source, f"an answer of {_host(url)} is larger than {self.max_bytes:,} bytes: "
                              "not read")
        wire = getattr(resp.raw, "tell", lambda: None)()  # bytes off the wire (the body may be compressed)
        if (declared and isinstance(wire, int) and wire < declared and method.upper() != "HEAD"
                and resp.status_code not in (204, 304)):
            resp.close()  # the connection closed before the length announced: a cut body may parse (a feed's
            raise requests.ConnectionError(  # first items), so it is retried, never taken for the answer
                f"the answer of {_host(url)} ended after {wire:,} of {declared:,} bytes")
        resp._content = b"".join(chunks)  # what ``resp.content`` gives (requests' own attribute)
        resp.close()
        return resp

    def _respect_remaining(self, headers: Mapping[str, str]) -> None:
        """When the window's last request was just spent, wait for its reset before the next one (X, Mastodon
        and Reddit send remaining/reset on every response)."""
        h = {k.lower(): v for k, v in headers.items()}
        for name in REMAINING:
            if name in h:
                try:
                    remaining = float(h[name])
                except ValueError:
                    return
                if remaining <= 0:
                    wait = self.rate_limit_wait({k: v for k, v in h.items() if k != "retry-after"})
                    if wait is not None and 0 < wait <= self.max_wait:
                        self._wait(wait, rate_limited=True)
                return

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def json_of(self, resp: requests.Response, what: str, expect: type | None = None) -> Any:
        """``resp``'s body parsed as JSON (None for a 304, which has no body); ``SourceError`` naming the source,
        ``what`` was asked and the status when it is not JSON, or not a JSON ``expect`` (``dict``/``list``)."""
        if resp.status_code == 304:
            return None
        try:
            doc = resp.json()
        except ValueError as exc:  # requests' JSONDecodeError is a ValueError
            raise SourceError(self.source, f"{what}: the answer is not JSON (HTTP {resp.status_code})",
                              resp.status_code) from exc
        if expect is not None and not isinstance(doc, expect):
            kind = {dict: "an object", list: "a list"}.get(expect, expect.__name__)
            raise SourceError(self.source, f"{what}: expected {kind} (HTTP {resp.status_code})", resp.status_code)
        return doc

    def get_json(self, url: str, what: str, expect: type | None = None, **kwargs: Any
                 ) -> tuple[requests.Response, Any]:
        """GET ``url`` politely; the response and its JSON body (``json_of``)."""
        resp = self.get(url, **kwargs)
        return resp, self.json_of(resp, what, expect)

    def close(self) -> None:
        self.session.close()


_local = threading.local()  # the deadline of the request under way in this thread


class _Deadline:
    """A watchdog for one request: ``seconds`` after ``start`` it shuts down the connections attached to it (and
    any attached later), so a read blocked on a dripping server returns; ``fired`` says it did.

    It holds duplicates of the sockets' descriptors, which only it closes (``cancel``), under the same lock as it
    shuts them down: a descriptor the request's own code closes, and the system hands to another file, is never
    reached. A duplicate reaches the connection whatever becomes of the original (a TLS handshake takes the plain
    socket's descriptor over)."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._dups: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = None
        if math.isfinite(seconds) and seconds > 0:
            self._timer = threading.Timer(seconds, self._fire)
            self._timer.daemon = True

    def start(self) -> None:
        if self._timer is not None:
            self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            for dup in self._dups:
                dup.close()
            self._dups = []

    def attach(self, sock: Any) -> None:
        """Watch ``sock``'s connection (a socket, an ``ssl`` or pyOpenSSL one; None or a closed one: nothing)."""
        try:
            fd = sock.fileno() if sock is not None else -1
            dup = socket.socket(fileno=os.dup(fd)) if fd >= 0 else None
        except (OSError, ValueError, AttributeError):  # closed, or no descriptor
            return
        if dup is None:
            return
        with self._lock:
            self._dups.append(dup)
            if self.fired:
                _shutdown(dup)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for dup in self._dups:
                _shutdown(dup)


def _shutdown(sock: socket.socket) -> None:
    """Shut ``sock``'s connection down both ways (a read blocked on it returns at once)."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # not connected (any more)
        pass


def _attach(sock: Any) -> None:
    """Watch ``sock`` by the deadline of the request under way in this thread, if any."""
    watch = getattr(_local, "deadline", None)
    if watch is not None:
        watch.attach(sock)


class _Watched:
    """Marks the connection classes whose sockets ``_attach`` to the thread's deadline."""


_WATCHED: dict[type, type] = {}


def _watched(base: type) -> type:
    """``base`` (a urllib3 connection class) attaching its socket to the deadline of the request under way when it
    connects (the plain socket, before any TLS handshake) and when it waits for an answer (a reused connection)."""
    if issubclass(base, _Watched):
        return base
    if base not in _WATCHED:
        class Connection(base, _Watched):  # type: ignore[misc, valid-type]
            def _new_conn(self) -> Any:
                sock = super()._new_conn()
                _attach(sock)
                return sock

            def getresponse(self, *args: Any, **kwargs: Any) -> Any:
                _attach(getattr(self, "sock", None))
                return super().getresponse(*args, **kwargs)

        Connection.__name__ = Connection.__qualname__ = f"Deadline{base.__name__}"
        _WATCHED[base] = Connection
    return _WATCHED[base]


class _DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose pools make ``_watched`` connections (the deadline reaches the socket while the
    headers are awaited, and during a TLS handshake, not only once they arrived)."""

    def get_connection_with_tls_context(self, *args: Any, **kwargs: Any) -> Any:
        return _watch_pool(super().get_connection_with_tls_context(*args, **kwargs))

    def get_connection(self, *args: Any, **kwargs: Any) -> Any:  # requests before 2.32.2
        return _watch_pool(super().get_connection(*args, **kwargs))


def _watch_pool(pool: Any) -> Any:
    if isinstance(getattr(pool, "ConnectionCls", None), type):
        pool.ConnectionCls = _watched(pool.ConnectionCls)
    return pool


def _utc(when: datetime) -> datetime:
    """``when``, taken as UTC when it names no zone (never the machine's local time)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _host(url: str) -> str:
    return ascii(urlsplit(url).netloc or url)[1:-1]  # one line, whatever a link holds


def next_page(source: str, first: str, link: object) -> str | None:
    """A platform's next-page ``link`` (absolute, or relative to ``first``), followed only on the endpoint the walk
    started from: the same host, port and path as ``first``, over https when ``first`` is (a server behind a proxy
    may name its own pages over http: taken as https). Anything else stops the walk with ``SourceError``: the
    client's credentials go with every request, so a link to another host, scheme or endpoint could hand them to
    a third party or walk a timeline nobody configured. None (or an empty link) stays None."""
    if not link:
        return None
    if not isinstance(link, str):
        raise SourceError(source, "the next-page link is not a URL")
    try:
        start, url = urlsplit(first), urlsplit(urljoin(first, link))
        scheme = start.scheme if (start.scheme, url.scheme) == ("https", "http") else url.scheme
        default = {"http": 80, "https": 443}
        same = (scheme == start.scheme and url.hostname == start.hostname and url.path == start.path
                and (url.port or default.get(scheme)) == (start.port or default.get(start.scheme)))
    except ValueError as exc:  # a port out of range or not a number, a broken IPv6 host
        raise SourceError(source, f"a next-page link is not a usable URL ({exc})") from exc
    if not same:
        raise SourceError(source, f"a next-page link leads from {_host(first)}{ascii(start.path)[1:-1]} to "
                          f"{url.scheme}://{_host(urljoin(first, link))}{ascii(url.path)[1:-1]}: not followed")
    return url._replace(scheme=scheme).geturl()
