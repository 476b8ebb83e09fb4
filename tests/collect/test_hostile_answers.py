"""Connectors against hostile answers (found by an attacker with loopback servers): next-page links to another
host, scheme or endpoint (the client's credentials went with them: a Mastodon bearer token, a Kobo token, ODK's
Basic credentials), answers larger than any page, waits that add up past the run's limit, ``Retry-After: nan``,
transport failures other than timeouts, and a page the family's parser refuses (it stopped the source for good)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scn.ingest.sources import cursor as cursors
from scn.ingest.sources.base import SourceError
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from scn.ingest.sources.http import PoliteClient, next_page
from tests.support.fake_platforms import Reply, Sleeps, fake_platform
from tests.support.fake_social import FakeMastodon
from tests.support.fake_sources import FakeKobo, FakeOdk

CITY = "london"


def test_next_page_stays_on_the_endpoint_the_walk_started_from() -> None:
    first = "https://kf.example.org/api/v2/assets/a1/data/"
    assert next_page("kobo", first, None) is None
    assert next_page("kobo", first, f"{first}?start=10") == f"{first}?start=10"
    assert next_page("kobo", first, "?start=10") == f"{first}?start=10"  # relative
    assert next_page("kobo", first, "http://kf.example.org/api/v2/assets/a1/data/?start=10") == \
        f"{first}?start=10"  # a proxy's http self-link: kept on https
    for bad in ("https://evil.example/api/v2/assets/a1/data/", "https://kf.example.org:8443/api/v2/assets/a1/data/",
                "https://kf.example.org/api/v2/assets/other/data/", "file:///etc/passwd",
                "https://kf.example.org.evil.example/api/v2/assets/a1/data/", "//evil.example/api/v2/assets/a1/data/",
                "https://user@evil.example/api/v2/assets/a1/data/"):
        with pytest.raises(SourceError, match=r"^kobo: a next-page link leads .* not followed$"):
            next_page("kobo", first, bad)
    with pytest.raises(SourceError, match="not a URL"):
        next_page("kobo", first, {"href": first})
    for broken in ("https://kf.example.org:99999/api/v2/assets/a1/data/", "https://kf.example.org:abc/x",
                   "https://[::1/x"):  # ValueError in urlsplit: a traceback before
        with pytest.raises(SourceError, match=r"^kobo: a next-page link"):
            next_page("kobo", first, broken)
    assert next_page("kobo", first, "https://kf.example.org:443/api/v2/assets/a1/data/?start=5")  # same port
    plain = "http://127.0.0.1:8000/v1/x.svc/Submissions"  # over http from the start: an http link is its own
    assert next_page("odk", plain, f"{plain}?$skiptoken=a") == f"{plain}?$skiptoken=a"
    with pytest.raises(SourceError):
        next_page("odk", "https://h/v1/x.svc/Submissions", "ftp://h/v1/x.svc/Submissions")


def _foreign(fp, other, path: str) -> str:
    return f"{other.url}{path}"


def test_credentials_never_follow_a_link_to_another_host(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kobo's ``next``, ODK's ``@odata.nextLink`` and Mastodon's ``Link rel=prev`` naming another server: the walk
    stops with the pages so far committed, the other server hears nothing."""
    with fake_platform() as fp, fake_platform() as other:
        other.route("GET", "/api/v2/assets/aKobo123form/data/", lambda r: Reply.json({"results": []}))
        fk = FakeKobo(fp)
        fk.add_many(3)
        monkeypatch.setenv("SCN_KOBO_TOKEN", fk.token)
        page = lambda r: Reply.json({"count": 3, "results": fk.results,  # noqa: E731
                                     "next": f"{other.url}/api/v2/assets/{fk.uid}/data/?start=3"})
        fp.route("GET", f"/api/v2/assets/{fk.uid}/data/", page)
        cfg = SourceConfig(source="kobo", city_id=CITY, instance=fp.url, forms=[fk.uid], page_size=10)
        res = collect("kobo", CITY, config=cfg)
        assert res.accepted == 6 and len(res.errors) == 1 and "not followed" in res.errors[0]
        assert fk.token not in res.errors[0] and cursors.load("kobo", CITY) == {"forms": {fk.uid: 5003}}

        fo = FakeOdk(fp)
        fo.add_many(2)
        monkeypatch.setenv("SCN_ODK_EMAIL", fo.user[0])
        monkeypatch.setenv("SCN_ODK_PASSWORD", fo.user[1])
        path = f"/v1/projects/{fo.project}/forms/{fo.form}.svc/Submissions"
        fp.route("GET", path, lambda r: Reply.json({"value": fo.values,
                                                     "@odata.nextLink": f"{other.url}{path}?$skiptoken=x"}))
        cfg = SourceConfig(source="odk", city_id=CITY, instance=fp.url, forms=[f"{fo.project}/{fo.form}"])
        res = collect("odk", CITY, config=cfg)
        assert res.accepted == 4 and len(res.errors) == 1 and "not followed" in res.errors[0]

        fm = FakeMastodon(fp)
        for i in range(3):
            fm.add(f"<p>post {i} #x</p>", author=i)
        monkeypatch.setenv("SCN_MASTODON_ACCESS_TOKEN", "SECRET-MASTO-TOKEN")
        for i, link in enumerate((f"{other.url}/api/v1/timelines/tag/x", f"{fp.url}/api/v1/timelines/tag/other")):
            fm.add(f"<p>newer {i} #x</p>", author=i, minutes_ago=1 - i / 2)  # a page above the cursor each run
            fp.route("GET", "/api/v1/timelines/tag/x", lambda r, link=link: Reply.json(
                [s for s in fm.statuses[::-1] if int(s["id"]) > int(r.arg("min_id"))][:3],
                headers={"Link": f'<{link}?min_id=1>; rel="prev"'}))
            cfg = SourceConfig(source="mastodon", city_id=CITY, instance=fp.url, tags=["x"])
            res = collect("mastodon", CITY, config=cfg)
            assert len(res.errors) == 1 and "not followed" in res.errors[0], res.errors
        assert other.requests == []  # no token, no Basic credentials, no bearer went there


