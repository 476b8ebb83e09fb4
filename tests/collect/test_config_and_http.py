"""The sources file (a clear error per bad key), credentials (environment or secrets file, never printed), the
polite client (Retry-After as seconds or a date, platform reset headers, 5xx backoff, the request budget) and the
per-source retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import yaml

from scn.ingest.sources.base import ConfigError, SourceError
from scn.ingest.sources.collect import collect, redact_collected
from scn.ingest.sources.config import SourceConfig, load_file, secret, source_config
from scn.ingest.sources.http import BudgetExhausted, PoliteClient
from scn.settings import override
from tests.support.collect_checks import lake_posts
from tests.support.fake_platforms import Reply, Sleeps, fake_platform
from tests.support.fake_social import FakeMastodon


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(yaml.safe_dump(doc) if not isinstance(doc, str) else doc)
    return path


@pytest.mark.parametrize(("doc", "message"), [
    ({"cities": {"london": {"mastodon": {"tagz": ["x"]}}}},
     "sources.yml: cities.london.mastodon.tagz: extra inputs are not permitted"),
    ({"cities": {"london": {"mastodon": {"max_requests": 0}}}},
     "sources.yml: cities.london.mastodon.max_requests: input should be greater than or equal to 1"),
    ({"sources": {"x": {"page_size": "many"}}, "cities": {"london": {"x": {}}}},
     "sources.yml: sources.x.page_size: input should be a valid integer"),
    ({"cities": {"london": {"myspace": {}}}}, "sources.yml: unknown source 'myspace'"),
    ({"city": {}}, "sources.yml: city: extra inputs are not permitted"),
    ("cities: [unclosed", "sources.yml: not valid YAML"),
])
def test_bad_keys_are_named(tmp_path: Path, doc: object, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_file(_write(tmp_path, doc))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_config_merges_and_cli_names_the_problem(home: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture) -> None:
    from scn.cli import main

    path = _write(tmp_path, {"sources": {"mastodon": {"retention_days": 30, "page_size": 20}},
                             "cities": {"london": {"mastodon": {"instance": "https://m.example", "tags": ["#a"],
                                                                "page_size": 10}}}})
    cfg = source_config("mastodon", "london", path, tags=["b"], since=datetime(2026, 1, 1))
    assert (cfg.retention_days, cfg.page_size, cfg.tags, cfg.since.tzinfo) == (30, 10, ["b"], UTC)
    assert source_config("mastodon", "london", path).tags == ["a"]
    bad = _write(tmp_path, {"cities": {"london": {"mastodon": {"instanse": "x"}}}})
    with override(sources_file=bad):
        assert main(["collect", "mastodon", "--city", "london", "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "mastodon: sources.yml: cities.london.mastodon.instanse: extra inputs are not permitted"
    assert main(["collect", "mastodon", "--city", "london", "--since", "yesterday"]) == 2
    assert capsys.readouterr().err.startswith("mastodon: --since 'yesterday'")
    assert main(["collect", "myspace", "--city", "london"]) == 2
    assert capsys.readouterr().err.startswith("myspace: unknown source")


def test_credentials_from_settings_or_secrets_file(home: Path, tmp_path: Path) -> None:
    assert secret("x", "bearer_token") is None
    file = tmp_path / "secrets.yml"
    file.write_text(yaml.safe_dump({"x": {"bearer_token": "from-file"}}))
    with override(source_secrets=file):
        assert secret("x", "bearer_token") == "from-file"
        with override(x_bearer_token="from-env"):
            assert secret("x", "bearer_token") == "from-env"


def test_polite_client_waits_and_backs_off() -> None:
    with fake_platform() as fp:
        fp.route("GET", "/ok", lambda r: Reply.json({"ok": True}))
        sleeps = Sleeps()
        http = PoliteClient("demo", sleep=sleeps, clock=lambda: 1_000_000_000.0, backoff=0.5)
        when = format_datetime(datetime.fromtimestamp(1_000_000_042, UTC), usegmt=True)
        fp.fail("/ok", Reply(429, headers={"Retry-After": when}))
        fp.fail("/ok", Reply(429, headers={"x-rate-limit-reset": "1000000100"}))  # X: epoch seconds
        fp.fail("/ok", Reply(429, headers={"X-Ratelimit-Reset": "12"}))  # Reddit: seconds from now
        fp.fail("/ok", Reply(503), times=2)
        fp.fail("/ok", Reply(200, b"{}", {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1000000005"}))
        # 42 s, 100 s, 12 s, then 0.5 s and 1 s of backoff; then served, but the window is spent: its reset (5 s)
        assert http.get(f"{fp.url}/ok").content == b"{}"
        assert sleeps.waits == [42.0, 100.0, 12.0, 0.5, 1.0, 5.0]
        assert http.get(f"{fp.url}/ok").json() == {"ok": True} and len(sleeps.waits) == 6
        c = http.counters
        assert (c.requests, c.rate_limit_waits, c.retries) == (7, 4, 2)
        fp.fail("/ok", Reply(429, headers={"Retry-After": "86400"}))
        with pytest.raises(SourceError, match="^demo: rate limited .* for 86400 s"):
            http.get(f"{fp.url}/ok")
        fp.fail("/ok", Reply(500), times=10)
        with pytest.raises(SourceError, match="^demo: HTTP 500 .* after 5 attempts"):
            http.get(f"{fp.url}/ok")
        with pytest.raises(BudgetExhausted):
            PoliteClient("demo", budget=0).get(f"{fp.url}/ok")


def test_get_json_names_the_source_and_status() -> None:
    with fake_platform() as fp:
        fp.route("GET", "/list", lambda r: Reply.json([1, 2]))
        fp.route("GET", "/html", lambda r: Reply.text("<html>maintenance</html>", "text/html"))
        http = PoliteClient("demo")
        resp, doc = http.get_json(f"{fp.url}/list", "list", list, params={"a": "1"})
        assert doc == [1, 2] and fp.requests[-1].arg("a") == "1" and resp.status_code == 200
        with pytest.raises(SourceError, match=r"^demo: page: the answer is not JSON \(HTTP 200\)$") as err:
            http.get_json(f"{fp.url}/html", "page")
        assert err.value.status == 200
        with pytest.raises(SourceError, match=r"^demo: list: expected an object"):
            http.get_json(f"{fp.url}/list", "list", dict)
        fp.fail("/list", Reply(304))
        assert http.get_json(f"{fp.url}/list", "list", list)[1] is None


def test_budget_commits_what_was_fetched_and_retention(home: Path) -> None:
    with fake_platform() as fp:
        fm = FakeMastodon(fp)
        fm.add_many(50)
        cfg = SourceConfig(source="mastodon", city_id="london", instance=fp.url, tags=[fm.tag], page_size=20,
                           max_requests=2)
        part = collect("mastodon", "london", config=cfg)
        assert part.accepted == 40 and part.errors == ["mastodon: request budget of 2 spent"] and part.answered
        rest = collect("mastodon", "london", config=cfg)
        assert (rest.accepted, rest.duplicates) == (10, 0)
    future = datetime.now(UTC) + timedelta(days=3)
    assert redact_collected("mastodon", "london", days=1, now=future) == 50
    assert lake_posts(home)["text"].isna().all() and lake_posts(home)["author_pseudo"].isna().all()
    assert redact_collected("mastodon", "london", days=1, now=future) == 0
    assert json.loads((home / "collect" / "cursors" / "mastodon" / "london.json").read_text())["timelines"]
