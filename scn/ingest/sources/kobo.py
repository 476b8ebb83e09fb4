"""KoboToolbox API v2: the submissions of a form (asset), for the survey family.

API (support.kobotoolbox.org/api.html): ``GET {server}/api/v2/assets/{uid}/data/?format=json`` with
``Authorization: Token <token>``; the answer is ``{count, next, previous, results: [...]}``, one object per
submission keyed like the CSV export (``group/question``, ``_id``, ``_uuid``, ``_submission_time``,
``meta/instanceID``...); ``next`` is the URL of the next page (``start``/``limit``) or null. ``query`` (a MongoDB
filter) and ``sort`` select and order submissions: a run asks for ``{"_id": {"$gt": <last _id>}}`` sorted by
``_id``, so each page's highest ``_id`` is a cursor that never skips (``_id`` grows with every new submission).

Settings: ``instance`` (server, e.g. ``https://kf.kobotoolbox.org`` or ``https://eu.kobotoolbox.org``), ``forms``
(asset uids), the token from ``SCN_KOBO_TOKEN`` or ``kobo.token`` in the secrets file. The survey id of the rows is
the asset uid. An edited submission keeps its ``_id`` and is not fetched again (re-ingest an export to take edits).
A ``next`` URL already fetched for the form in this run (a server whose ``next`` never changes, or cycles), or a
page that brings no ``_id`` above those before it (a server ignoring ``start``), ends the form's walk: the run does
not spend its request budget on the same page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from scn.ingest.sources.base import ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig, secret
from scn.ingest.sources.http import PoliteClient, next_page

MAX_LIMIT = 30000  # the API's page limit


def submission_rows(results: list[dict]) -> Any:
    """Submissions as the survey family reads a Kobo export: one row per submission, a column per key (nested
    values such as ``_attachments``, ``_geolocation`` or repeat groups stay JSON, which the family does not store)."""
    import pandas as pd

    return pd.DataFrame(results)


class Kobo:
    name = "kobo"
    kind = "survey"

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        base = (config.instance or "").rstrip("/")
        if urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
            raise ConfigError(self.name, "no server: give `instance:` (e.g. https://kf.kobotoolbox.org)")
        if not config.forms:
            raise ConfigError(self.name, "nothing to collect: give `forms:` (asset uids) in the sources file")
        token = secret(self.name, "token")
        if not token:
            raise ConfigError(self.name, "no API token: set SCN_KOBO_TOKEN or kobo.token in the secrets file")
        http.session.headers["Authorization"] = f"Token {token}"
        state: dict[str, Any] = {"forms": {}, **(cursor or {})}
        limit = min(config.page_size, MAX_LIMIT)
        for uid in config.forms:
            last = int(state["forms"].get(uid, 0))
            query = {"_id": {"$gt": last}}
            if config.since and not last:
                query["_submission_time"] = {"$gte": config.since.strftime("%Y-%m-%dT%H:%M:%S")}
            first = f"{base}/api/v2/assets/{uid}/data/"
            url: str | None = first
            params: dict | None = {"format": "json", "limit": limit, "sort": json.dumps({"_id": 1}),
                                   "query": json.dumps(query)}
            fetched: set[str] = set()  # the pages asked for this form in this run
            while url and _page_key(url, params) not in fetched:
                fetched.add(_page_key(url, params))
                resp, doc = http.get_json(url, f"asset {uid}", dict, params=params)
                results = doc.get("results")
                if not isinstance(results, list):
                    raise SourceError(self.name, f"asset {uid}: the answer is not a data page")
                if not results:
                    break
                before, last = last, max([last, *(int(r["_id"]) for r in results if "_id" in r)])
                state = {**state, "forms": {**state["forms"], uid: last}}
                yield Page(resp.content, resp.headers.get("Content-Type", "application/json"),
                           submission_rows(results), state, name=f"{uid}.json")
                if last <= before:  # nothing above the page before: the server does not page on
                    break
                url, params = next_page(self.name, first, doc.get("next")), None  # with query, sort and start


def _page_key(url: str, params: dict | None) -> str:
    """``url`` with ``params`` as one comparable string (query pairs sorted): equal keys ask for the same page."""
    parts = urlsplit(url)
    pairs = [*parse_qsl(parts.query, keep_blank_values=True), *((k, str(v)) for k, v in (params or {}).items())]
    query = sorted(pairs)
    return parts._replace(query=urlencode(query), fragment="").geturl()
