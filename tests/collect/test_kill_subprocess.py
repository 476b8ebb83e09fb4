"""A real kill: `scn collect mastodon ... --json` runs as a child process against a fake instance on loopback and
is SIGKILLed (1) while it waits on a slow page 3, (2) while it writes a big page's part into the lake (the test
polls the posts folder for the part's temp file); a re-run then completes. Every status of the timeline is in the
lake exactly once, the cursor ends at the newest status, the lake holds only readable parts (the killed writer's
temp file and scratch rows are swept), the ingest log accounts for every stored post and no raw handle is left
outside the archive."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from scn.ingest.sources import cursor as cursors
from tests.support.cli import BIN, scn, scn_env
from tests.support.collect_checks import files_holding, lake_posts
from tests.support.fake_platforms import FakePlatform, Reply, Request, fake_platform
from tests.support.fake_social import FakeMastodon

CITY = "london"


def _argv(fm: FakeMastodon) -> list[str]:
    return ["collect", "mastodon", "--city", CITY, "--instance", fm.fp.url, "--tag", fm.tag, "--json"]


def _start(home: Path, fm: FakeMastodon) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "scn"), *_argv(fm)], env=scn_env(home), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _gate(fp: FakePlatform, path: str, blocks) -> tuple[threading.Event, threading.Event]:
    """Wrap ``path``'s route: a request for which ``blocks(req)`` is true signals ``waiting`` and is held until
    ``release`` is set."""
    waiting, release, route = threading.Event(), threading.Event(), fp.routes[("GET", path)]

    def gated(req: Request) -> Reply:
        if blocks(req) and not release.is_set():
            waiting.set()
            release.wait(timeout=60)
        return route(req)

    fp.route("GET", path, gated)
    return waiting, release


def _check_state(home: Path, fm: FakeMastodon) -> None:
    """Exactly once, cursor at the newest, only readable parts in the lake, the log accounts for every post."""
    posts = lake_posts(home)
    assert posts["post_key"].is_unique
    assert sorted(posts["post_id"]) == sorted(f"{fm.host}/{s['id']}" for s in fm.statuses)
    assert cursors.load("mastodon", CITY)["timelines"][f"tag:{fm.tag}"] == fm.statuses[-1]["id"]

    lake = home / "lake"
    stray = [str(p.relative_to(lake)) for p in lake.rglob("*") if p.is_file()
             and not (p.name.startswith("part-") and p.suffix == ".parquet") and p.name != ".ingest.lock"]
    assert stray == []
    for part in lake.rglob("part-*.parquet"):
        pq.read_table(part)  # every part whole and readable
    leftovers = [p for p in (home / "collect").rglob("*") if p.is_file() and p.parent.name != "mastodon"]
    assert leftovers == [] and not list((home / "collect").glob(".scratch-*"))  # the killed run's swept
    assert [p.name for p in (home / "collect" / "cursors" / "mastodon").iterdir()] == [f"{CITY}.json"]

    log = pd.concat([pq.read_table(p).to_pandas() for p in (lake / "ingest_log").glob("part-*.parquet")])
    log = log[log["file"].str.startswith("collect/mastodon/")]
    assert (log["rows_read"] == log["accepted"] + log["quarantined"] + log["duplicates"]).all()
    assert log["quarantined"].sum() == 0
    # each post part (named by its page's hash) is accounted for by the log rows of that page: accepted there, or
    # (a page killed after its rows were written but before its log row) all duplicates when fetched again
    for part in (lake / "posts").glob("part-*.parquet"):
        rows = pq.read_metadata(part).num_rows
        page = log[log["sha256"].str.startswith(part.stem.removeprefix("part-"))]
        assert len(page) and rows in (page["accepted"].sum(), page["duplicates"].max()), part.name
    assert log["accepted"].sum() + log["duplicates"].sum() >= len(fm.statuses) >= log["accepted"].sum()
    assert files_holding(home) == []


def test_sigkill_while_waiting_on_page_3(home: Path) -> None:
    with fake_platform() as fp:
        fm = FakeMastodon(fp)
        fm.add_many(110)
        path = f"/api/v1/timelines/tag/{fm.tag}"
        page2_newest = fm.statuses[79]["id"]  # pages of 40, walked forward from the oldest
        waiting, release = _gate(fp, path, lambda req: req.arg("min_id") == page2_newest)
        proc = _start(home, fm)
        try:
            assert waiting.wait(timeout=30), "the collection never asked for page 3"
            _kill(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
            release.set()
        # pages 1 and 2 were committed; page 3 never arrived
        assert cursors.load("mastodon", CITY)["timelines"][f"tag:{fm.tag}"] == page2_newest
        assert len(lake_posts(home)) == 80

        fm.add_many(7, start_minutes_ago=2, step=0.01)  # posted while the collector was down
        done = json.loads(scn(*_argv(fm), home=home, timeout=120).stdout)
        assert (done["fetched"], done["accepted"], done["duplicates"], done["errors"]) == (37, 37, 0, [])
        assert done["cursor"]["timelines"][f"tag:{fm.tag}"] == fm.statuses[-1]["id"]
        _check_state(home, fm)
        # the log of the whole story: every stored post accepted exactly once, nothing counted as duplicate
        log = pd.concat([pq.read_table(p).to_pandas() for p in (home / "lake" / "ingest_log").glob("*.parquet")])
        assert (log["accepted"].sum(), log["duplicates"].sum()) == (117, 0)


def _big_page(fm: FakeMastodon, n: int) -> None:
    """``n`` more statuses (copies of the newest with new ids, one millisecond apart), and a timeline that answers
    every status above ``min_id`` in one page: one long write under the lake's writer lock."""
    from datetime import UTC, datetime, timedelta

    last = fm.statuses[-1]
    start = datetime.now(UTC) - timedelta(minutes=1)
    for i in range(n):
        t = start + timedelta(milliseconds=i)
        sid = str((int(t.timestamp() * 1000) << 16) + 1)
        fm.statuses.append({**last, "id": sid, "created_at": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                            "content": f"<p>Big page post {i} about #{fm.tag}</p>"})

    def timeline(req: Request) -> Reply:
        above = [s for s in fm.statuses if int(s["id"]) > int(req.arg("min_id") or 0)]
        return Reply.json(above[::-1])

    fm.fp.route("GET", f"/api/v1/timelines/tag/{fm.tag}", timeline)