def test_the_client_bounds_answers_waits_and_transport_failures() -> None:
    with fake_platform() as fp:
        fp.route("GET", "/big", lambda r: Reply.json({"x": "y" * 5000}))
        fp.route("GET", "/ok", lambda r: Reply.json({"ok": True}))
        fp.route("GET", "/loop", lambda r: Reply(302, headers={"Location": "/loop"}))
        with pytest.raises(SourceError, match=r"^demo: an answer of .* is larger than 1,000 bytes: not read$"):
            PoliteClient("demo", max_bytes=1000).get(f"{fp.url}/big")
        assert PoliteClient("demo", max_bytes=10_000).get(f"{fp.url}/big").json()["x"] == "y" * 5000
        sleeps = Sleeps()
        http = PoliteClient("demo", sleep=sleeps)
        fp.fail("/ok", Reply(503, headers={"Retry-After": "900"}), times=3)
        with pytest.raises(SourceError, match=r"^demo: .* more of waiting after 1800 s this run \(at most 1800 s\)"):
            http.get(f"{fp.url}/ok")
        assert sum(sleeps.waits) == 1800.0  # each wait allowed alone (<= 900 s), not all of them
        sleeps = Sleeps()
        fp.fail("/ok", Reply(429, headers={"Retry-After": "nan"}), times=2)
        assert PoliteClient("demo", sleep=sleeps, backoff=0.5).get(f"{fp.url}/ok").json() == {"ok": True}
        assert sleeps.waits == [0.5, 1.0]  # "nan" names no wait: backoff, not back-to-back requests
        with pytest.raises(SourceError, match=r"^demo: TooManyRedirects asking 127\.0\.0\.1:\d+$"):
            PoliteClient("demo").get(f"{fp.url}/loop")
        with pytest.raises(SourceError, match=r"^demo: InvalidSchema asking"):
            PoliteClient("demo").get("file:///etc/passwd")


def test_a_page_the_parser_refuses_fails_alone(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kobo leaves unanswered questions out: a page whose submissions skipped every numeric question has no
    numeric column, which the survey parser refuses. It stopped every later run at the same cursor; now it is
    recorded (its answer archived) and the walk goes on to the next submissions."""
    with fake_platform() as fp:
        fk = FakeKobo(fp)
        fk.add_many(4)
        for r in fk.results[:2]:  # the first page: nothing numeric answered
            del r["group_cohesion/sc1"], r["group_cohesion/sc2"]
        monkeypatch.setenv("SCN_KOBO_TOKEN", fk.token)
        cfg = SourceConfig(source="kobo", city_id=CITY, instance=fp.url, forms=[fk.uid], page_size=2)
        res = collect("kobo", CITY, config=cfg)
        assert res.pages == 2 and res.accepted == 4 and len(res.errors) == 1
        assert res.errors[0].startswith("kobo: ") and "numeric" in res.errors[0]
        assert cursors.load("kobo", CITY) == {"forms": {fk.uid: 5004}}
        fk.add_many(1)
        again = collect("kobo", CITY, config=cfg)
        assert (again.accepted, again.errors) == (2, [])
        log = json.dumps(sorted(p.name for p in (home / "archive").rglob("*.json")))
        assert "aKobo123form" in log  # the refused page's answer is archived, not lost
