"""KoboToolbox, ODK Central and police.uk against fake servers on loopback: every record across pages, only new
ones on a second run (cursor), a kill between a page's write and its cursor, 429 Retry-After, 401, the survey and
crime shapes of file ingest, a 503 (too many crimes) answered by splitting the area, and no raw handle outside the
archive."""

from __future__ import annotations

from pathlib import Path

import pytest

from scn import lake
from scn.ingest.sources import cursor as cursors
from scn.ingest.sources.base import AuthError, ConfigError
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from tests.support.collect_checks import files_holding
from tests.support.fake_platforms import Reply, Sleeps, fake_platform
from tests.support.fake_sources import FakeKobo, FakeOdk, FakePoliceUk

CITY = "london"
LONDON = (-0.2, 51.45, 0.0, 51.55)  # west, south, east, north


def _dying_save(monkeypatch: pytest.MonkeyPatch, at: int) -> list[dict]:
    real, calls = cursors.save, []

    def save(source: str, city: str, cur: dict) -> None:
        calls.append(cur)
        if len(calls) == at:
            monkeypatch.setattr(cursors, "save", real)
            raise KeyboardInterrupt("killed")
        real(source, city, cur)

    monkeypatch.setattr(cursors, "save", save)
    return calls


def _responses() -> set[tuple[str, str]]:
    t = lake.read_table("survey_responses")
    return set(zip(t["response_id"], t["question"], strict=True))


