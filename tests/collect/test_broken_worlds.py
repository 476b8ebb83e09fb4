"""Connectors against worlds built to break them (loopback servers answering in each platform's documented shape):
a page of only deleted posts, an empty page that still carries a cursor, a timeline that ignores ``min_id``,
feeds without ids whose links are relative, a body cut short, and posts dated by a skewed client clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from tests.support.collect_checks import lake_posts
from tests.support.fake_platforms import Reply, fake_platform
from tests.support.fake_social import FakeBluesky, FakeMastodon, FakeReddit

CITY = "london"


def test_a_page_of_only_deleted_posts_does_not_end_the_walk(home: Path) -> None:
    """Reddit lists deleted posts (``[deleted]``) in /new. A whole page of them mid-walk read as "nothing left":
    the walk ended as complete, its ``since`` moved to the newest post, and every older post of the run was never
    fetched, on this run or any later one."""
    with fake_platform() as fp:
        fr = FakeReddit(fp)
        fr.add_many(5)
        cfg = SourceConfig(source="reddit", city_id=CITY, instance=fp.url, subreddits=[fr.sub], page_size=10)
        assert collect("reddit", CITY, config=cfg).accepted == 5
        fr.add_many(10)  # older of the new posts
        fr.add_many(20, deleted_every=1)  # two pages of deleted posts
        fr.add_many(10)  # the newest page
        res = collect("reddit", CITY, config=cfg)
        assert (res.accepted, res.skipped, res.errors) == (20, 20, [])
        again = collect("reddit", CITY, config=cfg)
        assert (again.accepted, again.requests) == (0, 1)
    assert len(lake_posts(home)) == 25 and lake_posts(home)["post_key"].is_unique


def _with_empty_hop(fb: FakeBluesky, hops: int) -> None:
    """The fake answers its second page as ``hops`` empty pages, each carrying a cursor to the next, then the real
    page (an AppView drops the posts it hides after the search service found them: a page can come back empty)."""
    real = fb._search

    def search(req):
        cursor = req.arg("cursor")
        if cursor and not cursor.startswith("hop"):
            return Reply.json({"posts": [], "cursor": f"hop1|{cursor}"})
        if cursor:
            n, token = cursor.split("|", 1)
            if int(n[3:]) < hops:
                return Reply.json({"posts": [], "cursor": f"hop{int(n[3:]) + 1}|{token}"})
            req.query["cursor"] = [token]
        return real(req)

    fb.fp.route("GET", fb.path, search)


def test_an_empty_page_that_carries_a_cursor_does_not_end_the_walk(home: Path) -> None:
    with fake_platform() as fp:
        fb = FakeBluesky(fp)
        fb.add_many(30)
        _with_empty_hop(fb, hops=1)
        cfg = SourceConfig(source="bluesky", city_id=CITY, instance=fp.url, keywords={"en": ["london"]},
                           page_size=10, max_requests=50)
        res = collect("bluesky", CITY, config=cfg)
        assert (res.accepted, res.errors) == (30, [])
    assert len(lake_posts(home)) == 30


def test_endless_empty_pages_end_the_walk(home: Path) -> None:
    """A platform answering empty pages with a fresh cursor forever: a few are followed, then the walk is over
    (not the whole request budget, every run)."""
    with fake_platform() as fp:
        fb = FakeBluesky(fp)
        fb.add_many(10)
        _with_empty_hop(fb, hops=10**6)
        cfg = SourceConfig(source="bluesky", city_id=CITY, instance=fp.url, keywords={"en": ["london"]},
                           page_size=5, max_requests=100)
        res = collect("bluesky", CITY, config=cfg)
        assert res.accepted == 5 and res.errors == [] and res.requests <= 5


def test_a_timeline_that_ignores_min_id_is_not_walked_forever(home: Path) -> None:
    """A Mastodon-compatible server (an old fork, a cache in front) that ignores ``min_id`` and names the same page
    in its ``Link`` header: the forward walk asked the same page until the request budget was spent, every run."""
    with fake_platform() as fp:
        fm = FakeMastodon(fp)
        fm.add_many(5)
        path = f"/api/v1/timelines/tag/{fm.tag}"

        def stuck(req) -> Reply:
            page = list(reversed(fm.statuses[-3:]))
            return Reply.json(page, headers={"Link": f'<{fp.url}{path}?min_id={page[0]["id"]}>; rel="prev"'})

        fp.route("GET", path, stuck)
        cfg = SourceConfig(source="mastodon", city_id=CITY, instance=fp.url, tags=[fm.tag], max_requests=50)
        res = collect("mastodon", CITY, config=cfg)
        assert (res.accepted, res.errors) == (3, []) and res.requests <= 2, (res.requests, res.duplicates)
        cursor = json.loads((home / "collect" / "cursors" / "mastodon" / f"{CITY}.json").read_text())
        assert cursor["timelines"][f"tag:{fm.tag}"] == fm.statuses[-1]["id"]


def _rss(items: str, lang: str = "en") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><link>/</link>'
            f"<description>d</description><language>{lang}</language>{items}</channel></rss>")


def test_feeds_without_ids_and_with_relative_links(home: Path) -> None:
    """Two sites whose feeds give no ``guid`` and relative links (``/news/1``): the link is the entry's id, and
    unresolved it was the same id on both sites, so the second site's stories were dropped as duplicates of the
    first's (and stored with a url that leads nowhere)."""
    when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    items = "".join(f"<item><title>Story {i}</title><link>/news/{i}</link><pubDate>{when}</pubDate>"
                    f"<description><![CDATA[<p>Council &amp; <b>police</b> {i}</p>]]></description></item>"
                    for i in range(3))
    with fake_platform() as one, fake_platform() as two:
        for fp in (one, two):
            fp.route("GET", "/feed", lambda r: Reply.text(_rss(items), "application/rss+xml"))
        cfg = SourceConfig(source="rss", city_id=CITY, feeds=[f"{one.url}/feed", f"{two.url}/feed"])
        res = collect("rss", CITY, config=cfg)
        assert (res.accepted, res.duplicates, res.errors) == (6, 0, [])
        posts = lake_posts(home)
        assert set(posts["url"]) == {f"{fp.url}/news/{i}" for fp in (one, two) for i in range(3)}
        assert set(posts["text"]) == {f"Story {i}\n\nCouncil & police {i}" for i in range(3)}


