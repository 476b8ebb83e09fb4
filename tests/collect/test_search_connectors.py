"""Bluesky, X and Reddit against fake platforms on loopback (tests/support/fake_social.py), each through the
shared scenario (tests/support/collect_scenario.py), plus what is particular to each."""

from __future__ import annotations

from pathlib import Path

import pytest

from scn.ingest.sources.base import AuthError, ConfigError
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from scn.settings import override
from tests.support.collect_checks import lake_posts
from tests.support.collect_scenario import run_scenario
from tests.support.fake_platforms import Reply, fake_platform
from tests.support.fake_social import HANDLE_PREFIX, X_AUTHOR, FakeBluesky, FakeReddit, FakeX

CITY = "london"


def test_bluesky(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        fb = FakeBluesky(fp)

        def config() -> SourceConfig:
            return SourceConfig(source="bluesky", city_id=CITY, instance=fp.url, keywords={"en": ["london"]},
                                page_size=20)

        run_scenario(home, monkeypatch, "bluesky", CITY, fb, config,
                     lambda: fp.fail(fb.path, Reply.json({"error": "AuthMissing"}, status=401)),
                     [HANDLE_PREFIX, "did:plc"])
        assert {r.arg("lang") for r in fp.hits(fb.path)} == {"en"}
        assert all(r.arg("since", "").endswith("Z") and len(r.arg("since")) >= 20 for r in fp.hits(fb.path))
    posts = lake_posts(home)
    assert set(posts["platform"]) == {"bluesky"} and set(posts["lang"]) == {"en"}
    assert posts["text"].str.endswith(" cc @user").any()  # the whole handle, domain included
    assert not posts["text"].str.contains(".bsky.social", regex=False).any()


def test_x_recent_search(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        fx = FakeX(fp)

        def config() -> SourceConfig:
            return SourceConfig(source="x", city_id=CITY, instance=fp.url, keywords={"en": ["london"]},
                                page_size=20)

        with override(x_bearer_token=fx.token):
            run_scenario(home, monkeypatch, "x", CITY, fx, config,
                         lambda: fp.fail(fx.path, Reply.json({"title": "Unauthorized", "status": 401}, status=401)),
                         [HANDLE_PREFIX, X_AUTHOR])
        with override(x_bearer_token="revoked"):  # a token the platform refuses
            with pytest.raises(AuthError, match="^x: HTTP 401"):
                collect("x", CITY, config=config())
        first = fp.hits(fx.path)[0]
        assert first.arg("tweet.fields") == "created_at,author_id,geo,lang" and first.arg("start_time")
        assert "since_id" in fp.hits(fx.path)[-1].query
    posts = lake_posts(home)
    assert set(posts["post_key"].str.split(":").str[0]) == {"x"}
    assert posts["url"].str.match(r"^https://x\.com/i/web/status/\d+$").all()
    assert (posts["place"] == "Manhattan, NY").sum() > 0 and posts["lat"].isna().all()  # a big place: no point
    assert posts["text"].str.startswith("@user ").any()
    with pytest.raises(ConfigError, match="^x: no bearer token"):
        collect("x", CITY, config=SourceConfig(source="x", city_id=CITY, keywords=["london"]))


def test_reddit(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        fr = FakeReddit(fp)

        def config() -> SourceConfig:
            return SourceConfig(source="reddit", city_id=CITY, instance=fp.url, subreddits=[fr.sub], page_size=20)

        run_scenario(home, monkeypatch, "reddit", CITY, fr, config,
                     lambda: fp.fail(fr.path, Reply.json({"message": "Unauthorized", "error": 401}, status=401)),
                     [HANDLE_PREFIX])
        # deleted and removed posts are skipped, not stored
        fr.add_many(10, deleted_every=2)
        res = collect("reddit", CITY, config=config())
        assert (res.accepted, res.skipped) == (7, 5)  # 2 left over from the 401 run, 5 of the 10 new
    posts = lake_posts(home)
    assert not posts["text"].str.contains("[deleted]", regex=False).any()
    assert posts["post_key"].str.startswith("reddit:").all()
    assert posts["text"].str.contains("ask u/user or @user", regex=False).all()