def test_kobo_pages_cursor_kill_and_errors(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        fk = FakeKobo(fp)
        monkeypatch.setenv("SCN_KOBO_TOKEN", fk.token)
        cfg = SourceConfig(source="kobo", city_id=CITY, instance=fp.url, forms=[fk.uid], page_size=10)
        fk.add_many(25)
        first = collect("kobo", CITY, config=cfg)
        assert (first.fetched, first.accepted, first.quarantined, first.pages, first.errors) == (50, 50, 0, 3, [])
        t = lake.read_table("survey_responses")
        assert set(t["survey_id"]) == {fk.uid} and set(t["question"]) == {"sc1", "sc2"}
        assert len(set(t["response_id"])) == 25 and first.cursor == {"forms": {fk.uid: 5025}}

        fk.add_many(4)
        fp.requests.clear()
        second = collect("kobo", CITY, config=cfg)
        assert (second.accepted, second.duplicates) == (8, 0)
        assert '{"$gt": 5025}' in fp.requests[0].arg("query")

        fk.add_many(20)
        calls = _dying_save(monkeypatch, at=2)
        with pytest.raises(KeyboardInterrupt):
            collect("kobo", CITY, config=cfg)
        assert cursors.load("kobo", CITY) == calls[0]
        rerun = collect("kobo", CITY, config=cfg)
        assert (rerun.accepted, rerun.duplicates) == (0, 20)  # page 2 again, already in the lake
        assert len(_responses()) == 49 * 2

        fk.add_many(1)
        sleeps = Sleeps()
        fp.fail(f"/api/v2/assets/{fk.uid}/data/", Reply.json({"detail": "throttled"}, 429, {"Retry-After": "6"}))
        res = collect("kobo", CITY, config=cfg, sleep=sleeps)
        assert (res.accepted, sleeps.waits) == (2, [6.0])
        before = cursors.load("kobo", CITY)
        fk.add_many(1)
        monkeypatch.setenv("SCN_KOBO_TOKEN", "wrong")
        with pytest.raises(AuthError, match=r"^kobo: HTTP 401"):
            collect("kobo", CITY, config=cfg)
        assert cursors.load("kobo", CITY) == before
        monkeypatch.delenv("SCN_KOBO_TOKEN")
        with pytest.raises(ConfigError, match=r"^kobo: no API token"):
            collect("kobo", CITY, config=cfg)
    assert files_holding(home) == []  # _submitted_by and free text stay in the archive


def test_odk_odata_pages_cursor_kill_and_errors(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        fo = FakeOdk(fp)
        monkeypatch.setenv("SCN_ODK_EMAIL", fo.user[0])
        monkeypatch.setenv("SCN_ODK_PASSWORD", fo.user[1])
        cfg = SourceConfig(source="odk", city_id=CITY, instance=fp.url, forms=[f"{fo.project}/{fo.form}"],
                           page_size=10)
        fo.add_many(23)
        first = collect("odk", CITY, config=cfg)
        assert (first.fetched, first.accepted, first.pages, first.errors) == (46, 46, 3, [])
        t = lake.read_table("survey_responses")
        assert set(t["survey_id"]) == {fo.form} and set(t["question"]) == {"sc1", "sc2"}
        assert set(t["area_code"]) == {"E01000001"} and t["response_id"].str.startswith("uuid:odk-").all()

        # new submissions, three of them at the very same time as the last one seen: none skipped, none twice
        fo.add_many(3, same_date=True)
        fp.requests.clear()
        second = collect("odk", CITY, config=cfg)
        assert (second.accepted, second.duplicates) == (6, 0)
        assert fp.requests[0].arg("$filter") == "__system/submissionDate ge " + first.cursor["forms"][
            f"{fo.project}/{fo.form}"]["date"]
        again = collect("odk", CITY, config=cfg)
        assert (again.fetched, again.accepted) == (0, 0)

        fo.add_many(15)
        calls = _dying_save(monkeypatch, at=1)
        with pytest.raises(KeyboardInterrupt):
            collect("odk", CITY, config=cfg)
        assert cursors.load("odk", CITY) == again.cursor and calls
        rerun = collect("odk", CITY, config=cfg)
        assert (rerun.accepted, rerun.duplicates) == (18, 12)
        assert len(_responses()) == 41 * 2

        path = f"/v1/projects/{fo.project}/forms/{fo.form}.svc/Submissions"
        fo.add_many(1)
        sleeps = Sleeps()
        fp.fail(path, Reply.json({"message": "Too many requests"}, 429, {"Retry-After": "2"}))
        assert collect("odk", CITY, config=cfg, sleep=sleeps).accepted == 2 and sleeps.waits == [2.0]
        before = cursors.load("odk", CITY)
        monkeypatch.setenv("SCN_ODK_PASSWORD", "wrong")
        fo.add_many(1)
        with pytest.raises(AuthError, match=r"^odk: HTTP 401"):
            collect("odk", CITY, config=cfg)
        assert cursors.load("odk", CITY) == before
    assert files_holding(home) == []  # submitterName and notes stay in the archive


def test_police_uk_months_split_cursor_kill_and_errors(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_platform() as fp:
        fpu = FakePoliceUk(fp, limit=40)
        fpu.add_month("2025-01", 36, *LONDON)
        fpu.add_month("2025-02", 100, *LONDON)  # more than the limit: 503, split in four
        cfg = SourceConfig(source="police-uk", city_id=CITY, instance=fp.url, bbox=LONDON,
                           since="2025-01-01T00:00:00Z")
        first = collect("police-uk", CITY, config=cfg)
        assert (first.fetched, first.accepted, first.quarantined, first.errors) == (136, 136, 0, [])
        assert first.pages == 1 + 4 and first.cursor["months"] == ["2025-01", "2025-02"]
        crimes = lake.read_table("crimes")
        assert set(crimes["source"]) == {"police.uk"} and not crimes["is_hate"].any()
        assert set(crimes["category"]) == {"Violence and sexual offences", "Anti-social behaviour"}
        asb = crimes[crimes["category"].eq("Anti-social behaviour")]
        assert asb["crime_id"].str.startswith("api-").all() and crimes["crime_key"].is_unique
        assert crimes["lat"].notna().all() and crimes["occurred_at"].dt.strftime("%Y-%m").isin(
            ["2025-01", "2025-02"]).all()
        posts = [r for r in fp.requests if r.path.endswith("all-crime")]
        assert len(posts) == 1 + 1 + 4  # Jan; Feb whole (503), Feb's four quarters

        # a new month: only it is asked for
        fpu.add_month("2025-03", 30, *LONDON)
        fp.requests.clear()
        second = collect("police-uk", CITY, config=cfg)
        assert (second.accepted, second.duplicates) == (30, 0)
        assert {r.arg("date") for r in fp.requests if r.arg("date")} == {"2025-03"}

        # killed after the second quarter of a split month: the re-run asks for the other quarters only
        fpu.add_month("2025-04", 80, *LONDON)
        calls = _dying_save(monkeypatch, at=2)
        with pytest.raises(KeyboardInterrupt):
            collect("police-uk", CITY, config=cfg)
        assert cursors.load("police-uk", CITY) == calls[0] and calls[0]["parts"] == ["0"]
        rerun = collect("police-uk", CITY, config=cfg)
        assert rerun.accepted + rerun.duplicates == 60 and lake.row_count("crimes") == 136 + 30 + 80

        sleeps = Sleeps()
        fpu.add_month("2025-05", 5, *LONDON)
        fp.fail("/api/crimes-street/all-crime", Reply.json({}, 429, {"Retry-After": "1"}))
        assert collect("police-uk", CITY, config=cfg, sleep=sleeps).accepted == 5 and sleeps.waits == [1.0]
        before = cursors.load("police-uk", CITY)
        fpu.add_month("2025-06", 5, *LONDON)
        fp.fail("/api/crimes-street-dates", Reply.json({}, 403))
        with pytest.raises(AuthError, match=r"^police-uk: HTTP 403"):
            collect("police-uk", CITY, config=cfg)
        assert cursors.load("police-uk", CITY) == before
    assert files_holding(home) == []