def test_feeds_numbering_their_guids_alike(home: Path) -> None:
    """Two sites whose RSS ``guid`` is a bare number (unique within a feed only, as RSS allows): site B's items 1..3
    were taken for site A's and dropped. A duplicate guid within one feed stays one post."""
    when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    items = lambda site: "".join(  # noqa: E731
        f'<item><title>{site} story {i}</title><link>https://{site}.example/{i}</link>'
        f'<guid isPermaLink="false">{min(i, 3)}</guid><pubDate>{when}</pubDate><description>x</description></item>'
        for i in range(1, 5))
    with fake_platform() as fp:
        fp.route("GET", "/a", lambda r: Reply.text(_rss(items("a")), "application/rss+xml"))
        fp.route("GET", "/b", lambda r: Reply.text(_rss(items("b")), "application/rss+xml"))
        cfg = SourceConfig(source="rss", city_id=CITY, feeds=[f"{fp.url}/a", f"{fp.url}/b"])
        res = collect("rss", CITY, config=cfg)
        assert (res.fetched, res.accepted, res.errors) == (8, 6, []), res
        assert set(lake_posts(home)["post_id"]) == {f"{fp.url}/{s}#{i}" for s in "ab" for i in range(1, 4)}
        again = collect("rss", CITY, config=cfg)  # no ETag: the same feeds again, nothing new
        assert (again.fetched, again.accepted) == (0, 0)