def _kill_mid_write(proc: subprocess.Popen, table: Path, timeout: float = 60) -> str:
    """SIGKILL ``proc`` the moment a new file shows in the lake table folder ``table``: the temp file of a part
    being written, or the part just renamed into place (the writer lock is held until the ingest log row is
    written after it). Returns the name seen."""
    known = {e.name for e in os.scandir(table)}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the collection ended before it wrote: {proc.communicate()}"
        new = [e.name for e in os.scandir(table) if e.name not in known]
        if new:
            _kill(proc)
            return new[0]
        time.sleep(0.0002)
    raise AssertionError("the collection never wrote a part")


def test_sigkill_while_writing_the_lake(home: Path) -> None:
    from scn.ingest.sources.collect import collect
    from scn.ingest.sources.config import SourceConfig

    with fake_platform() as fp:
        fm = FakeMastodon(fp)
        fm.add_many(30)
        collect("mastodon", CITY, config=SourceConfig(source="mastodon", city_id=CITY, instance=fp.url,
                                                      tags=[fm.tag]))
        before = cursors.load("mastodon", CITY)
        _big_page(fm, 5000)
        proc = _start(home, fm)
        try:
            seen = _kill_mid_write(proc, home / "lake" / "posts")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        assert seen.startswith((".tmp-", "part-"))  # a part of the big page half written, or just renamed
        # killed before the big page was committed (seen renamed, its log row and cursor may have followed)
        assert cursors.load("mastodon", CITY) == before or seen.startswith("part-")

        done = json.loads(scn(*_argv(fm), home=home, timeout=120).stdout)
        assert done["errors"] == [] and done["fetched"] == 5000
        _check_state(home, fm)
