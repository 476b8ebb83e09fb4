"""4chan-style JSON and Telegram channel previews against fake servers on loopback: every post across pages, only
new ones on a second run (cursor), a kill between a page's write and its cursor, 429 Retry-After, 401, HTML to text,
deleted and image-only posts, and no raw handle outside the archive."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scn.ingest.sources import cursor as cursors
from scn.ingest.sources.base import AuthError
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from scn.ingest.sources.telegram import pseudonym
from tests.support.collect_checks import files_holding, lake_posts
from tests.support.fake_platforms import Reply, Sleeps, fake_platform
from tests.support.fake_social import handle
from tests.support.fake_sources import FakeFourchan, FakeTelegram

CITY = "london"


def _dying_save(monkeypatch: pytest.MonkeyPatch, at: int) -> list[dict]:
    """``cursors.save`` that dies (as a kill would) on its ``at``-th call, after the page is in the lake."""
    real, calls = cursors.save, []

    def save(source: str, city: str, cur: dict) -> None:
        calls.append(cur)
        if len(calls) == at:
            monkeypatch.setattr(cursors, "save", real)
            raise KeyboardInterrupt("killed")
        real(source, city, cur)

    monkeypatch.setattr(cursors, "save", save)
    return calls


def _chan_config(ff: FakeFourchan) -> SourceConfig:
    return SourceConfig(source="fourchan", city_id=CITY, instance=ff.fp.url, boards=[ff.board],
                        options={"min_interval": 0, "platform": "4chan", "web_url": "https://boards.4chan.org"})


def test_fourchan_threads_cursor_kill_and_errors(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        ff = FakeFourchan(fp)
        op1 = ff.post(None, "Town meeting<wbr>s tonight<br><span class=\"quote\">&gt;be me</span>", sub="Meeting")
        ff.post(op1, '<a href="#p1001" class="quotelink">&gt;&gt;1001</a><br>see you there', author=1, trip=True)
        ff.post(op1, "", author=2)  # image only: skipped
        op2 = ff.post(None, "Second thread", author=3)
        ff.post(op2, f"reply to @{handle(5)}")
        sleeps = Sleeps()
        first = collect("fourchan", CITY, config=_chan_config(ff), sleep=sleeps)
        assert (first.fetched, first.accepted, first.skipped, first.errors) == (4, 4, 1, [])
        assert first.pages == 3 and first.requests == 3  # catalog + 2 threads
        posts = lake_posts(home).set_index("post_id")
        assert posts.loc[f"pol/{op1}", "text"] == "Meeting\n\nTown meetings tonight\n>be me"
        assert posts.loc[f"pol/{op1 + 1}", "text"] == ">>1001\nsee you there"
        assert posts.loc[f"pol/{op1}", "url"] == f"https://boards.4chan.org/pol/thread/{op1}#p{op1}"
        assert pd.isna(posts.loc[f"pol/{op1}", "author_pseudo"])  # Anonymous: no author
        assert posts["author_pseudo"].notna().sum() == 2 and set(posts["platform"]) == {"4chan"}

        # nothing changed: one catalog request answered 304, nothing fetched
        fp.requests.clear()
        again = collect("fourchan", CITY, config=_chan_config(ff), sleep=sleeps)
        assert (again.fetched, again.requests) == (0, 1) and fp.requests[0].headers.get("If-Modified-Since")

        # new replies in thread 2 and a new thread: only those threads, only the new posts
        ff.post(op2, "new reply one")
        op3 = ff.post(None, "Third thread")
        fp.requests.clear()
        second = collect("fourchan", CITY, config=_chan_config(ff), sleep=sleeps)
        assert (second.fetched, second.accepted, second.duplicates) == (2, 2, 0)
        assert sorted(r.path for r in fp.requests) == ["/pol/catalog.json", f"/pol/thread/{op2}.json",
                                                       f"/pol/thread/{op3}.json"]

        # killed after a thread's posts are in the lake but before its cursor: nothing lost, nothing twice
        for _ in range(3):
            ff.post(op1, "late reply")
        ff.post(op3, "late reply")
        calls = _dying_save(monkeypatch, at=2)
        with pytest.raises(KeyboardInterrupt):
            collect("fourchan", CITY, config=_chan_config(ff), sleep=sleeps)
        assert cursors.load("fourchan", CITY) == calls[0]
        rerun = collect("fourchan", CITY, config=_chan_config(ff), sleep=sleeps)
        assert (rerun.accepted, rerun.duplicates) == (0, 1)  # the killed page again: its row a duplicate
        posts = lake_posts(home)
        assert len(posts) == 10 and posts["post_key"].is_unique

        # a thread pruned from the catalog leaves the cursor, one gone between catalog and fetch (404) is skipped; 429 waited out; 401 leaves the cursor
        ff.post(op2, "after prune")
        ff.prune(op3)
        ff.post(op1, "in a thread deleted after the catalog was read")
        fp.fail(f"/pol/thread/{op1}.json", Reply(404, b"", content_type="text/html"))
        fp.fail(f"/pol/thread/{op2}.json", Reply.json({}, status=429, headers={"Retry-After": "3"}))
        waits = Sleeps()
        res = collect("fourchan", CITY, config=_chan_config(ff), sleep=waits)
        assert (res.accepted, res.rate_limit_waits, waits.waits, res.errors) == (1, 1, [3.0], [])
        before = cursors.load("fourchan", CITY)
        ff.post(op2, "one more")
        fp.fail("/pol/catalog.json", Reply(401, b"", content_type="text/html"))
        with pytest.raises(AuthError, match=r"^fourchan: HTTP 401"):
            collect("fourchan", CITY, config=_chan_config(ff), sleep=waits)
        assert cursors.load("fourchan", CITY) == before
    assert files_holding(home) == []
    assert any(handle(1).encode() in p.read_bytes() for p in (home / "archive").rglob("*.json"))


def _tg_config(ft: FakeTelegram) -> SourceConfig:
    return SourceConfig(source="telegram", city_id=CITY, instance=ft.fp.url, channels=[ft.channel],
                        options={"lookback_days": 2})


def test_telegram_preview_pages_cursor_kill_and_errors(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        ft = FakeTelegram(fp)
        ft.add("too old", minutes_ago=60 * 24 * 5)
        ft.add_many(44, minutes_ago=600)
        ft.add(None, minutes_ago=30)  # photo only
        ft.add("Channel photo updated", minutes_ago=29, service=True)
        gone = ft.add("deleted soon", minutes_ago=28)
        ft.add("fixed typo", minutes_ago=27, edited=True)
        ft.delete(gone)
        first = collect("telegram", CITY, config=_tg_config(ft))
        # latest page, two pages back (the last reaches the old message), then one forward request: empty
        assert (first.accepted, first.pages, first.requests, first.errors) == (45, 3, 4, [])
        assert first.skipped == 3  # photo-only, service, too old
        pseudo = pseudonym(ft.channel)
        posts = lake_posts(home)
        assert set(posts["post_id"].str.split("/").str[0]) == {pseudo}
        assert set(posts["author_pseudo"]) == {pseudo} and posts["post_key"].is_unique
        text = posts.set_index("post_id").loc[f"{pseudo}/2", "text"]
        assert text == "Message 2 from t.me/user about the market\nline two & more @user"
        assert first.cursor["channels"][pseudo] == {"newest": 49, "before": None}

        # second run: only the new messages, asked for with ?after=
        for i in range(25):
            ft.add(f"new {i}", minutes_ago=5 - i * 0.1)
        fp.requests.clear()
        second = collect("telegram", CITY, config=_tg_config(ft))
        assert (second.accepted, second.duplicates) == (25, 0), second
        assert fp.requests[0].arg("after") == "49"

        # a kill after the first new page is stored but before its cursor: the re-run takes it again as duplicates
        for i in range(30):
            ft.add(f"later {i}", minutes_ago=1 - i * 0.01)
        calls = _dying_save(monkeypatch, at=1)
        with pytest.raises(KeyboardInterrupt):
            collect("telegram", CITY, config=_tg_config(ft))
        assert cursors.load("telegram", CITY) == second.cursor and calls
        rerun = collect("telegram", CITY, config=_tg_config(ft))
        assert (rerun.accepted, rerun.duplicates) == (10, 20)
        assert len(lake_posts(home)) == 100

        # 429 waited out; 401 (a proxy in front) names the source and leaves the cursor
        ft.add("after limit", minutes_ago=0.1)
        fp.fail(f"/s/{ft.channel}", Reply.text("Too Many Requests", "text/plain", status=429,
                                                headers={"Retry-After": "4"}))
        waits = Sleeps()
        res = collect("telegram", CITY, config=_tg_config(ft), sleep=waits)
        assert (res.accepted, waits.waits) == (1, [4.0])
        before = cursors.load("telegram", CITY)
        fp.fail(f"/s/{ft.channel}", Reply.text("Unauthorized", "text/plain", status=401))
        with pytest.raises(AuthError, match=r"^telegram: HTTP 401"):
            collect("telegram", CITY, config=_tg_config(ft))
        assert cursors.load("telegram", CITY) == before
    assert files_holding(home) == []
    assert any(ft.channel.encode() in p.read_bytes() for p in (home / "archive").rglob("*.html"))
