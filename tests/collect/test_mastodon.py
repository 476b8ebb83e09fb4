"""Mastodon against a fake instance on loopback: pages walked forward with min_id, the cursor, a kill between a
page's write and its cursor, 429 Retry-After, 401, HTML, reblogs, private, edited and deleted statuses, and no raw
handle outside the archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scn.ingest.sources import cursor as cursors
from scn.ingest.sources.base import AuthError
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from scn.ingest.sources.mastodon import status_rows
from tests.support.collect_checks import files_holding, lake_posts
from tests.support.fake_platforms import Reply, Sleeps, fake_platform
from tests.support.fake_social import FakeMastodon, handle

CITY = "london"


def _config(fm: FakeMastodon, **kw) -> SourceConfig:
    return SourceConfig(**{"source": "mastodon", "city_id": CITY, "instance": fm.fp.url, "tags": [fm.tag],
                           "page_size": 40, **kw})


def test_pages_cursor_kill_and_handles(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        fm = FakeMastodon(fp)
        fm.add_many(95)
        sleeps = Sleeps()
        first = collect("mastodon", CITY, config=_config(fm), sleep=sleeps)
        assert (first.fetched, first.accepted, first.duplicates, first.quarantined) == (95, 95, 0, 0)
        assert first.pages == 3 and first.requests == 4 and first.errors == []  # 40 + 40 + 15, then empty
        posts = lake_posts(home)
        assert len(posts) == 95 and posts["post_key"].is_unique
        assert set(posts["platform"]) == {"mastodon"} and posts["author_pseudo"].notna().all()
        assert posts["text"].str.contains("#london market & park", regex=False).all()  # HTML -> text
        assert first.cursor["timelines"]["tag:london"] == fm.statuses[-1]["id"]

        # a second run fetches only what is new, starting at the cursor
        fm.add_many(5, start_minutes_ago=3, step=0.01)
        fp.requests.clear()
        second = collect("mastodon", CITY, config=_config(fm), sleep=sleeps)
        assert (second.fetched, second.accepted, second.duplicates) == (5, 5, 0)
        assert fp.requests[0].arg("min_id") == first.cursor["timelines"]["tag:london"]
        assert len(lake_posts(home)) == 100

        # killed after page 2 is in the lake but before its cursor is saved; the re-run loses and duplicates nothing
        fm.add_many(90, start_minutes_ago=2, step=0.01)
        real_save, calls = cursors.save, []

        def dying_save(source: str, city: str, cur: dict) -> None:
            calls.append(cur)
            if len(calls) == 2:
                raise KeyboardInterrupt("killed")
            real_save(source, city, cur)

        monkeypatch.setattr(cursors, "save", dying_save)
        with pytest.raises(KeyboardInterrupt):
            collect("mastodon", CITY, config=_config(fm), sleep=sleeps)
        monkeypatch.setattr(cursors, "save", real_save)
        assert cursors.load("mastodon", CITY) == calls[0]  # the cursor of page 1, not of page 2
        assert len(lake_posts(home)) == 180  # pages 1 and 2 are in the lake
        rerun = collect("mastodon", CITY, config=_config(fm), sleep=sleeps)
        assert (rerun.accepted, rerun.duplicates) == (10, 40)  # page 2 again (duplicates), then the rest
        posts = lake_posts(home)
        assert len(posts) == 190 and posts["post_key"].is_unique
        assert set(posts["post_id"]) == {f"{fm.host}/{s['id']}" for s in fm.statuses}
        assert sleeps.waits == []

    # raw handles (and display names) are nowhere but in the archive; the archive holds the raw pages
    assert files_holding(home) == []
    assert any(handle(1).encode() in p.read_bytes() for p in (home / "archive").rglob("*.json"))


def test_rate_limit_auth_and_statuses(home: Path) -> None:
    with fake_platform() as fp:
        fm = FakeMastodon(fp)
        fm.add_many(50)
        path = f"/api/v1/timelines/tag/{fm.tag}"

        # 401: AuthError naming the source, nothing stored, cursor untouched
        fp.fail(path, Reply.json({"error": "The access token is invalid"}, status=401))
        with pytest.raises(AuthError, match=r"^mastodon: HTTP 401"):
            collect("mastodon", CITY, config=_config(fm))
        assert cursors.load("mastodon", CITY) is None and lake_posts(home).empty

        # 429 with Retry-After (seconds): waited out, nothing missed
        fm_sleeps = Sleeps()
        fp.fail(path, Reply.json({"error": "Too many requests"}, status=429, headers={"Retry-After": "7"}))
        done = collect("mastodon", CITY, config=_config(fm, page_size=20), sleep=fm_sleeps)
        assert fm_sleeps.waits == [7.0] and done.rate_limit_waits == 1 and done.accepted == 50

        # a 401 after some collection leaves the saved cursor exactly as it was
        before = cursors.load("mastodon", CITY)
        fm.add_many(3, start_minutes_ago=1, step=0.01)
        fp.fail(path, Reply.json({"error": "unauthorized"}, status=401))
        with pytest.raises(AuthError):
            collect("mastodon", CITY, config=_config(fm))
        assert cursors.load("mastodon", CITY) == before

        # reblogs and media-only statuses are skipped (a private one is not listed); a content warning comes first; an edited
        # status is taken as it reads; a status deleted before the run is simply absent
        fm.add("<p>boost</p>", author=1, minutes_ago=0.5, reblog={"id": "1", "content": "<p>x</p>"})
        fm.add("<p>followers only</p>", author=2, minutes_ago=0.5, visibility="private")
        fm.add("", author=3, minutes_ago=0.5)
        fm.add("<p>edited text<br>second line</p>", author=4, minutes_ago=0.5, edited_at="2026-01-01T00:00:00.000Z",
               spoiler_text="cw")
        gone = fm.add("<p>deleted soon</p>", author=5, minutes_ago=0.5)
        fm.add(f'<p>hi <span class="h-card"><a href="{fp.url}/@{handle(9)}" class="u-url mention">@<span>'
               f'{handle(9)}</span></a></span> &lt;3</p>', author=6, minutes_ago=0.4)
        fm.delete(gone)
        res = collect("mastodon", CITY, config=_config(fm))
        assert (res.accepted, res.skipped) == (5, 2)  # 3 from before + edited + mention; boost, empty skipped
        texts = set(lake_posts(home)["text"])
        assert "cw\n\nedited text\nsecond line" in texts and "hi @user <3" in texts
        assert not any("deleted soon" in t for t in texts)
        # an account timeline lists followers-only and direct statuses to a token that may see them: not collected
        private = [dict(fm.statuses[-1], id="1", visibility=v) for v in ("private", "direct", "unlisted")]
        rows, skipped = status_rows(private, fm.host)
        assert (len(rows), skipped) == (1, 2)
    assert files_holding(home) == []


def test_cli_json_and_exit_codes(home: Path, capsys: pytest.CaptureFixture) -> None:
    from scn.cli import main

    with fake_platform() as fp:
        fm = FakeMastodon(fp)
        fm.add_many(12)
        argv = ["collect", "mastodon", "--city", CITY, "--instance", fp.url, "--tag", fm.tag, "--json"]
        assert main(argv) == 0
        doc = json.loads(capsys.readouterr().out)
        assert {"source", "city_id", "fetched", "accepted", "quarantined", "duplicates", "requests", "cursor",
                "errors"} <= set(doc)
        assert (doc["source"], doc["city_id"], doc["fetched"], doc["accepted"]) == ("mastodon", CITY, 12, 12)
        assert main(argv) == 0  # nothing new: still exit 0
        again = json.loads(capsys.readouterr().out)
        assert (again["fetched"], again["accepted"], again["cursor"]) == (0, 0, doc["cursor"])
        fp.fail(f"/api/v1/timelines/tag/{fm.tag}", Reply.json({"error": "unauthorized"}, status=401))
        assert main(argv) == 2
        bad = capsys.readouterr()
        assert bad.out == "" and bad.err.strip().splitlines() == [bad.err.strip()]  # one line
        assert bad.err.startswith("mastodon: HTTP 401")
        assert json.loads((home / "collect" / "cursors" / "mastodon" / f"{CITY}.json").read_text()) == doc["cursor"]
        assert main(["collect", "mastodon", "--city", CITY, "--tag", "x"]) == 2
        assert "mastodon: no instance" in capsys.readouterr().err
        assert main(["collect", "mastodon", "--city", "atlantis", "--instance", fp.url, "--tag", "x"]) == 2
        assert "mastodon: unknown city 'atlantis'" in capsys.readouterr().err
