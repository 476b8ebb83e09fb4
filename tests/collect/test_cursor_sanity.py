"""Cursors an adversarial tester broke (loopback servers): a Telegram message id no channel has became the cursor
(the forward walk found nothing ever again); a next token or URL that never changes, or cycles, spent the whole
request budget on one page and was saved for the next run to loop on; a server dripping a byte every few seconds
was never timed out; and a cursor could be on disk before the lake part it depends on."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest

from scn import lake
from scn.ingest.sources import cursor as cursors
from scn.ingest.sources.base import SourceError
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from scn.ingest.sources.http import PoliteClient
from scn.ingest.sources.telegram import pseudonym
from scn.ingest.sources.walk import Fetched, walk
from scn.lake.schema import LAKE_SCHEMAS
from scn.settings import paths
from tests.support.collect_checks import lake_posts
from tests.support.fake_platforms import Reply, fake_platform
from tests.support.fake_social import FakeReddit
from tests.support.fake_sources import FakeKobo, FakeTelegram

CITY = "london"
HUGE = 99999999999999999999
FAR = 50_000  # ids this far above all the others on a page: no channel's


# ------------------------------------------------------------------------------------------------ 1. Telegram ids
def test_plausible_ids_keep_the_run_the_page_continues() -> None:
    from scn.ingest.sources.telegram import MAX_GAP, plausible

    page = [{"id": i} for i in range(50_480, 50_500)]
    assert plausible(page + [{"id": HUGE}, {"id": 2**31}, {"id": 0}]) == (page, 3)
    assert plausible(page + [{"id": 50_499 + MAX_GAP + 1}]) == (page, 1)  # far above the others
    assert plausible(page + [{"id": 50_499 + MAX_GAP}]) == (page + [{"id": 50_499 + MAX_GAP}], 0)
    assert plausible([{"id": 1}, *page], anchor=50_500) == (page, 1)  # far below the id a back page goes on from
    assert plausible([{"id": 60_000}], anchor=49) == ([], 1)  # alone on a forward page: far above the cursor
    assert plausible([{"id": 2**31 - 1}]) == ([{"id": 2**31 - 1}], 0)


def test_telegram_implausible_ids_never_become_the_cursor(home: Path) -> None:
    with fake_platform() as fp:
        ft = FakeTelegram(fp)
        ft.add_many(30, minutes_ago=300)
        for mid in (HUGE, 2**31, 30 + FAR):
            ft.add_bogus(mid)
        cfg = SourceConfig(source="telegram", city_id=CITY, instance=fp.url, channels=[ft.channel],
                           options={"lookback_days": 2})
        pseudo = pseudonym(ft.channel)
        first = collect("telegram", CITY, config=cfg)
        assert (first.accepted, first.errors) == (30, [])
        assert first.skipped == 6  # the three on the latest page, and again on the forward page
        assert cursors.load("telegram", CITY)["channels"][pseudo] == {"newest": 30, "before": None}
        ids = lake_posts(home)["post_id"].str.split("/").str[1].astype(int)
        assert ids.max() == 30 and len(ids) == 30

        for i in range(5):  # the forward walk still works on the next run
            ft.add(f"new {i}", minutes_ago=5 - i * 0.1)
        second = collect("telegram", CITY, config=cfg)
        assert (second.accepted, second.duplicates, second.errors) == (5, 0, [])
        assert cursors.load("telegram", CITY)["channels"][pseudo]["newest"] == 35

        # a cursor an implausible id poisoned before this check: read again as on a first run, then forward
        cursors.save("telegram", CITY, {"channels": {pseudo: {"newest": HUGE, "before": None}}})
        ft.add("after the repair", minutes_ago=1)
        third = collect("telegram", CITY, config=cfg)
        assert (third.accepted, third.errors) == (1, []) and third.duplicates == 35
        assert cursors.load("telegram", CITY)["channels"][pseudo]["newest"] == 36


# ------------------------------------------------------------------------------------------------ 2. pagination
def _fetcher(pages: dict[str | None, tuple[list[str], str | None]], asked: list):
    def fetch(since: str | None, token: str | None) -> Fetched:
        asked.append(token)
        if len(asked) > 10:
            raise AssertionError(f"the walk loops: {asked}")
        keys, nxt = pages[token]
        return Fetched(b"{}", "application/json", pd.DataFrame({"k": keys}), pd.Series(keys, dtype="string"), nxt)
    return fetch


def test_walk_ends_on_a_next_token_it_already_used() -> None:
    pages = {None: (["09", "08"], "A"), "A": (["07", "06"], "B"), "B": (["05", "04"], "A")}  # B -> A: a cycle
    state: dict = {}
    asked: list = []
    out = list(walk(state, "q", "00", _fetcher(pages, asked)))
    assert asked == [None, "A", "B"] and len(out) == 3
    assert state["q"] == {"since": "09"}  # complete: since moved to top, no token saved to loop on
    resumed = {"q": {"since": "00", "top": "09", "next": "A"}}  # killed after the first page, resumed
    asked.clear()
    list(walk(resumed, "q", "00", _fetcher(pages, asked)))
    assert asked == ["A", "B"] and resumed["q"] == {"since": "09"}


def test_reddit_after_that_never_changes_ends_the_walk(home: Path) -> None:
    with fake_platform() as fp:
        fr = FakeReddit(fp)
        fr.add_many(5)
        same = {"kind": "Listing", "data": {"after": "t3_same", "before": None, "dist": 5,
                                            "children": fr.strip(fr._sorted())}}
        fp.route("GET", fr.path, lambda r: Reply.json(same))
        cfg = SourceConfig(source="reddit", city_id=CITY, instance=fp.url, subreddits=[fr.sub], page_size=20,
                           max_requests=12)
        first = collect("reddit", CITY, config=cfg)
        assert (first.requests, first.accepted, first.duplicates, first.errors) == (2, 5, 5, [])
        state = cursors.load("reddit", CITY)["queries"][f"r/{fr.sub}"]
        assert list(state) == ["since"] and state["since"].endswith(fr.items[-1]["data"]["id"])  # no token kept
        again = collect("reddit", CITY, config=cfg)
        assert (again.requests, again.accepted, again.errors) == (1, 0, [])
        assert lake_posts(home)["post_key"].is_unique and len(lake_posts(home)) == 5


def test_kobo_next_that_cycles_or_does_not_page_ends_the_form(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        fk = FakeKobo(fp)
        fk.add_many(6)
        monkeypatch.setenv("SCN_KOBO_TOKEN", fk.token)
        path = f"/api/v2/assets/{fk.uid}/data/"
        cfg = SourceConfig(source="kobo", city_id=CITY, instance=fp.url, forms=[fk.uid], page_size=2,
                           max_requests=12)

        def cycling(req) -> Reply:  # the second page's next is the first URL again (its pairs in another order)
            doc = json.loads(fk._data(req).body)
            if req.arg("start") == "2":
                doc["next"] = f"{fp.url}{path}?" + urlencode({k: req.arg(k) for k in ("sort", "query", "limit",
                                                                                     "format")})
            return Reply.json(doc)

        fp.route("GET", path, cycling)
        res = collect("kobo", CITY, config=cfg)
        assert (res.requests, res.accepted, res.errors) == (2, 8, [])  # two answers a submission
        assert cursors.load("kobo", CITY) == {"forms": {fk.uid: 5004}}

        def no_paging(req) -> Reply:  # ``start`` ignored: every next URL is new, every page the same
            doc = json.loads(fk._data(req).body)
            start = int(req.arg("start") or 0)
            first = fk._data(type(req)(req.method, req.path, {**req.query, "start": ["0"]}, req.headers))
            doc["results"] = json.loads(first.body)["results"]
            doc["next"] = f"{fp.url}{path}?" + urlencode({"start": start + 2, "limit": 2,
                                                          "query": req.arg("query"), "sort": req.arg("sort")})
            return Reply.json(doc)

        fp.route("GET", path, no_paging)
        res = collect("kobo", CITY, config=cfg)
        assert (res.requests, res.accepted, res.duplicates, res.errors) == (2, 4, 4, [])
        assert cursors.load("kobo", CITY) == {"forms": {fk.uid: 5006}}


# ------------------------------------------------------------------------------------------------ 3. deadline
def test_a_dripping_server_meets_the_deadline() -> None:
    body = json.dumps({"ok": True, "pad": "x" * 30}).encode()
    with fake_platform() as fp:
        fp.route("GET", "/ok", lambda r: Reply.json({"ok": True}))
        fp.route("GET", "/body", lambda r: Reply(200, body, drip=0.2))
        fp.route("GET", "/head", lambda r: Reply(200, body, drip=0.2, drip_head=True))
        fp.route("GET", "/brisk", lambda r: Reply(200, b'{"ok": true}', drip=0.02))
        http = PoliteClient("demo", deadline=1.0)
        assert http.get(f"{fp.url}/ok").json() == {"ok": True}
        for path in ("/body", "/head"):  # ~10 s to send, a byte every 0.2 s (the 30 s read timeout never fires)
            t0 = time.monotonic()
            with pytest.raises(SourceError, match=r"^demo: no whole answer from 127\.0\.0\.1:\d+ within 1 s: "
                                                  r"the server sends too slowly$"):
                http.get(f"{fp.url}{path}")
            assert time.monotonic() - t0 < 3.0, path
        assert (http.counters.requests, http.counters.retries) == (3, 0)  # failed once, not retried
        assert http.get(f"{fp.url}/brisk").json() == {"ok": True}  # slow but within the deadline
        assert http.get(f"{fp.url}/ok").json() == {"ok": True}  # the client goes on working


# ------------------------------------------------------------------------------------------------ 4. durability
def _record(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    events: list[tuple] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst, *args, **kwargs) -> None:
        events.append(("replace", str(src), str(dst)))
        real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return events


def test_a_lake_part_is_durable_before_the_cursor(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = _record(monkeypatch)
    target = lake.write_part("posts", LAKE_SCHEMAS["posts"].empty_table(), "probe")
    folder = str(paths().table("posts"))
    tmp = next(e[1] for e in events if e[0] == "replace")
    assert events == [("fsync", tmp), ("replace", tmp, str(target)), ("fsync", folder)]  # one fsync each
    target.unlink()

    events.clear()
    with fake_platform() as fp:
        ft = FakeTelegram(fp)
        ft.add_many(5, minutes_ago=60)
        cfg = SourceConfig(source="telegram", city_id=CITY, instance=fp.url, channels=[ft.channel])
        assert collect("telegram", CITY, config=cfg).accepted == 5
    cursor_dir = str(home / "collect" / "cursors")
    first_cursor = next(i for i, e in enumerate(events) if e[0] == "fsync" and e[1].startswith(cursor_dir))
    parts = [(i, e) for i, e in enumerate(events[:first_cursor])
             if e[0] == "replace" and Path(e[2]).parent == Path(folder)]
    assert parts, events
    for i, (_, src, _dst) in parts:  # the part's bytes before its rename, the rename before the cursor
        assert ("fsync", src) in events[:i]
        assert ("fsync", folder) in events[i + 1:first_cursor]


def test_a_mass_deletion_gap_does_not_stall_the_channel() -> None:
    """More than MAX_GAP messages deleted after the cursor: the next page is a dense run of its own, far above the
    cursor; it is kept (the page's own run wins over the anchor), and an outlier within it is still dropped."""
    from scn.ingest.sources.telegram import MAX_GAP, plausible

    page = [{"id": i} for i in range(5000, 5010)] + [{"id": 1_900_000_000}]
    kept, bad = plausible(page, anchor=5000 - 3 * MAX_GAP)
    assert [m["id"] for m in kept] == list(range(5000, 5010)) and bad == 1
    kept, bad = plausible([{"id": 1_900_000_000}], anchor=100)  # a lone id: the anchor decides
    assert kept == [] and bad == 1


@pytest.mark.parametrize("content", ['{"feeds": {"http://x/rss.xml": {"etag": "v', "[1, 2]", "\udcff"])
def test_a_damaged_cursor_is_set_aside_for_its_city_only(home: Path, content: str) -> None:
    """A truncated cursor file stopped collection of every city of the source (a JSON traceback naming no file,
    the step retried, then failed); now that city's file is moved aside, named in the result, and walked
    afresh, while other cities and the lake's keys are untouched."""
    from tests.support.fake_social import FakeFeed

    with fake_platform() as fp:
        FakeFeed(fp).add_many(5)

        def config(city: str) -> SourceConfig:
            return SourceConfig(source="rss", city_id=city, feeds=[f"{fp.url}/rss.xml"])

        assert collect("rss", "london", config=config("london")).accepted == 5
        assert collect("rss", "montreal", config=config("montreal")).accepted == 5
        path = cursors.cursor_path("rss", "london")
        path.write_text(content, encoding="utf-8", errors="surrogateescape")
        again = collect("rss", "london", config=config("london"))
        assert len(again.errors) == 1 and str(path) in again.errors[0] and "moved to" in again.errors[0]
        assert (again.accepted, again.duplicates) == (0, 5)  # walked afresh: nothing stored twice
        assert isinstance(cursors.load("rss", "london"), dict)  # a good cursor saved again
        assert len(list(path.parent.glob("london.json.damaged-*"))) == 1
        assert collect("rss", "montreal", config=config("montreal")).errors == []