def test_a_body_cut_short_is_retried_not_taken(home: Path) -> None:
    """A connection that closes before the ``Content-Length`` it announced: the cut body was taken as the answer.
    A feed cut after its first items gave those items and saved the answer's ``ETag``, so the next run's
    conditional GET answered 304 and the rest of the feed was never read. Now the request is retried."""
    when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    body = _rss("".join(f"<item><title>Story {i}</title><link>https://n.example/{i}</link><pubDate>{when}</pubDate>"
                        f"<description>text {i}</description></item>" for i in range(6))).encode()
    cut = body[:body.index(b"<item><title>Story 3")]
    with fake_platform() as fp:
        def feed(req) -> Reply:
            if req.headers.get("If-None-Match") == '"v1"':
                return Reply(304, b"", {"ETag": '"v1"'})
            return Reply(200, body, {"ETag": '"v1"'}, "application/rss+xml")

        fp.route("GET", "/feed", feed)
        fp.fail("/feed", Reply(200, cut, {"ETag": '"v1"'}, "application/rss+xml",
                               cut_to=len(body)))
        cfg = SourceConfig(source="rss", city_id=CITY, feeds=[f"{fp.url}/feed"])
        sleeps: list[float] = []
        res = collect("rss", CITY, config=cfg, sleep=sleeps.append)
        assert (res.accepted, res.retries, res.errors) == (6, 1, []), res
        assert collect("rss", CITY, config=cfg).fetched == 0
    assert len(lake_posts(home)) == 6


