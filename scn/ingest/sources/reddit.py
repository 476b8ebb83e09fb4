"""Reddit: new posts of subreddits, and search (``/r/<sub>/search.json?q=&restrict_sr=1&sort=new`` or
``/search.json``), from the JSON listings.

API (www.reddit.com/dev/api): a Listing ``{kind: "Listing", data: {after, before, children: [{kind: "t3", data:
{id, name, title, selftext, author, created_utc, subreddit, permalink, removed_by_category, ...}}]}}``, newest
first, ``limit`` up to 100, ``after=<fullname>`` for the next (older) page. With an app's client id and secret
(``SCN_REDDIT_CLIENT_ID`` / ``SCN_REDDIT_CLIENT_SECRET``) an application-only OAuth token is fetched
(``POST /api/v1/access_token``, ``grant_type=client_credentials``) and ``oauth.reddit.com`` is used; without, the
public ``www.reddit.com`` listings. ``X-Ratelimit-Remaining`` / ``X-Ratelimit-Reset`` (seconds) are honoured.
Each run walks back to the newest post of the last run (``walk``).

Rows: ``post_id`` = the id (``reddit:<id>``), ``text`` = title and body, ``author`` pseudonymised, url
``https://www.reddit.com/comments/<id>`` (no handle). Deleted or removed posts (``[deleted]``, ``[removed]``,
``removed_by_category``) and posts without an author are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from scn.ingest.sources.base import AuthError, ConfigError, Page
from scn.ingest.sources.config import SourceConfig, secret
from scn.ingest.sources.http import PoliteClient
from scn.ingest.sources.walk import Fetched, walk

PUBLIC_BASE = "https://www.reddit.com"
OAUTH_BASE = "https://oauth.reddit.com"
GONE = ("[deleted]", "[removed]")


def listing_rows(children: list[dict]):
    """Listing children -> (canonical rows, sort keys, skipped, the oldest key of every child, skipped ones
    included: a page of only deleted posts still says how far back it reached)."""
    import pandas as pd

    if not children:
        return pd.DataFrame(), pd.Series(dtype="string"), 0, None
    df = pd.DataFrame([c.get("data", {}) for c in children])
    for col in ("selftext", "title", "author", "removed_by_category", "created_utc", "id"):
        if col not in df:
            df[col] = None
    body = df["selftext"].astype("string").fillna("")
    author = df["author"].astype("string")
    gone = (body.isin(GONE) | author.isin(GONE) | author.isna() | df["removed_by_category"].notna()
            | df["title"].astype("string").isin(GONE))
    text = df["title"].astype("string").fillna("") + ("\n\n" + body).where(body.str.strip().ne(""), "")
    created = pd.to_datetime(pd.to_numeric(df["created_utc"], errors="coerce"), unit="s", utc=True)
    keep = (~gone & text.str.strip().ne("") & created.notna()).to_numpy()
    ids = df["id"].astype("string")
    rows = pd.DataFrame({"post_id": ids, "created_at": created.dt.strftime("%Y-%m-%dT%H:%M:%SZ"), "text": text,
                         "lang": None, "author": author, "platform": "reddit",
                         "url": "https://www.reddit.com/comments/" + ids, "lat": None, "lon": None, "place": None})
    keys = created.dt.strftime("%Y-%m-%dT%H:%M:%SZ") + ":" + ids.str.zfill(13)
    oldest = keys.min() if keys.notna().any() else None
    return rows[keep].reset_index(drop=True), keys[keep].reset_index(drop=True), int((~keep).sum()), oldest


class Reddit:
    name = "reddit"
    kind = "social"

    def _authorise(self, http: PoliteClient, config: SourceConfig) -> str:
        client_id, client_secret = secret(self.name, "client_id"), secret(self.name, "client_secret")
        if not (client_id and client_secret):
            return (config.instance or PUBLIC_BASE).rstrip("/")
        auth_url = config.options.get("auth_url", f"{PUBLIC_BASE}/api/v1/access_token")
        resp = http.request("POST", auth_url, data={"grant_type": "client_credentials"},
                            auth=(client_id, client_secret))
        doc = http.json_of(resp, "access_token", dict)
        token = doc.get("access_token")
        if not token:
            raise AuthError(self.name, "the OAuth token request gave no access_token (check the client id/secret)")
        http.session.headers["Authorization"] = f"bearer {token}"
        return (config.instance or OAUTH_BASE).rstrip("/")

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        targets = [(f"r/{s}", f"/r/{s}/new.json", {}) for s in config.subreddits]
        for lang, term in config.all_keywords():
            del lang  # Reddit search has no language filter: detected at ingest
            for s in config.subreddits or [None]:
                path = f"/r/{s}/search.json" if s else "/search.json"
                params = {"q": term, "sort": "new", **({"restrict_sr": "1"} if s else {})}
                targets.append((f"search:{s or '*'}:{term}", path, params))
        if not targets:
            raise ConfigError(self.name, "nothing to collect: give subreddits or keywords")
        base = self._authorise(http, config)
        first = config.since or datetime.now(UTC) - timedelta(days=float(config.options.get("lookback_days", 1)))
        first_key = first.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        state: dict = dict((cursor or {}).get("queries", {}))
        limit = min(config.page_size, 100)
        for key, path, params in targets:
            def fetch(since: str | None, after: str | None, path: str = path, params: dict = params) -> Fetched:
                query = {**params, "limit": limit, "raw_json": 1, **({"after": after} if after else {})}
                resp, doc = http.get_json(f"{base}{path}", path, params=query)
                data = doc.get("data") or {} if isinstance(doc, dict) else {}
                rows, keys, skipped, oldest = listing_rows(data.get("children") or [])
                return Fetched(resp.content, resp.headers.get("Content-Type", "application/json"), rows, keys,
                               data.get("after"), skipped, oldest)

            yield from walk(state, key, first_key, fetch)
