"""Fake social platforms for the collect tests, each answering in the platform's documented shape on a
``FakePlatform`` (tests/support/fake_platforms.py): pagination, rate-limit headers, errors, HTML content, deleted
posts, edits. Handles are distinctive (``HANDLE_PREFIX``) so a test can scan the state for them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.support.fake_platforms import FakePlatform, Reply, Request

HANDLE_PREFIX = "zqxhandle"


def handle(i: int) -> str:
    return f"{HANDLE_PREFIX}{i:03d}"


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# ------------------------------------------------------------------------------------------------ Mastodon
@dataclass
class FakeMastodon:
    """A Mastodon instance: statuses, the tag / public timelines and account statuses with ``max_id``,
    ``since_id``, ``min_id``, ``limit`` (default 20, max 40), ``Link`` headers and ``X-RateLimit-*`` headers, as
    docs.joinmastodon.org describes them. Ids are snowflakes (ms << 16 | sequence)."""

    fp: FakePlatform
    tag: str = "london"
    statuses: list[dict] = field(default_factory=list)
    _seq: itertools.count = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.fp.route("GET", f"/api/v1/timelines/tag/{self.tag}", lambda r: self._timeline(r, self._tagged))
        self.fp.route("GET", "/api/v1/timelines/public", lambda r: self._timeline(r, self._public))
        self.fp.route("GET", "/api/v1/accounts/lookup", self._lookup)

    @property
    def host(self) -> str:
        return self.fp.url.split("://", 1)[1]

    def add(self, html: str, author: int, minutes_ago: float = 10, **extra: object) -> dict:
        created = datetime.now(UTC) - timedelta(minutes=minutes_ago)
        sid = str((int(created.timestamp() * 1000) << 16) + next(self._seq) % 65536)
        user = handle(author)
        status = {
            "id": sid, "created_at": _iso(created), "in_reply_to_id": None, "in_reply_to_account_id": None,
            "sensitive": False, "spoiler_text": "", "visibility": "public", "language": "en",
            "uri": f"{self.fp.url}/users/{user}/statuses/{sid}", "url": f"{self.fp.url}/@{user}/{sid}",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "edited_at": None, "content": html,
            "reblog": None, "application": None,
            "account": {"id": str(1000 + author), "username": user, "acct": user, "display_name": f"{user} Display",
                        "url": f"{self.fp.url}/@{user}", "note": f"<p>I am {user}</p>"},
            "media_attachments": [], "mentions": [], "tags": [{"name": self.tag, "url": f"{self.fp.url}/tags/x"}],
            "emojis": [], "card": None, "poll": None,
        }
        status.update(extra)
        self.statuses.append(status)
        self.statuses.sort(key=lambda s: int(s["id"]))
        return status

    def add_many(self, n: int, start_minutes_ago: float = 600, step: float = 1) -> list[dict]:
        """``n`` public statuses with the tag, oldest first, ``step`` minutes apart."""
        return [self.add(f"<p>Post number {i} about the <a href=\"{self.fp.url}/tags/{self.tag}\" class=\"mention "
                         f"hashtag\" rel=\"tag\">#<span>{self.tag}</span></a> market &amp; park</p>",
                         author=i % 7, minutes_ago=start_minutes_ago - i * step) for i in range(n)]

    def delete(self, status: dict) -> None:
        self.statuses.remove(status)

    def _tagged(self, s: dict) -> bool:
        return any(t["name"] == self.tag for t in s["tags"]) and s["visibility"] == "public"

    @staticmethod
    def _public(s: dict) -> bool:
        return s["visibility"] == "public"

    def _lookup(self, req: Request) -> Reply:
        acct = req.arg("acct", "")
        for s in self.statuses:
            if s["account"]["acct"] == acct:
                return Reply.json(s["account"])
        return Reply.json({"error": "Record not found"}, status=404)

    def account_route(self, author: int) -> None:
        acct_id = str(1000 + author)
        self.fp.route("GET", f"/api/v1/accounts/{acct_id}/statuses", lambda r: self._timeline(
            r, lambda s: s["account"]["id"] == acct_id and (r.arg("exclude_reblogs") != "true" or not s["reblog"])))

    def _timeline(self, req: Request, keep) -> Reply:
        limit = min(int(req.arg("limit", "20")), 40)
        items = [s for s in self.statuses if keep(s)]
        ids = lambda name: int(req.arg(name)) if req.arg(name) else None  # noqa: E731
        if ids("max_id") is not None:
            items = [s for s in items if int(s["id"]) < ids("max_id")]
        if ids("since_id") is not None:
            items = [s for s in items if int(s["id"]) > ids("since_id")]
        if ids("min_id") is not None:  # the page just above min_id, newest first
            items = [s for s in items if int(s["id"]) > ids("min_id")][:limit]
        else:
            items = items[-limit:]
        page = list(reversed(items))
        headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299",
                   "X-RateLimit-Reset": _iso(datetime.now(UTC) + timedelta(minutes=5))}
        if page:
            base = f"{self.fp.url}{req.path}"
            headers["Link"] = (f'<{base}?limit={limit}&max_id={page[-1]["id"]}>; rel="next", '
                               f'<{base}?limit={limit}&min_id={page[0]["id"]}>; rel="prev"')
        return Reply.json(page, headers=headers)


# ------------------------------------------------------------------------------------------ newest-first APIs
@dataclass
class _Feed:
    """Items kept newest first; pages cut by an opaque token (the sort key of the last item returned)."""

    fp: FakePlatform
    items: list[dict] = field(default_factory=list)
    _n: itertools.count = field(default_factory=itertools.count)

    def _older(self, items: list[dict], token: str | None, limit: int) -> tuple[list[dict], str | None]:
        if token:
            items = [i for i in items if i["_key"] < token]
        page = items[:limit]
        more = len(items) > limit
        return page, (page[-1]["_key"] if page and more else None)

    def _sorted(self) -> list[dict]:
        return sorted(self.items, key=lambda i: i["_key"], reverse=True)

    @staticmethod
    def strip(items: list[dict]) -> list[dict]:
        return [{k: v for k, v in i.items() if not k.startswith("_")} for i in items]


@dataclass
class FakeBluesky(_Feed):
    """``app.bsky.feed.searchPosts`` of an AppView: q (words or #tag in the text), lang, since (inclusive, on
    sortAt), sort=latest, limit (max 100), cursor; PostView objects."""

    def __post_init__(self) -> None:
        self.fp.route("GET", "/xrpc/app.bsky.feed.searchPosts", self._search)

    path = "/xrpc/app.bsky.feed.searchPosts"

    def add_many(self, n: int, text: str = "Rally near the #london bridge today", lang: str = "en") -> None:
        for _ in range(n):
            i = next(self._n)
            t = datetime.now(UTC) - timedelta(minutes=300) + timedelta(seconds=i)
            did, user = f"did:plc:{handle(i % 9)}", f"{handle(i % 9)}.bsky.social"
            body = text if i % 5 else f"{text} cc @{handle((i + 1) % 9)}.bsky.social"
            self.items.append({
                "uri": f"at://{did}/app.bsky.feed.post/3k{i:011d}", "cid": f"bafyreig{i:040d}",
                "author": {"did": did, "handle": user, "displayName": f"{user} Name", "labels": []},
                "record": {"$type": "app.bsky.feed.post", "text": body, "createdAt": _iso(t), "langs": [lang]},
                "replyCount": 0, "repostCount": 0, "likeCount": 0, "quoteCount": 0, "indexedAt": _iso(t),
                "labels": [], "_key": _iso(t) + f"{i:08d}", "_text": body})

    def _search(self, req: Request) -> Reply:
        q, lang, since = req.arg("q", ""), req.arg("lang"), req.arg("since")
        items = [i for i in self._sorted() if q.lower() in i["_text"].lower()
                 and (not lang or lang in i["record"]["langs"]) and (not since or i["indexedAt"] >= since)]
        page, token = self._older(items, req.arg("cursor"), min(int(req.arg("limit", "25")), 100))
        doc = {"hitsTotal": len(items), "posts": self.strip(page), **({"cursor": token} if token else {})}
        return Reply.json(doc, headers={"RateLimit-Limit": "3000", "RateLimit-Remaining": "2999",
                                        "RateLimit-Reset": str(int(datetime.now(UTC).timestamp()) + 300)})


X_AUTHOR = "777712345"


@dataclass
class FakeX(_Feed):
    """X API v2 ``/2/tweets/search/recent``: bearer token required (401 otherwise), query words, since_id
    (exclusive), start_time, max_results (10..100), next_token, expansions=geo.place_id with includes.places,
    ``x-rate-limit-*`` headers."""

    token: str = "test-bearer-token"
    path = "/2/tweets/search/recent"

    def __post_init__(self) -> None:
        self.fp.route("GET", self.path, self._search)

    def add_many(self, n: int, text: str = "Rally near the #london bridge today") -> None:
        for _ in range(n):
            i = next(self._n)
            t = datetime.now(UTC) - timedelta(minutes=300) + timedelta(seconds=i)
            tid = str(1_800_000_000_000_000_000 + i * 1000)
            body = text if i % 4 else f"@{handle(i % 9)} {text}"
            tweet = {"id": tid, "text": body, "created_at": _iso(t), "author_id": f"{X_AUTHOR}{i % 9:04d}",
                     "lang": "en", "edit_history_tweet_ids": [tid], "_key": tid.zfill(24)}
            if i % 3 == 0:
                tweet["geo"] = {"place_id": "01a9a39529b27f36"}
            self.items.append(tweet)

    def _search(self, req: Request) -> Reply:
        if req.headers.get("Authorization") != f"Bearer {self.token}":
            return Reply.json({"title": "Unauthorized", "type": "about:blank", "status": 401,
                               "detail": "Unauthorized"}, status=401)
        q = req.arg("query", "").split(")")[0].strip("(").split(" lang:")[0].lower()
        since = req.arg("since_id")
        items = [i for i in self._sorted() if q in i["text"].lower() and (not since or int(i["id"]) > int(since))]
        page, token = self._older(items, req.arg("next_token"), min(int(req.arg("max_results", "10")), 100))
        headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449",
                   "x-rate-limit-reset": str(int(datetime.now(UTC).timestamp()) + 900)}
        if not page:
            return Reply.json({"meta": {"result_count": 0}}, headers=headers)
        meta = {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"], "result_count": len(page),
                **({"next_token": token} if token else {})}
        places = [{"id": "01a9a39529b27f36", "full_name": "Manhattan, NY", "country_code": "US",
                   "geo": {"type": "Feature", "bbox": [-74.026675, 40.683935, -73.910408, 40.877483],
                           "properties": {}}}]
        return Reply.json({"data": self.strip(page), "includes": {"places": places}, "meta": meta},
                          headers=headers)


@dataclass
class FakeReddit(_Feed):
    """Reddit listings ``/r/<sub>/new.json``: limit (max 100), after=<fullname>; t3 children; deleted and
    removed posts; ``X-Ratelimit-*`` headers (reset in seconds)."""

    sub: str = "london"

    def __post_init__(self) -> None:
        self.fp.route("GET", self.path, self._listing)

    @property
    def path(self) -> str:
        return f"/r/{self.sub}/new.json"

    def add_many(self, n: int, deleted_every: int = 0) -> None:
        for _ in range(n):
            i = next(self._n)
            created = int(datetime.now(UTC).timestamp()) - 30000 + i * 2
            rid = f"1{i:06d}"
            gone = bool(deleted_every) and i % deleted_every == 0
            body = "[deleted]" if gone else f"Is the market open? ask u/{handle(i % 9)} or @{handle(i % 9)}"
            self.items.append({"kind": "t3", "data": {
                "id": rid, "name": f"t3_{rid}", "title": f"Market question {i}", "selftext": body,
                "author": "[deleted]" if gone else handle(i % 9), "created_utc": float(created),
                "subreddit": self.sub, "permalink": f"/r/{self.sub}/comments/{rid}/market_question_{i}/",
                "url": f"https://www.reddit.com/r/{self.sub}/comments/{rid}/market_question_{i}/",
                "removed_by_category": "deleted" if gone else None, "over_18": False},
                "_key": f"{created:012d}{rid}"})

    def _listing(self, req: Request) -> Reply:
        after = req.arg("after")
        token = None
        if after:
            token = next((i["_key"] for i in self.items if i["data"]["name"] == after), None)
        page, last = self._older(self._sorted(), token, min(int(req.arg("limit", "25")), 100))
        doc = {"kind": "Listing", "data": {"after": page[-1]["data"]["name"] if last else None, "before": None,
                                           "dist": len(page), "children": self.strip(page)}}
        return Reply.json(doc, headers={"X-Ratelimit-Used": "1", "X-Ratelimit-Remaining": "99",
                                        "X-Ratelimit-Reset": "300"})


# ------------------------------------------------------------------------------------------------ RSS / Atom
@dataclass
class FakeFeed:
    """An RSS 2.0 feed at ``/rss.xml`` and an Atom feed at ``/atom.xml`` answering conditional GETs with 304
    (``ETag`` / ``Last-Modified``), the newest ``window`` entries of ``entries``."""

    fp: FakePlatform
    entries: list[dict] = field(default_factory=list)
    window: int = 20
    version: int = 0

    def __post_init__(self) -> None:
        self.fp.route("GET", "/rss.xml", lambda r: self._serve(r, self._rss))
        self.fp.route("GET", "/atom.xml", lambda r: self._serve(r, self._atom))

    def add_many(self, n: int) -> None:
        for _ in range(n):
            i = len(self.entries)
            t = datetime.now(UTC) - timedelta(hours=5) + timedelta(minutes=i)
            self.entries.append({"i": i, "t": t, "title": f"Council &amp; police meet #{i}",
                                 "summary": f"&lt;p&gt;Residents asked {handle(i % 4)}&lt;br/&gt;about safety&lt;/p&gt;",
                                 "author": f"{handle(i % 4)}@news.example (Reporter {i % 4})"})
        self.version += 1

    def _serve(self, req: Request, render) -> Reply:
        etag = f'"v{self.version}"'
        modified = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=self.version)
        last_modified = modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
        if req.headers.get("If-None-Match") == etag:
            return Reply(304, b"", {"ETag": etag})
        ctype = "application/rss+xml; charset=utf-8" if render == self._rss else "application/atom+xml"
        return Reply.text(render(self.entries[-self.window:][::-1]), ctype,
                          headers={"ETag": etag, "Last-Modified": last_modified})

    def _rss(self, entries: list[dict]) -> str:
        items = "".join(
            f"<item><title>{e['title']}</title><link>https://news.example/a/{e['i']}</link>"
            f"<guid isPermaLink=\"false\">news-{e['i']}</guid><author>{e['author']}</author>"
            f"<pubDate>{e['t'].strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
            f"<description>{e['summary']}</description></item>" for e in entries)
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>City news</title>'
                f"<link>https://news.example/</link><description>d</description><language>en-gb</language>"
                f"{items}</channel></rss>")

    def _atom(self, entries: list[dict]) -> str:
        items = "".join(
            f"<entry><title>{e['title']}</title><link href=\"https://news.example/b/{e['i']}\"/>"
            f"<id>urn:uuid:00000000-0000-0000-0000-{e['i']:012d}</id><author><name>{handle(e['i'] % 4)}</name>"
            f"</author><updated>{_iso(e['t'])}</updated><summary type=\"html\">{e['summary']}</summary></entry>"
            for e in entries)
        return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">'
                f"<title>Infos</title><id>urn:feed</id><updated>{_iso(datetime.now(UTC))}</updated>{items}</feed>")
