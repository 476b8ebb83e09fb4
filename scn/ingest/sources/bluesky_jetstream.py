"""Bluesky Jetstream: continuous collection from the network's firehose, filtered by keyword, hashtag and language.

Protocol (github.com/bluesky-social/jetstream, legacy README): a websocket
``wss://<instance>/subscribe?wantedCollections=app.bsky.feed.post&cursor=<time_us>`` (default instance
``wss://jetstream2.us-east.bsky.network``) streams one JSON object a message::

    {"did": "did:plc:...", "time_us": 1725911162329308, "kind": "commit",
     "commit": {"rev": "...", "operation": "create", "collection": "app.bsky.feed.post", "rkey": "3l3q...",
                "cid": "bafyrei...", "record": {"$type": "app.bsky.feed.post", "text": "...", "langs": ["en"],
                                                "createdAt": "2024-09-09T19:46:02.102Z"}}}

``operation`` ``update``/``delete`` (a delete has no record and no cid); ``kind`` ``identity`` and ``account``
events reach every subscriber and are ignored. ``cursor`` (unix microseconds) replays from that time; without one
the stream is the live tail. ``time_us`` is the resumable cursor: each run reconnects at the last stored
``time_us`` minus ``options.rewind_seconds`` (default 3 s, the "negative buffer" Jetstream advises for gapless
playback); the events of that window already taken are recognised by a hash of (time_us, did, collection, rkey,
operation) kept in the cursor (no DID is stored there), and the lake's natural key removes anything else seen twice.
A connection dropped mid-stream is reopened the same way (backoff, counted in ``retries``); each connection counts
as a request of the run's budget.

A run reads for at most ``options.max_seconds`` (default 60) or ``options.max_messages`` (default 100000), or until
no message came for ``options.idle_seconds`` (default 30). Messages are taken in chunks (``options.batch_messages``,
default 1000, or ``options.flush_seconds``, default 5 s) filtered at once; a chunk with matches is a page (its raw
bytes are the matched messages as JSON Lines: the rest of the firehose is neither kept nor archived), and the run's
last page carries the cursor even when nothing matched.

Filter: a post is kept when its text contains one of ``keywords`` (case-insensitive; a language other than ``any``
also needs that language in ``record.langs``) or one of ``tags`` as ``#tag``. Rows as the search connector's
(``post_id`` = the record's CID, so a post found by both is one post; ``author`` = the DID, pseudonymised;
``lang`` = ``langs[0]``; no url; ``created_at`` = ``createdAt``, never after ``time_us``). A post deleted in the
same chunk it was created in is dropped (counted in ``skipped``); a delete of a post already stored leaves the
lake as it is, as for the other connectors.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

from scn.ingest.sources.base import AuthError, ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig
from scn.ingest.sources.http import BudgetExhausted, PoliteClient

DEFAULT_INSTANCE = "wss://jetstream2.us-east.bsky.network"
POST = "app.bsky.feed.post"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_SKEW_S = 300  # a message's time_us may run this far ahead of the clock; beyond it, it is not used
MAX_QUEUE = 20_000  # messages buffered while a page is stored (a full queue would stall the close handshake)


def frame_table(frames: list[str]) -> Any:
    """Jetstream messages -> a flat DataFrame (one row a message): ``time_us, did, kind, operation, collection,
    rkey, cid, text, langs, created_at, key`` (``key``: a hash of the event, the same on a replay)."""
    import pandas as pd

    try:
        df = pd.read_json(io.StringIO("\n".join(frames)), lines=True, dtype=False)
    except (ValueError, TypeError, AttributeError):  # a malformed message: read one by one (an empty row)
        df = None
    if df is None or len(df) != len(frames) or not all(isinstance(c, str) for c in df.columns):
        # a message that is not an object (``null``, ``5``) shifts or reshapes the batch read: one by one
        df = pd.DataFrame([_object(f) for f in frames], index=range(len(frames)))
    for col in ("did", "kind", "commit", "time_us"):
        if col not in df:
            df[col] = None
    commit = df["commit"].where(df["commit"].map(type).eq(dict), None)
    record = commit.str.get("record")
    out = pd.DataFrame({
        "time_us": _times(df["time_us"]),
        "did": df["did"].astype("string"), "kind": df["kind"].astype("string"),
        "operation": commit.str.get("operation").astype("string"),
        "collection": commit.str.get("collection").astype("string"),
        "rkey": commit.str.get("rkey").astype("string"), "cid": commit.str.get("cid").astype("string"),
        "text": record.str.get("text").astype("string"), "langs": record.str.get("langs"),
        "created_at": record.str.get("createdAt").astype("string")})
    ident = out[["time_us", "did", "collection", "rkey", "operation"]].astype("string").fillna("")
    out["key"] = pd.util.hash_pandas_object(ident, index=False).astype("int64")
    return out


def _times(values: Any) -> Any:
    """``time_us`` as Int64: whole numbers in 0..2**62 (microseconds until the year 148,000); anything else
    (``1.7e15 + 0.5``, ``10**30``, text) NA, which the page skips (it used to raise on the cast, every run)."""
    import numpy as np
    import pandas as pd

    t = pd.to_numeric(pd.Series(values), errors="coerce").astype("float64").to_numpy()
    ok = np.isfinite(t) & (t >= 0) & (t <= 2.0 ** 62) & (np.floor(t) == t)
    return pd.Series(pd.arrays.IntegerArray(np.where(ok, t, 0).astype("int64"), ~ok), index=pd.Series(values).index)


def _object(frame: str) -> dict:
    """One message as an object; {} when it is not a JSON object."""
    try:
        doc = json.loads(frame)
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def matches(df: Any, config: SourceConfig) -> Any:
    """Boolean Series: the post's text has one of the keywords (in its language) or one of the hashtags."""
    import re

    import pandas as pd

    text = df["text"].fillna("")
    hit = pd.Series(False, index=df.index)
    langs = df["langs"].where(df["langs"].map(type).eq(list), None).explode()
    for lang, term in config.all_keywords():  # a handful of terms, each a vectorised test over the chunk
        found = text.str.contains(term, case=False, regex=False)
        if lang != "any":
            found &= langs.str.lower().eq(lang.lower()).groupby(level=0).any().reindex(df.index, fill_value=False)
        hit |= found
    for tag in config.tags:
        hit |= text.str.contains(rf"(?i)#{re.escape(tag)}\b", regex=True)
    return hit


