"""The scenario every newest-first connector (Bluesky, X, Reddit) goes through against its fake platform: all
items across pages, a second run fetching only new ones, a kill between a page's write and its cursor, a 429 with
Retry-After waited out, a 401 that leaves the cursor alone, and no raw handle outside the archive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scn.ingest.sources import cursor as cursors
from scn.ingest.sources.base import AuthError
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from tests.support.collect_checks import files_holding, lake_posts
from tests.support.fake_platforms import Reply, Sleeps


def run_scenario(home: Path, monkeypatch: pytest.MonkeyPatch, source: str, city: str, fake,
                 config: Callable[[], SourceConfig], unauthorised: Callable[[], None], needles: list[str]) -> None:
    """``fake.add_many(n)`` adds n newer items; pages of 20."""
    sleeps = Sleeps()
    fake.add_many(45)
    first = collect(source, city, config=config(), sleep=sleeps)
    assert (first.fetched, first.accepted, first.duplicates, first.errors) == (45, 45, 0, [])
    assert first.pages == 3
    assert len(lake_posts(home)) == 45 and lake_posts(home)["post_key"].is_unique

    fake.add_many(5)
    second = collect(source, city, config=config(), sleep=sleeps)
    assert (second.fetched, second.accepted, second.duplicates) == (5, 5, 0)
    assert len(lake_posts(home)) == 50

    # killed after page 2 is written, before its cursor is saved: the re-run resumes at page 2
    fake.add_many(50)
    real_save, calls = cursors.save, []

    def dying_save(src: str, c: str, cur: dict) -> None:
        calls.append(cur)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        real_save(src, c, cur)

    monkeypatch.setattr(cursors, "save", dying_save)
    with pytest.raises(KeyboardInterrupt):
        collect(source, city, config=config(), sleep=sleeps)
    monkeypatch.setattr(cursors, "save", real_save)
    assert cursors.load(source, city) == calls[0] and len(lake_posts(home)) == 90
    rerun = collect(source, city, config=config(), sleep=sleeps)
    assert (rerun.accepted, rerun.duplicates) == (10, 20)
    posts = lake_posts(home)
    assert len(posts) == 100 and posts["post_key"].is_unique and posts["author_pseudo"].notna().all()
    assert sleeps.waits == []

    # 429 with Retry-After: waited out (the injected sleep records it), nothing missed
    fake.add_many(3)
    fake.fp.fail(fake.path, Reply.json({"error": "RateLimitExceeded"}, status=429, headers={"Retry-After": "11"}))
    limited = collect(source, city, config=config(), sleep=sleeps)
    assert sleeps.waits == [11.0] and limited.rate_limit_waits == 1 and limited.accepted == 3

    # 401: AuthError naming the source, the cursor untouched
    before = cursors.load(source, city)
    fake.add_many(2)
    unauthorised()
    with pytest.raises(AuthError, match=rf"^{source}: HTTP 401"):
        collect(source, city, config=config(), sleep=sleeps)
    assert cursors.load(source, city) == before and len(lake_posts(home)) == 103

    for needle in needles:
        assert files_holding(home, needle) == [], needle
