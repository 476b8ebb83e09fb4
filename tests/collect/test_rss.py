"""RSS 2.0 and Atom feeds against a fake news site on loopback: entries as posts, conditional GET (304: nothing
new), only unseen entries on the next fetch, a kill between feeds, 429 Retry-After as an HTTP date, 401."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scn.ingest.sources import cursor as cursors
from scn.ingest.sources.base import AuthError
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from tests.support.collect_checks import files_holding, lake_posts
from tests.support.fake_platforms import Reply, Sleeps, fake_platform
from tests.support.fake_social import FakeFeed

CITY = "london"


def test_rss_and_atom(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        feed = FakeFeed(fp)
        feed.add_many(15)

        def config() -> SourceConfig:
            return SourceConfig(source="rss", city_id=CITY, feeds=[f"{fp.url}/rss.xml", f"{fp.url}/atom.xml"])

        first = collect("rss", CITY, config=config())
        assert (first.fetched, first.accepted, first.duplicates) == (30, 30, 0)
        posts = lake_posts(home)
        assert {"Council & police meet #3\n\nResidents asked user\nabout safety"} <= set(posts["text"])
        assert set(posts["lang"]) == {"en", "fr"} and posts["created_at"].notna().all()

        # nothing changed: both feeds answer 304, nothing fetched, exit-0 material (the source answered)
        same = collect("rss", CITY, config=config())
        assert (same.fetched, same.requests, same.answered) == (0, 2, True)
        assert fp.hits("/rss.xml")[-1].headers.get("If-None-Match") == '"v1"'

        # 7 new entries: only those (the feed window still lists 13 old ones)
        feed.add_many(7)
        newer = collect("rss", CITY, config=config())
        assert (newer.fetched, newer.accepted, newer.duplicates) == (14, 14, 0)

        # killed after the first feed is written, before its cursor: the re-run duplicates nothing
        feed.add_many(4)
        real_save = cursors.save
        monkeypatch.setattr(cursors, "save", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            collect("rss", CITY, config=config())
        monkeypatch.setattr(cursors, "save", real_save)
        rerun = collect("rss", CITY, config=config())
        assert (rerun.accepted, rerun.duplicates) == (4, 4)
        assert len(lake_posts(home)) == 52 and lake_posts(home)["post_key"].is_unique

        # 429 with Retry-After as an HTTP date (30 s from now), then 401
        sleeps = Sleeps()
        when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
        fp.fail("/rss.xml", Reply.json({}, status=429, headers={"Retry-After": when}))
        collect("rss", CITY, config=config(), sleep=sleeps)
        assert len(sleeps.waits) == 1 and 25 < sleeps.waits[0] <= 30
        before = cursors.load("rss", CITY)
        feed.add_many(1)
        fp.fail("/rss.xml", Reply.json({}, status=401))
        with pytest.raises(AuthError, match="^rss: HTTP 401"):
            collect("rss", CITY, config=config())
        assert cursors.load("rss", CITY) == before
    assert files_holding(home) == []