def chunk_rows(df: Any, config: SourceConfig) -> tuple[Any, Any, int]:
    """A chunk's table -> (canonical rows, the mask of the messages kept, skipped: kept posts deleted in the chunk)."""
    import pandas as pd

    is_post = df["kind"].eq("commit") & df["collection"].eq(POST)
    created = is_post & df["operation"].eq("create") & df["text"].fillna("").str.strip().ne("")
    wanted = (created & matches(df, config)).fillna(False).astype(bool)
    ref = df["did"].fillna("") + "/" + df["rkey"].fillna("")
    deleted = (is_post & df["operation"].eq("delete")).fillna(False).astype(bool)
    gone = wanted & ref.isin(ref[deleted])
    keep = wanted & ~gone
    k = df[keep]
    # ``createdAt`` is the client's clock: a post is never dated after Jetstream saw it (``time_us``); a claim
    # that does not parse stays as written (quarantined by ingest)
    claimed = pd.to_datetime(k["created_at"], utc=True, errors="coerce", format="ISO8601")
    seen = pd.to_datetime(k["time_us"].astype("int64"), unit="us", utc=True)
    created = k["created_at"].where(claimed.isna(), claimed.where(claimed <= seen, seen)
                                    .dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    rows = pd.DataFrame({"post_id": k["cid"], "created_at": created, "text": k["text"],
                         "lang": k["langs"].str.get(0), "lat": None, "lon": None, "place": None,
                         "author": k["did"], "platform": "bluesky", "url": None})
    return rows.reset_index(drop=True), keep, int(gone.sum())


class BlueskyJetstream:
    name = "bluesky-jetstream"
    kind = "social"

    def _url(self, base: str, since_us: int | None) -> str:
        query = [("wantedCollections", POST)] + ([("cursor", str(since_us))] if since_us else [])
        return f"{base}/subscribe?{urlencode(query)}"

    def _connect(self, http: PoliteClient, url: str) -> Any:
        """One websocket connection, with the client's manners: budget, backoff on failures and 5xx, 429 waited
        out, ``AuthError`` on 401/403."""
        from websockets.exceptions import InvalidHandshake, InvalidStatus
        from websockets.sync.client import connect

        host = urlsplit(url).hostname or ""
        attempt = 0
        while True:
            if http.counters.requests >= http.budget:
                raise BudgetExhausted(self.name, f"request budget of {http.budget} spent")
            http.counters.requests += 1
            try:
                ws = connect(url, open_timeout=http.timeout, max_size=2 ** 22, max_queue=MAX_QUEUE, close_timeout=2, legacy=True,
                             user_agent_header=http.session.headers.get("User-Agent"),
                             **({"proxy": None} if host in LOOPBACK else {}))
                http.counters.answered = True
                return ws
            except InvalidStatus as exc:
                status = exc.response.status_code
                if status in (401, 403):
                    raise AuthError(self.name, f"HTTP {status} from {urlsplit(url).netloc}: the instance refused "
                                    "the subscription", status) from exc
                if status == 429 or status >= 500:
                    wait = http.rate_limit_wait(dict(exc.response.headers)) if status == 429 else None
                    if attempt >= http.retries:
                        raise SourceError(self.name, f"HTTP {status} from {urlsplit(url).netloc} after "
                                          f"{attempt + 1} attempts", status) from exc
                    http._wait(http.backoff * 2 ** attempt if wait is None else min(wait, http.max_wait),
                               rate_limited=status == 429)
                else:
                    raise SourceError(self.name, f"HTTP {status} from {urlsplit(url).netloc}", status) from exc
            except (OSError, TimeoutError, InvalidHandshake) as exc:
                if attempt >= http.retries:
                    raise SourceError(self.name, f"{type(exc).__name__} after {attempt + 1} attempts: "
                                      f"{urlsplit(url).netloc}") from exc
                http.counters.retries += 1
                http._wait(http.backoff * 2 ** attempt, rate_limited=False)
            attempt += 1

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        import pandas as pd
        from websockets.exceptions import ConnectionClosed

        base = (config.instance or DEFAULT_INSTANCE).rstrip("/").removesuffix("/subscribe")
        if urlsplit(base).scheme not in ("ws", "wss") or not urlsplit(base).netloc:
            raise ConfigError(self.name, f"instance '{base}' is not a ws(s):// URL")
        if not (config.keywords or config.tags):
            raise ConfigError(self.name, "nothing to collect: give keywords or --tag (the firehose is not kept "
                              "whole)")
        opt = config.options
        max_seconds, idle = float(opt.get("max_seconds", 60)), float(opt.get("idle_seconds", 30))
        max_messages, batch = int(opt.get("max_messages", 100_000)), int(opt.get("batch_messages", 1000))
        flush, rewind_us = float(opt.get("flush_seconds", 5)), int(float(opt.get("rewind_seconds", 3)) * 1e6)

        state = dict(cursor or {})
        if state.get("instance") != base:  # another instance: its times are not ours
            state = {}
        high = state.get("time_us")  # the newest time_us taken (stored, or read this run)
        if high is None and config.since is not None:
            high = int(config.since.timestamp() * 1e6) + rewind_us  # replay from ``since``
        recent = pd.DataFrame({"time_us": pd.Series(state.get("recent_times", []), dtype="Int64"),
                               "key": pd.Series(state.get("recent", []), dtype="int64")})
        committed = high

        def page(frames: list[str]) -> Page | None:
            """Filter a chunk; the page to yield (None: nothing matched, the cursor waits for the next one)."""
            nonlocal high, recent, committed
            df = frame_table(frames)
            df = df[~df["key"].isin(recent["key"])]  # replayed by the rewind or a reconnection: seen already
            # a message without a time, or timed in the future (beyond a clock skew), is no cursor: it would
            # move every later run past all real messages
            timed = (df["time_us"].notna() & (df["time_us"] <= int((time.time() + MAX_SKEW_S) * 1e6))).to_numpy()
            untimed = int((~timed).sum())
            df = df[timed]
            if df.empty:
                return None
            high = int(max(high or 0, df["time_us"].max()))
            window = pd.concat([recent, df[["time_us", "key"]]], ignore_index=True)
            recent = window[window["time_us"] >= high - rewind_us].reset_index(drop=True)
            rows, keep, skipped = chunk_rows(df, config)
            skipped += untimed
            if rows.empty and not skipped:
                return None
            raw = "\n".join(pd.Series(frames, dtype=object).iloc[df.index[keep.to_numpy()]]).encode()
            committed = high
            return Page(raw, "application/x-ndjson", rows, self._cursor(base, high, recent), skipped=skipped)

        start = time.monotonic()
        read = 0
        drops = 0
        ws = None
        try:
            frames: list[str] = []
            chunk_start = time.monotonic()
            last_message = time.monotonic()
            while True:
                now = time.monotonic()
                done = now - start >= max_seconds or read >= max_messages or now - last_message >= idle
                if frames and (done or len(frames) >= batch or now - chunk_start >= flush):
                    out = page(frames)
                    frames = []
                    if out is not None:
                        yield out
                        last_message = time.monotonic()  # idle counts time waiting on the stream, not storing
                if done:
                    break
                chunk_start = chunk_start if frames else time.monotonic()
                if ws is None:
                    ws = self._connect(http, self._url(base, high - rewind_us if high else None))
                wait = min(max_seconds - (now - start), idle - (now - last_message), flush)
                try:
                    message = ws.recv(timeout=max(wait, 0.01))
                except TimeoutError:
                    continue
                except ConnectionClosed:  # dropped mid-stream: take what came, reconnect from it
                    ws.close()
                    ws = None
                    if frames:
                        out = page(frames)
                        frames = []
                        if out is not None:
                            yield out
                    last_message = time.monotonic()
                    if drops >= http.retries:
                        raise SourceError(self.name, f"connection to {urlsplit(base).netloc} dropped "
                                          f"{drops + 1} times") from None
                    http.counters.retries += 1
                    http._wait(http.backoff * 2 ** drops, rate_limited=False)
                    drops += 1
                    continue
                frames.append(message if isinstance(message, str) else message.decode("utf-8", "replace"))
                read += 1
                last_message = time.monotonic()
            if high is not None and high != committed:  # nothing matched lately: still move the cursor
                yield Page(b"", "application/x-ndjson", [], self._cursor(base, high, recent))
        finally:
            if ws is not None:
                ws.close()

    @staticmethod
    def _cursor(base: str, high: int, recent: Any) -> dict[str, Any]:
        return {"instance": base, "time_us": int(high), "recent": recent["key"].astype("int64").tolist(),
                "recent_times": recent["time_us"].astype("int64").tolist()}

