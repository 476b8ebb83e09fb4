"""RSS and Atom news feeds (feedparser), fetched politely: ``If-None-Match`` / ``If-Modified-Since`` from the last
answer's ``ETag`` / ``Last-Modified`` (a 304 is "nothing new"), and only entries not in the last fetch are rows.

Rows: ``post_id`` = the entry id (``guid``/``id``, else its link), ``text`` = title and summary (HTML to text),
``created_at`` = published (else updated), ``author`` (an e-mail's local part, else the name) pseudonymised, ``url`` = the entry link, ``lang`` = the feed's
language. Entries without a date or text are skipped. The cursor keeps, per feed, the validators and short hashes
of the entry ids last seen (no names).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from scn.ingest.sources.base import ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig
from scn.ingest.sources.http import PoliteClient
from scn.ingest.sources.mastodon import html_to_text


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def entry_rows(parsed, seen: set[str]):
    """feedparser's result -> (canonical rows, ids hashes of every entry, skipped)."""
    import calendar

    import pandas as pd

    entries = pd.DataFrame([dict(e) for e in parsed.entries]) if parsed.entries else pd.DataFrame()
    if entries.empty:
        return pd.DataFrame(), [], 0
    for col in ("id", "link", "title", "summary", "published_parsed", "updated_parsed", "author"):
        if col not in entries:
            entries[col] = None
    ident = entries["id"].astype("string").fillna(entries["link"].astype("string"))
    hashes = ident.fillna("").map(_hash)
    when = entries["published_parsed"].where(entries["published_parsed"].notna(), entries["updated_parsed"])
    epoch = when.map(lambda t: calendar.timegm(t) if t else None, na_action="ignore")
    created = pd.to_datetime(pd.to_numeric(epoch, errors="coerce"), unit="s", utc=True)
    title = html_to_text(entries["title"]).fillna("")
    summary = html_to_text(entries["summary"]).fillna("")
    text = (title + "\n\n" + summary).str.strip()
    lang = (parsed.feed.get("language") or "") if hasattr(parsed, "feed") else ""
    author = entries["author"].astype("string")
    author = author.str.extract(r"([^\s@()<>]+)@", expand=False).fillna(author)  # "jo@x.org (Jo)" -> jo
    usable = (ident.notna() & created.notna() & text.ne("")).to_numpy()
    new = ~hashes.isin(seen).to_numpy()
    rows = pd.DataFrame({"post_id": ident, "created_at": created.dt.strftime("%Y-%m-%dT%H:%M:%SZ"), "text": text,
                         "lang": lang or None, "author": author, "platform": "rss",
                         "url": entries["link"], "lat": None, "lon": None, "place": None})
    return rows[usable & new].reset_index(drop=True), sorted(set(hashes)), int((~usable & new).sum())


class Rss:
    name = "rss"
    kind = "social"

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        import feedparser

        if not config.feeds:
            raise ConfigError(self.name, "nothing to collect: give feeds (URLs) in the sources file")
        state: dict = {k: dict(v) for k, v in ((cursor or {}).get("feeds") or {}).items()}
        for url in config.feeds:
            key = _hash(url)
            mine = state.get(key, {})
            headers = {}
            if mine.get("etag"):
                headers["If-None-Match"] = mine["etag"]
            if mine.get("modified"):
                headers["If-Modified-Since"] = mine["modified"]
            resp = http.get(url, headers=headers)
            if resp.status_code == 304:
                continue
            parsed = feedparser.parse(resp.content, response_headers={k.lower(): v for k, v in resp.headers.items()})
            if parsed.bozo and not parsed.entries:
                raise SourceError(self.name, f"{url}: not a readable RSS/Atom feed")
            rows, hashes, skipped = entry_rows(parsed, set(mine.get("seen", [])))
            state[key] = {"etag": resp.headers.get("ETag"), "modified": resp.headers.get("Last-Modified"),
                          "seen": hashes}
            yield Page(resp.content, resp.headers.get("Content-Type", "application/rss+xml"), rows,
                       {"feeds": {k: dict(v) for k, v in state.items()}}, skipped=skipped)
