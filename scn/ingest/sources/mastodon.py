"""Mastodon (any instance): hashtag timelines, the public / local timeline, and accounts' public statuses.

API (docs.joinmastodon.org/methods/timelines, /methods/accounts): ``GET /api/v1/timelines/tag/:tag``,
``/api/v1/timelines/public[?local=true]``, ``/api/v1/accounts/lookup?acct=`` then ``/api/v1/accounts/:id/statuses``;
``limit`` up to 40; statuses newest first. Pages are walked FORWARD in time with ``min_id`` (the ``rel="prev"`` URL of
the ``Link`` header): each page's newest id is the timeline's cursor, so a run never skips and a kill never loses.
A first run starts at ``since`` (config or ``--since``; default ``options.lookback_days``, 1 day), turned into an id
the way Mastodon makes ids (snowflakes: milliseconds << 16).

Rows: ``post_id = <instance host>/<status id>``, ``text`` = the HTML content as text (content warning first),
``author`` = ``acct`` as ``user@host`` (pseudonymised at ingest), ``lang``, no url (a status URL names its author).
Skipped: reblogs (another author's post), statuses that are not ``public``/``unlisted``, statuses without text,
deleted ones (a timeline simply no longer lists them). A page whose newest id is not above the ``min_id`` it
continues from ends the timeline for this run (a server that ignores ``min_id`` answers the same page forever).
An edited status (``edited_at``) is taken as it reads when collected; posts already in the lake are not changed by
a later edit.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from scn.ingest.sources.base import ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig, secret
from scn.ingest.sources.http import PoliteClient, next_page

PUBLIC = ("public", "unlisted")
MAX_LIMIT = 40


def snowflake(when: datetime) -> str:
    """The smallest Mastodon id of a status created at ``when`` (lib/mastodon/snowflake.rb: ms << 16)."""
    return str(int(when.timestamp() * 1000) << 16)


def html_to_text(content: Any) -> Any:
    """Status/entry HTML -> plain text, vectorised over a Series: paragraphs -> blank lines, ``<br>`` -> newlines,
    tags dropped (a mention link keeps its ``@name`` text), entities unescaped."""
    s = content.astype("string").fillna("")
    s = s.str.replace(r"(?i)<br\s*/?>", "\n", regex=True)
    s = s.str.replace(r"(?i)</p>\s*<p[^>]*>", "\n\n", regex=True)
    s = s.str.replace(r"<[^>]*>", "", regex=True)
    return s.map(html.unescape).str.strip()


def next_link(link_header: str | None, rel: str) -> str | None:
    """The URL of ``rel`` in an RFC 8288 ``Link`` header."""
    import requests

    for link in requests.utils.parse_header_links(link_header or ""):
        if link.get("rel") == rel:
            return link.get("url")
    return None


def status_rows(statuses: list[dict], host: str) -> tuple[Any, int]:
    """Statuses -> canonical post rows (a DataFrame) and the number skipped."""
    import pandas as pd

    if not statuses:
        return pd.DataFrame(), 0
    df = pd.DataFrame(statuses)
    for col in ("reblog", "visibility", "spoiler_text", "language", "account", "content"):
        if col not in df:
            df[col] = None
    keep = df["reblog"].isna() & df["visibility"].fillna("public").isin(PUBLIC)
    text = html_to_text(df["content"])
    warning = df["spoiler_text"].astype("string").fillna("").str.strip()
    text = (warning + "\n\n" + text).where(warning != "", text)
    keep &= text.str.strip().ne("")
    acct = df["account"].str.get("acct").astype("string")
    acct = acct.where(acct.str.contains("@", regex=False).fillna(False), acct + "@" + host)
    rows = pd.DataFrame({"post_id": host + "/" + df["id"].astype("string"), "created_at": df["created_at"],
                         "text": text, "lang": df["language"], "author": acct, "platform": "mastodon",
                         "url": None, "lat": None, "lon": None, "place": None})[keep.to_numpy()]
    return rows.reset_index(drop=True), int((~keep).sum())


def _order(status_id: str) -> tuple[int, str]:
    """Mastodon ids (decimal strings of any length) in numeric order."""
    return len(status_id), status_id


def _pseudo(acct: str) -> str:
    """A configured account as the cursor names it: its pseudonym (the cursor holds no handle)."""
    import pandas as pd

    from scn.privacy.pseudonyms import pseudonymise

    return str(pseudonymise("mastodon", pd.Series([acct]))[0])


class Mastodon:
    name = "mastodon"
    kind = "social"

    def _base(self, config: SourceConfig) -> str:
        base = (config.instance or "").rstrip("/")
        if not base:
            raise ConfigError(self.name, "no instance: give --instance URL or `instance:` in the sources file")
        if urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
            raise ConfigError(self.name, f"instance '{base}' is not an http(s) URL")
        return base

    def _timelines(self, http: PoliteClient, base: str, config: SourceConfig) -> list[tuple[str, str, dict]]:
        """(cursor key, path, fixed params) per timeline to walk."""
        out = [(f"tag:{t.lower()}", f"/api/v1/timelines/tag/{t}", {}) for t in config.tags]
        for t in config.timelines:
            if t not in ("public", "local", "remote"):
                raise ConfigError(self.name, f"unknown timeline '{t}' (public, local, remote)")
            out.append((f"timeline:{t}", "/api/v1/timelines/public", {"local": "true"} if t == "local" else
                        {"remote": "true"} if t == "remote" else {}))
        for acct in config.accounts:  # looked up every run: the cursor keeps no account name or id
            acct = acct.lstrip("@")
            _, account = http.get_json(f"{base}/api/v1/accounts/lookup", "accounts/lookup", dict,
                                       params={"acct": acct})
            if "id" not in account:
                raise SourceError(self.name, "accounts/lookup: the answer has no account id")
            account_id = str(account["id"])
            out.append((f"account:{_pseudo(acct)}", f"/api/v1/accounts/{account_id}/statuses",
                        {"exclude_reblogs": "true"}))
        if not out:
            raise ConfigError(self.name, "nothing to collect: give --tag, or tags/timelines/accounts in the sources "
                              "file")
        return out

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        base = self._base(config)
        host = urlsplit(base).netloc
        token = secret(self.name, "access_token")
        if token:
            http.session.headers["Authorization"] = f"Bearer {token}"
        state: dict[str, Any] = {"instance": base, "timelines": {}, **(cursor or {})}
        if (cursor or {}).get("instance") not in (None, base):  # another instance: its ids mean nothing here
            state = {"instance": base, "timelines": {}}
        since = config.since or datetime.now(UTC) - timedelta(days=float(config.options.get("lookback_days", 1)))
        limit = min(config.page_size, MAX_LIMIT)
        for key, path, params in self._timelines(http, base, config):
            min_id = state["timelines"].get(key) or snowflake(since)
            url: str | None = f"{base}{path}?{urlencode({**params, 'limit': limit, 'min_id': min_id})}"
            last = str(min_id)
            while url:
                resp, statuses = http.get_json(url, path, list)
                if not statuses:
                    break
                if not all(isinstance(s, dict) and s.get("id") is not None for s in statuses):
                    raise SourceError(self.name, f"{path}: a status without an id")
                newest = str(max((str(s["id"]) for s in statuses), key=_order))
                if _order(newest) <= _order(last):  # nothing above the cursor: the server ignores min_id
                    break
                last = newest
                state = {**state, "timelines": {**state["timelines"], key: str(newest)}}
                rows, skipped = status_rows(statuses, host)
                yield Page(resp.content, resp.headers.get("Content-Type", "application/json"), rows,
                           state, skipped=skipped)
                own = f"{base}{path}?{urlencode({**params, 'limit': limit, 'min_id': newest})}"
                url = next_page(self.name, own, next_link(resp.headers.get("Link"), "prev")) or own
