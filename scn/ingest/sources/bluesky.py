"""Bluesky: public post search (``app.bsky.feed.searchPosts``) by keyword and language, hashtags as ``#tag``.

API (docs.bsky.app/docs/api/app-bsky-feed-search-posts): ``GET /xrpc/app.bsky.feed.searchPosts?q=&lang=&since=
&sort=latest&limit=(1..100)&cursor=`` on an AppView (default ``https://public.api.bsky.app``; an access JWT from
``SCN_BLUESKY_ACCESS_TOKEN`` where the AppView requires one) -> ``{cursor, hitsTotal, posts: [PostView]}``, newest
first. Each run walks back to the newest post of the last run (``walk``), by ``sortAt`` (the earlier of
``createdAt`` and ``indexedAt``).

Rows: ``post_id`` = the record's CID (the URI names the author's DID), ``created_at`` = ``sortAt`` (``createdAt`` is
the client's clock: a post dated ahead is taken at the time the network indexed it), ``author`` = the DID
(pseudonymised), ``text`` = ``record.text``, ``lang`` = ``record.langs[0]``, no url (it names the author's handle).
Posts without text (images only) are skipped; deleted posts are not returned by search.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from scn.ingest.sources.base import ConfigError, Page
from scn.ingest.sources.config import SourceConfig, secret
from scn.ingest.sources.http import PoliteClient
from scn.ingest.sources.walk import Fetched, walk

DEFAULT_BASE = "https://public.api.bsky.app"


def post_rows(posts: list[dict]):
    """PostViews -> (canonical rows, sort keys, skipped, the oldest key of every post, skipped ones included)."""
    import pandas as pd

    if not posts:
        return pd.DataFrame(), pd.Series(dtype="string"), 0, None
    df = pd.DataFrame(posts)
    record = df["record"] if "record" in df else pd.Series([{}] * len(df))
    text = record.str.get("text").astype("string")
    created = pd.to_datetime(record.str.get("createdAt"), utc=True, errors="coerce", format="ISO8601")
    indexed = pd.to_datetime(df.get("indexedAt"), utc=True, errors="coerce", format="ISO8601")
    sort_at = pd.concat([created, indexed], axis=1).min(axis=1)
    keep = text.fillna("").str.strip().ne("").to_numpy() & sort_at.notna().to_numpy()
    rows = pd.DataFrame({"post_id": df["cid"].astype("string"),
                         "created_at": sort_at.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                         "text": text, "lang": record.str.get("langs").str.get(0),
                         "author": df["author"].str.get("did"), "platform": "bluesky", "url": None,
                         "lat": None, "lon": None, "place": None})
    keys = sort_at.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ") + ":" + df["cid"].astype("string")
    oldest = keys.min() if keys.notna().any() else None
    return rows[keep].reset_index(drop=True), keys[keep].reset_index(drop=True), int((~keep).sum()), oldest


class Bluesky:
    name = "bluesky"
    kind = "social"

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        base = (config.instance or DEFAULT_BASE).rstrip("/")
        token = secret(self.name, "access_token")
        if token:
            http.session.headers["Authorization"] = f"Bearer {token}"
        queries = [(lang, term) for lang, term in config.all_keywords()] + [("any", f"#{t}") for t in config.tags]
        if not queries:
            raise ConfigError(self.name, "nothing to collect: give keywords or --tag")
        first = config.since or datetime.now(UTC) - timedelta(days=float(config.options.get("lookback_days", 1)))
        first_key = first.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        state: dict = dict((cursor or {}).get("queries", {}))
        limit = min(config.page_size, 100)

        for lang, term in queries:
            def fetch(since: str | None, token: str | None, lang: str = lang, term: str = term) -> Fetched:
                params = {"q": term, "sort": "latest", "limit": limit}
                if lang != "any":
                    params["lang"] = lang
                if since:
                    params["since"] = since.split("Z:", 1)[0] + "Z" if "Z:" in since else since  # key: time:cid
                if token:
                    params["cursor"] = token
                resp, doc = http.get_json(f"{base}/xrpc/app.bsky.feed.searchPosts", "searchPosts", dict,
                                          params=params)
                rows, keys, skipped, oldest = post_rows(doc.get("posts") or [])
                return Fetched(resp.content, resp.headers.get("Content-Type", "application/json"), rows, keys,
                               doc.get("cursor") or None, skipped, oldest)

            yield from walk(state, f"{lang}:{term}", first_key, fetch)