def test_reset_times_without_a_zone_are_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP dates are GMT and platform reset times UTC; one sent without its zone was read in the machine's local
    time: on a host in UTC+5:30 a 42 s wait became 5.5 hours (the run stopped as rate limited, every run)."""
    import time

    from scn.ingest.sources.http import PoliteClient

    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        now = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)
        http = PoliteClient("demo", clock=now.timestamp)
        assert http.rate_limit_wait({"Retry-After": "Mon, 07 Dec 2026 22:00:42"}) == pytest.approx(42)
        assert http.rate_limit_wait({"Retry-After": "Mon, 07 Dec 2026 22:00:42 -0000"}) == pytest.approx(42)
        assert http.rate_limit_wait({"X-RateLimit-Reset": "2026-12-07T22:05:00"}) == pytest.approx(300)
        assert http.rate_limit_wait({"X-RateLimit-Reset": "2026-12-07T23:05:00+01:00"}) == pytest.approx(300)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_bluesky_times_a_client_clock_wrote(home: Path) -> None:
    """``createdAt`` is the client's claim (Bluesky orders by ``sortAt``, the earlier of it and ``indexedAt``). A
    post dated 2099 by a skewed clock was stored as a 2099 post: counted in a month that has not come, and never
    old enough for retention to erase its text. Offsets and zone-less times are read as UTC instants."""
    from scn.ingest.sources.collect import redact_collected

    with fake_platform() as fp:
        fb = FakeBluesky(fp)
        fb.add_many(3)
        future, offset, naive = (i["record"] for i in fb.items)
        indexed = [datetime.fromisoformat(i["indexedAt"].replace("Z", "+00:00")) for i in fb.items]
        future["createdAt"] = "2099-01-01T00:00:00.000Z"
        offset["createdAt"] = indexed[1].astimezone(timezone(timedelta(hours=5, minutes=30))).isoformat()
        naive["createdAt"] = indexed[2].replace(tzinfo=None).isoformat()
        cfg = SourceConfig(source="bluesky", city_id=CITY, instance=fp.url, keywords={"en": ["london"]})
        res = collect("bluesky", CITY, config=cfg)
        assert (res.accepted, res.errors) == (3, []), res
    posts = lake_posts(home).sort_values("created_at")
    got = [t.to_pydatetime().replace(tzinfo=UTC) if t.tzinfo is None else t.to_pydatetime()
           for t in posts["created_at"]]
    assert [abs((g - i).total_seconds()) < 0.001 for g, i in zip(got, indexed, strict=True)] == [True] * 3
    assert redact_collected("bluesky", CITY, days=1, now=datetime.now(UTC) + timedelta(days=3)) == 3


def test_a_429_whose_reset_has_passed_backs_off() -> None:
    """A 429 naming a reset already past (a server clock behind ours, a stale header): it was retried at once,
    a burst of requests into a rate limit. It now backs off as a 429 that names no wait."""
    from scn.ingest.sources.http import PoliteClient
    from tests.support.fake_platforms import Sleeps

    with fake_platform() as fp:
        fp.route("GET", "/ok", lambda r: Reply.json({"ok": True}))
        past = str(int(datetime.now(UTC).timestamp()) - 120)
        fp.fail("/ok", Reply(429, headers={"x-rate-limit-reset": past}), times=2)
        fp.fail("/ok", Reply(429, headers={"Retry-After": "Mon, 07 Dec 2020 22:00:00 GMT"}))
        sleeps = Sleeps()
        http = PoliteClient("demo", sleep=sleeps, backoff=0.5)
        assert http.get(f"{fp.url}/ok").json() == {"ok": True}
        assert sleeps.waits == [0.5, 1.0, 2.0] and http.counters.rate_limit_waits == 3


def test_jetstream_times_a_client_clock_wrote(home: Path) -> None:
    """The firehose's ``createdAt`` is the client's claim too: a post dated 2099 was quarantined (a real public
    post lost), one dated hours ahead stored in the future. A post is never dated after Jetstream saw it
    (``time_us``); an earlier claim stands, offsets converted."""
    from tests.support.fake_jetstream import T0, fake_jetstream

    with fake_jetstream() as fj:
        ahead, hours, offset = fj.add_posts(3)
        ahead["commit"]["record"]["createdAt"] = "2099-01-01T00:00:00Z"
        hours["commit"]["record"]["createdAt"] = datetime.fromtimestamp(hours["time_us"] / 1e6 + 7200,
                                                                        UTC).isoformat()
        offset["commit"]["record"]["createdAt"] = "2025-11-24T21:00:00+05:30"  # 15:30Z, before T0
        cfg = SourceConfig(source="bluesky-jetstream", city_id=CITY, instance=fj.url, keywords={"en": ["london"]},
                           since=datetime.fromtimestamp(T0 / 1e6, UTC), options={"idle_seconds": 0.3})
        res = collect("bluesky-jetstream", CITY, config=cfg)
        assert (res.accepted, res.quarantined, res.errors) == (3, 0, []), res
    posts = lake_posts(home).set_index("post_id")["created_at"]
    seen = lambda e: datetime.fromtimestamp(e["time_us"] / 1e6, UTC).replace(tzinfo=None)  # noqa: E731
    at = lambda e: posts[e["commit"]["cid"]].to_pydatetime().replace(tzinfo=None)  # noqa: E731
    assert (at(ahead), at(hours)) == (seen(ahead), seen(hours))
    assert at(offset) == datetime(2025, 11, 24, 15, 30)


def test_a_status_edited_after_collection_stays_as_collected(home: Path) -> None:
    """Mastodon: a status edited after it was stored (same id, new text, ``edited_at``) and listed again (its
    cursor lost: walked afresh) is a duplicate by key, and the stored text is the one collected (the documented
    rule), never a second row."""
    from scn.ingest.sources import cursor as cursors

    with fake_platform() as fp:
        fm = FakeMastodon(fp)
        first = fm.add("<p>Original words #london</p>", author=1, minutes_ago=30)
        cfg = SourceConfig(source="mastodon", city_id=CITY, instance=fp.url, tags=[fm.tag])
        assert collect("mastodon", CITY, config=cfg).accepted == 1
        first.update(content="<p>Edited words #london</p>", edited_at=datetime.now(UTC).isoformat())
        cursors.reset("mastodon", CITY)
        again = collect("mastodon", CITY, config=cfg)
        assert (again.accepted, again.duplicates) == (0, 1)
    posts = lake_posts(home)
    assert len(posts) == 1 and posts["text"].iloc[0] == "Original words #london"
