"""X API v2 recent search (bearer token): ``GET /2/tweets/search/recent``.

API (docs.x.com/x-api/posts/search/api-reference/get-tweets-search-recent): ``query``, ``max_results`` (10..100),
``next_token`` (older pages), ``since_id`` (exclusive), ``start_time``; ``tweet.fields=created_at,author_id,geo,lang``,
``expansions=geo.place_id``, ``place.fields=full_name,geo``. Answer ``{data, includes: {places}, meta: {newest_id,
oldest_id, result_count, next_token}}``, newest first; rate limits in ``x-rate-limit-limit/-remaining/-reset``
(epoch seconds), 429 when spent. Each run walks back to the newest id of the last run (``walk``; ids are
snowflakes, ordered as zero-padded strings).

A page's raw response is parsed by file ingest's X API v2 reader (``scn.ingest.social.twitter``): the same rows a
saved response file gives (exact point or tiny place, handle-free url, pseudonymised ``author_id``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from scn.ingest.sources.base import ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig, secret
from scn.ingest.sources.http import PoliteClient
from scn.ingest.sources.walk import Fetched, walk

DEFAULT_BASE = "https://api.x.com"
FIELDS = {"tweet.fields": "created_at,author_id,geo,lang", "expansions": "geo.place_id",
          "place.fields": "full_name,geo,country_code"}
ID_WIDTH = 24


class XRecentSearch:
    name = "x"
    kind = "social"

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        import pandas as pd

        token = secret(self.name, "bearer_token")
        if not token:
            raise ConfigError(self.name, "no bearer token: set SCN_X_BEARER_TOKEN or x.bearer_token in the "
                              "secrets file")
        http.session.headers["Authorization"] = f"Bearer {token}"
        base = (config.instance or DEFAULT_BASE).rstrip("/")
        queries = [(f"{term} lang:{lang}" if lang != "any" else term) for lang, term in config.all_keywords()]
        queries += [f"#{t}" for t in config.tags]
        if not queries:
            raise ConfigError(self.name, "nothing to collect: give keywords or --tag")
        extra = config.options.get("query_suffix", "-is:retweet")
        start = config.since or datetime.now(UTC) - timedelta(days=float(config.options.get("lookback_days", 1)))
        start = max(start, datetime.now(UTC) - timedelta(days=6, hours=23))  # recent search: the last 7 days
        state: dict = dict((cursor or {}).get("queries", {}))
        limit = max(10, min(config.page_size, 100))

        for query in queries:
            q = f"({query}) {extra}".strip() if extra else query

            def fetch(since: str | None, nxt: str | None, q: str = q) -> Fetched:
                params = {"query": q, "max_results": limit, **FIELDS}
                if since:
                    params["since_id"] = since.lstrip("0")
                else:
                    params["start_time"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
                if nxt:
                    params["next_token"] = nxt
                resp, doc = http.get_json(f"{base}/2/tweets/search/recent", "search", dict, params=params)
                if doc.get("errors") and not doc.get("data"):
                    raise SourceError(self.name, f"search: {doc['errors'][0].get('detail') or doc['errors'][0]}")
                ids = pd.Series([str(t.get("id", "")) for t in doc.get("data") or []], dtype="string")
                rows = pd.DataFrame({"id": ids})
                return Fetched(resp.content, resp.headers.get("Content-Type", "application/json"), rows,
                               ids.str.zfill(ID_WIDTH), (doc.get("meta") or {}).get("next_token"))

            for page in walk(state, query, None, fetch):
                # the raw response is the file: file ingest's X reader makes the rows (none when empty)
                yield Page(page.raw, page.content_type, None if len(page.rows) else [], page.cursor,
                           skipped=page.skipped)
