"""Bluesky Jetstream against a fake Jetstream websocket on loopback (tests/support/fake_jetstream.py): every
matching post, only new ones on a second run (``time_us`` cursor with a rewind), a dropped connection resumed
without gap or duplicate, a kill between a page's write and its cursor, non-post and identity events ignored, a
post deleted before it was stored dropped, a refused handshake (401) naming the source, no raw handle outside the
archive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scn.ingest.sources import cursor as cursors
from scn.ingest.sources.base import AuthError, ConfigError
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from tests.support.collect_checks import files_holding, lake_posts
from tests.support.fake_jetstream import POST, T0, fake_jetstream
from tests.support.fake_platforms import Sleeps
from tests.support.fake_social import HANDLE_PREFIX

CITY = "london"
SOURCE = "bluesky-jetstream"
REWIND_US = 3_000_000


def _config(url: str, batch: int = 1000) -> SourceConfig:
    return SourceConfig(source=SOURCE, city_id=CITY, instance=url, keywords={"en": ["london"]},
                        since=datetime.fromtimestamp(T0 / 1e6, UTC),
                        options={"idle_seconds": 0.3, "max_seconds": 20, "batch_messages": batch})


def test_jetstream_cursor_drop_kill_and_auth(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps = Sleeps()
    with fake_jetstream() as fj:
        kept = fj.add_posts(30)
        fj.add_posts(4, "Nothing to see here")  # no keyword
        fj.add_posts(3, "London in French", lang="fr")  # the keyword, not the language
        gone = fj.add_posts(1)[0]
        fj.delete(gone)  # deleted before it was stored: absent
        first = collect(SOURCE, CITY, config=_config(fj.url), sleep=sleeps)
        assert (first.fetched, first.accepted, first.duplicates, first.skipped, first.errors) == (30, 30, 0, 1, [])
        assert first.requests == 1 and first.answered
        assert fj.connections[0]["wantedCollections"] == [POST] and fj.connections[0]["cursor"] == [str(T0)]
        posts = lake_posts(home)
        assert set(posts["post_id"]) == {p["commit"]["cid"] for p in kept}
        assert set(posts["platform"]) == {"bluesky"} and set(posts["lang"]) == {"en"}
        assert posts["author_pseudo"].notna().all() and posts["author_pseudo"].nunique() == 9
        saved = cursors.load(SOURCE, CITY)
        assert saved["time_us"] == fj.events[-1]["time_us"] and saved["instance"] == fj.url

        # a second run: only the new posts, from the stored time minus the rewind
        fj.add_posts(10)
        second = collect(SOURCE, CITY, config=_config(fj.url), sleep=sleeps)
        assert (second.fetched, second.accepted, second.duplicates) == (10, 10, 0)
        assert int(fj.connections[1]["cursor"][0]) == saved["time_us"] - REWIND_US

        # the connection drops mid-stream: reopened from the last message read, nothing missed or taken twice
        fj.add_posts(40)
        fj.drop_after(25)
        third = collect(SOURCE, CITY, config=_config(fj.url, batch=25), sleep=sleeps)
        assert (third.fetched, third.accepted, third.duplicates, third.errors) == (40, 40, 0, [])
        assert third.retries == 1 and third.requests == 2 and third.pages >= 3
        assert sleeps.waits == [1.0]  # the client's backoff before reconnecting
        assert len(lake_posts(home)) == 80 and lake_posts(home)["post_key"].is_unique

        # killed after a page is in the lake, before its cursor: the re-run loses and duplicates nothing
        fj.add_posts(20)
        real_save = cursors.save

        def dying_save(source: str, city: str, cur: dict) -> None:
            monkeypatch.setattr(cursors, "save", real_save)
            raise KeyboardInterrupt("killed")

        monkeypatch.setattr(cursors, "save", dying_save)
        before = cursors.load(SOURCE, CITY)
        with pytest.raises(KeyboardInterrupt):
            collect(SOURCE, CITY, config=_config(fj.url, batch=25), sleep=sleeps)
        assert cursors.load(SOURCE, CITY) == before and 80 < len(lake_posts(home)) < 100
        rerun = collect(SOURCE, CITY, config=_config(fj.url, batch=25), sleep=sleeps)
        assert rerun.accepted + rerun.duplicates == 20 and rerun.duplicates > 0
        posts = lake_posts(home)
        assert len(posts) == 100 and posts["post_key"].is_unique

        # nothing new: the source answered, nothing fetched, the cursor stays put
        idle = collect(SOURCE, CITY, config=_config(fj.url), sleep=sleeps)
        assert (idle.fetched, idle.pages, idle.answered) == (0, 0, True)

        # the instance refuses the subscription: AuthError naming the source, the cursor untouched
        before = cursors.load(SOURCE, CITY)
        fj.add_posts(2)
        fj.refuse = 401
        with pytest.raises(AuthError, match=rf"^{SOURCE}: HTTP 401"):
            collect(SOURCE, CITY, config=_config(fj.url), sleep=sleeps)
        assert cursors.load(SOURCE, CITY) == before
    for needle in (HANDLE_PREFIX, "did:plc"):
        assert files_holding(home, needle) == [], needle


def test_jetstream_configuration_errors(home: Path) -> None:
    with pytest.raises(ConfigError, match=rf"^{SOURCE}: instance 'https://x.example' is not a ws"):
        collect(SOURCE, CITY, config=SourceConfig(source=SOURCE, city_id=CITY, instance="https://x.example",
                                                  keywords=["london"]))
    with pytest.raises(ConfigError, match=rf"^{SOURCE}: nothing to collect"):
        collect(SOURCE, CITY, config=SourceConfig(source=SOURCE, city_id=CITY))


def test_malformed_untimed_and_future_messages_neither_stop_nor_derail_the_stream(home: Path) -> None:
    """A message that is not JSON, a post without ``time_us`` and one timed in 2200 (found by an attacker: the
    first crashed every run at the same frame; the second crashed the next run; the third moved the cursor to
    2200, so every later run subscribed from there and collected nothing) are skipped; the cursor is the last
    real message's time and the next run collects what is new."""
    with fake_jetstream() as fj:
        before = fj.add_posts(3)
        fj.add_raw("{not json")
        fj.add_raw("[1, 2]")
        fj.add_raw("null")  # not an object: it reshaped the whole chunk's batch read (every message dropped)
        fj.add_raw("5")
        fj.add_raw(dict(before[2], time_us=1.7e15 + 0.5))  # not a whole number: the cast raised, every run
        fj.add_raw(dict(before[2], time_us=10 ** 30))
        post = dict(before[0], time_us=None, commit=dict(before[0]["commit"], rkey="3kuntimed", cid="bafyuntimed"))
        fj.add_raw(post)
        future = 7_258_118_400_000_000  # 2200-01-01
        fj.add_raw(dict(before[1], time_us=future, commit=dict(before[1]["commit"], rkey="3kfuture",
                                                              cid="bafyfuture")), time_us=T0 + 10_000_000)
        after = fj.add_posts(3)
        first = collect(SOURCE, CITY, config=_config(fj.url), sleep=Sleeps())
        assert (first.accepted, first.errors) == (6, []) and first.skipped >= 2
        assert set(lake_posts(home)["post_id"]) == {p["commit"]["cid"] for p in before + after}
        assert cursors.load(SOURCE, CITY)["time_us"] == after[-1]["time_us"] < future
        later = fj.add_posts(2)
        second = collect(SOURCE, CITY, config=_config(fj.url), sleep=Sleeps())
        assert (second.accepted, second.errors) == (2, [])
        assert {p["commit"]["cid"] for p in later} <= set(lake_posts(home)["post_id"])
