"""Months and ISO weeks are the city's local calendar's (its registry ``timezone``; none: UTC), for posts and
crimes alike, cut once in the enrichment (docs/geo.md "Periods"); a bad zone name is quarantined at ingest; a
city whose zone changes is recomputed, and no other."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scn import lake
from scn.demo.spec import TIMEZONES
from scn.demo.timefmt import times_in_months
from scn.demo.writers import write_cities
from scn.enrich import tables
from scn.ingest.pipeline import ingest_file
from scn.lake.schema import LAKE_SCHEMAS
from tests.support.homes import home  # noqa: F401  (fixture)

HEADER = "city_id,name,country,country_code,region,continent,lat,lon,population,steering_committee,joined_year,themes"
ROWS = {"mombasa": "mombasa,Mombasa,Kenya,KE,Sub-Saharan Africa,Africa,-4.0435,39.6682,1200000,True,,",
        "brisbane": "brisbane,Brisbane,Australia,AU,Asia-Pacific,Oceania,-27.4698,153.0251,1300000,False,,",
        "tromso": "tromso,Tromsø,Norway,NO,Europe,Europe,69.6492,18.9553,77000,False,,"}
ZONES = {"mombasa": "Africa/Nairobi", "brisbane": "Australia/Brisbane", "tromso": ""}  # tromso: none (UTC)
POSTS = "id,created_at,text,lang,lat,lon,place,author,platform,url\n"
CRIMES = "id,time,lat,lon,category,hate_flag\n"
EDGE = "2025-06-01T01:30:00+03:00"  # Mombasa's 01:30 on 1 June: still 31 May in UTC


def _cities(path: Path, zones: dict[str, str]) -> None:
    path.write_text(f"{HEADER},timezone\n" + "".join(f"{ROWS[c]},{z}\n" for c, z in zones.items()),
                    encoding="utf-8")
    ingest_file("cities", path)


def _events(tmp_path: Path, city: str, times: list[str]) -> None:
    posts = "".join(f"{city[:2]}{i},{t},hello,en,,,,@a{i},forum,\n" for i, t in enumerate(times))
    crimes = "".join(f"{city[:2]}{i},{t},,,assault,1\n" for i, t in enumerate(times))
    (tmp_path / f"{city}-posts.csv").write_text(POSTS + posts)
    (tmp_path / f"{city}-crimes.csv").write_text(CRIMES + crimes)
    ingest_file("social", tmp_path / f"{city}-posts.csv", city_id=city)
    ingest_file("crime", tmp_path / f"{city}-crimes.csv", city_id=city)


def _periods(city: str) -> dict[str, list[tuple[str, str]]]:
    """Per enriched table: (month, week) of the city's events, in time order."""
    out = {}
    for table, when in (("posts_enriched", "created_at"), ("crimes_enriched", "occurred_at")):
        got = lake.read_table(table, [when, "month", "week"], where="city_id = ?", params=[city])
        out[table] = list(got.sort_values(when)[["month", "week"]].itertuples(index=False, name=None))
    return out


def _world(tmp_path: Path, zones: dict[str, str]) -> tuple[dict, dict]:
    _cities(tmp_path / "cities.csv", zones)
    _events(tmp_path, "mombasa", [EDGE, "2025-05-31T22:30:00Z"])  # the same instant, spelt two ways
    # Brisbane (UTC+10, no DST): Sunday 23:30 and Monday 08:00 local, both on Sunday 1 June in UTC
    _events(tmp_path, "brisbane", ["2025-06-01T23:30:00+10:00", "2025-06-02T08:00:00+10:00"])
    _events(tmp_path, "tromso", ["2025-05-31T22:30:00Z", "2025-06-01T22:00:00Z"])
    return tables.enrich_posts(), tables.enrich_crimes()


def test_a_mombasa_post_at_0130_local_on_1_june_counts_in_june(home: Path, tmp_path: Path) -> None:  # noqa: F811
    _world(tmp_path, ZONES)
    june = [("2025-06", "2025-W22"), ("2025-06", "2025-W22")]  # Sunday 1 June 2025 closes ISO week 22
    assert _periods("mombasa") == {"posts_enriched": june, "crimes_enriched": june}


def test_a_utc_plus_10_monday_0800_post_counts_in_that_iso_week(home: Path, tmp_path: Path) -> None:  # noqa: F811
    _world(tmp_path, ZONES)
    want = [("2025-06", "2025-W22"), ("2025-06", "2025-W23")]  # Sunday local: week 22; Monday 08:00: week 23
    assert _periods("brisbane") == {"posts_enriched": want, "crimes_enriched": want}


def test_a_city_without_timezone_keeps_utc_periods(home: Path, tmp_path: Path) -> None:  # noqa: F811
    _world(tmp_path, ZONES)
    want = [("2025-05", "2025-W22"), ("2025-06", "2025-W22")]
    assert _periods("tromso") == {"posts_enriched": want, "crimes_enriched": want}
    zones = lake.read_table("cities", ["city_id", "timezone"]).set_index("city_id")["timezone"]
    assert zones["mombasa"] == "Africa/Nairobi" and pd.isna(zones["tromso"])


def test_a_timezone_change_recomputes_only_that_city(home: Path, tmp_path: Path) -> None:  # noqa: F811
    first = _world(tmp_path, {**ZONES, "mombasa": ""})  # Mombasa first sent without a zone: UTC
    assert all(sorted(r["cities"]) == ["brisbane", "mombasa", "tromso"] for r in first)
    assert _periods("mombasa")["posts_enriched"] == [("2025-05", "2025-W22")] * 2
    kept = {p.name for t in ("posts_enriched", "crimes_enriched") for p in lake.table_dir(t).glob("part-*")
            if not p.name.startswith("part-mombasa-")}
    _cities(tmp_path / "cities-2.csv", {"mombasa": "africa/nairobi"})  # case forgiven
    again = (tables.enrich_posts(), tables.enrich_crimes())
    assert [r["cities"] for r in again] == [["mombasa"], ["mombasa"]]
    assert [r["unchanged"] for r in again] == [["brisbane", "tromso"]] * 2
    assert kept <= {p.name for t in ("posts_enriched", "crimes_enriched") for p in lake.table_dir(t).glob("part-*")}
    assert _periods("mombasa")["crimes_enriched"] == [("2025-06", "2025-W22")] * 2
    assert _periods("mombasa")["posts_enriched"] == [("2025-06", "2025-W22")] * 2


def test_a_registry_resent_without_the_zone_column_keeps_every_zone(home: Path, tmp_path: Path) -> None:  # noqa: F811
    """A partner's copy of the registry without ``timezone`` (or with it blank) leaves the zones as they were:
    nothing moves back to UTC, no city is re-enriched; another zone still changes it."""
    _world(tmp_path, ZONES)
    (tmp_path / "no-tz.csv").write_text(HEADER + "\n" + "".join(f"{r}\n" for r in ROWS.values()), encoding="utf-8")
    ingest_file("cities", tmp_path / "no-tz.csv")
    _cities(tmp_path / "blank-tz.csv", {"mombasa": "", "brisbane": ""})
    again = (tables.enrich_posts(), tables.enrich_crimes())
    assert [r["cities"] for r in again] == [[], []]
    assert _periods("mombasa")["posts_enriched"] == [("2025-06", "2025-W22")] * 2
    from scn.enrich.parts import city_timezones

    assert {c: city_timezones().get(c) for c in ZONES} == {"mombasa": "Africa/Nairobi",
                                                          "brisbane": "Australia/Brisbane", "tromso": None}
    _cities(tmp_path / "utc.csv", {"mombasa": "UTC"})  # a zone is changed by sending another
    assert city_timezones()["mombasa"] == "UTC"


def test_an_unknown_zone_quarantines_the_row_naming_the_field(home: Path, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "cities.csv"
    path.write_text(f"{HEADER},tz\n{ROWS['brisbane']},AEST\n{ROWS['tromso']},Europe/Oslo\n", encoding="utf-8")
    ingest_file("cities", path)
    q = lake.read_table("quarantine", ["row", "field", "reason"])
    assert q.values.tolist() == [[1, "tz", "not an IANA time zone (e.g. Africa/Nairobi) nor a whole-hour offset "
                                           "(UTC+3)"]]
    assert lake.read_table("cities", ["city_id", "timezone"]).values.tolist() == [["tromso", "Europe/Oslo"]]


def test_a_whole_hour_offset_is_a_fixed_zone_with_a_warning(home: Path, tmp_path: Path) -> None:  # noqa: F811
    """``UTC+3`` (a common spelling) kept the whole registry row of Mombasa out: now the fixed zone Etc/GMT-3,
    said in a warning; a half-hour offset has no IANA fixed zone and is still quarantined, naming the field."""
    path = tmp_path / "cities.csv"
    path.write_text(f"{HEADER},timezone\n{ROWS['mombasa']},UTC+3\n{ROWS['brisbane']},GMT+10:00\n"
                    f"{ROWS['tromso']},UTC+05:30\n", encoding="utf-8")
    result = ingest_file("cities", path)
    got = lake.read_table("cities", ["city_id", "timezone"]).sort_values("city_id").values.tolist()
    assert got == [["brisbane", "Etc/GMT-10"], ["mombasa", "Etc/GMT-3"]]
    assert result.warnings == [{"code": "timezone_fixed_offset", "rows": [1, 2], "values": ["UTC+3", "GMT+10:00"],
                                "zones": ["Etc/GMT-3", "Etc/GMT-10"], "field": "timezone", "count": 2}]
    q = lake.read_table("quarantine", ["row", "field"])
    assert q.values.tolist() == [[3, "timezone"]]
    _events(tmp_path, "mombasa", [EDGE])
    tables.enrich_posts()
    assert _periods("mombasa")["posts_enriched"] == [("2025-06", "2025-W22")]  # 01:30 at UTC+3 on 1 June


NAIVE = "2025-06-01 01:30:00"  # a police record's local time, written without an offset


def _naive_crimes(tmp_path: Path, name: str, times: list[str], city: str = "mombasa") -> int:
    """Ingest the crimes; the number of them the lake did not hold."""
    (tmp_path / name).write_text("time,lat,lon,category,hate_flag\n" + "".join(f"{t},,,assault,1\n" for t in times))
    result = ingest_file("crime", tmp_path / name, city_id=city)
    return result.accepted  # new rows (duplicates counted apart)


def _crimes_enriched(city: str = "mombasa") -> list[tuple[str, str]]:
    got = lake.read_table("crimes_enriched", ["occurred_at", "month"], where="city_id = ?", params=[city])
    return [(t.strftime("%Y-%m-%dT%H:%MZ"), m) for t, m in got.sort_values("occurred_at").itertuples(index=False)]


def test_naive_crime_times_sent_before_the_zone_follow_it(home: Path, tmp_path: Path) -> None:  # noqa: F811
    """Crimes written without an offset were made local at ingest with the zone known then: sent before the cities
    file gave Mombasa its zone, they stayed UTC for good (3 h off, in May). Now stored as written and placed in
    the city's zone by the enrichment: they follow the zone it has now, and a re-send is no new crime."""
    _cities(tmp_path / "cities.csv", {"mombasa": ""})
    assert _naive_crimes(tmp_path, "a.csv", [NAIVE, "2025-06-15 12:00:00"]) == 2
    tables.enrich_crimes()
    assert _crimes_enriched() == [("2025-06-01T01:30Z", "2025-06"), ("2025-06-15T12:00Z", "2025-06")]
    _cities(tmp_path / "cities-2.csv", {"mombasa": "Africa/Nairobi"})
    assert tables.enrich_crimes()["cities"] == ["mombasa"]
    assert _crimes_enriched() == [("2025-05-31T22:30Z", "2025-06"), ("2025-06-15T09:00Z", "2025-06")]
    assert _naive_crimes(tmp_path, "a-again.csv", [NAIVE, "2025-06-15 12:00:00"]) == 0  # same crimes, same keys
    _cities(tmp_path / "cities-3.csv", {"mombasa": "America/New_York"})  # a zone changed (by mistake) and back
    tables.enrich_crimes()
    assert _crimes_enriched()[0] == ("2025-06-01T05:30Z", "2025-06")
    _cities(tmp_path / "cities-4.csv", {"mombasa": "Africa/Nairobi"})
    tables.enrich_crimes()
    assert _crimes_enriched()[0] == ("2025-05-31T22:30Z", "2025-06")


def test_a_written_offset_is_never_moved_by_the_zone(home: Path, tmp_path: Path) -> None:  # noqa: F811
    _cities(tmp_path / "cities.csv", {"mombasa": "America/New_York"})
    _naive_crimes(tmp_path, "a.csv", ["2025-06-01T01:30:00+03:00", "2025-06-01 01:30 UTC", "1748730600"])
    tables.enrich_crimes()
    assert [t for t, _ in _crimes_enriched()] == ["2025-05-31T22:30Z", "2025-05-31T22:30Z", "2025-06-01T01:30Z"]


def test_a_police_uk_shaped_month_is_the_city_calendar_month(home: Path, tmp_path: Path) -> None:  # noqa: F811
    """A partner's export with police.uk's headers in a city west of UTC: its month ``2025-06`` was midnight UTC,
    the evening of 31 May in New York, and counted in May."""
    _cities(tmp_path / "cities.csv", {"mombasa": "America/New_York"})
    (tmp_path / "p.csv").write_text("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                                    "LSOA code,LSOA name,Crime type,Last outcome category,Context\n"
                                    "1,2025-06,Force,Force,,,,,,Violence,,\n2,2025-01,Force,Force,,,,,,Violence,,\n")
    ingest_file("crime", tmp_path / "p.csv", city_id="mombasa")
    tables.enrich_crimes()
    assert [m for _, m in _crimes_enriched()] == ["2025-01", "2025-06"]


def test_crime_parts_written_before_wall_clock_still_read_and_match(home: Path, tmp_path: Path) -> None:  # noqa: F811
    """A lake whose crime parts predate ``wall_clock``: the enrichment reads them as instants, and a re-send of the
    same rows is a duplicate that differs in nothing (no ``duplicates_differ`` for the new column)."""
    _cities(tmp_path / "cities.csv", {"mombasa": ""})
    _naive_crimes(tmp_path, "a.csv", [NAIVE])
    folder = lake.table_dir("crimes")
    for part in folder.glob("part-*.parquet"):
        old = pd.read_parquet(part).drop(columns=["wall_clock"])
        part.unlink()
        old.to_parquet(folder / part.name, index=False)
    assert "wall_clock" not in pd.read_parquet(next(folder.glob("part-*.parquet"))).columns
    tables.enrich_crimes()
    assert _crimes_enriched() == [("2025-06-01T01:30Z", "2025-06")]
    (tmp_path / "b.csv").write_text((tmp_path / "a.csv").read_text() + "\n")
    result = ingest_file("crime", tmp_path / "b.csv", city_id="mombasa")
    assert result.duplicates == 1 and result.warnings == []


def test_registry_parts_written_before_the_column_read_as_utc(home: Path) -> None:  # noqa: F811
    """A lake whose only cities part predates ``timezone``: stg_cities (and the enrichment) read it as null."""
    from scn.enrich.parts import staging_sql

    names = [c for c in LAKE_SCHEMAS["cities"].names if c not in ("timezone", "left_year", "member")]
    row = dict(zip(HEADER.split(","), ROWS["tromso"].split(","), strict=True))
    old = pd.DataFrame([row])[names].astype({"lat": float, "lon": float, "population": "int64"})
    lake.write_part("cities", old.assign(steering_committee=False, joined_year=None), "old")
    got = lake.query(f"select city_id, timezone from ({staging_sql('stg_cities')})")
    assert got["city_id"].tolist() == ["tromso"] and got["timezone"].isna().all()


def test_demo_cities_carry_their_zones_and_events_fill_their_local_months(tmp_path: Path) -> None:
    reg = pd.read_csv(write_cities(tmp_path)[0], keep_default_na=False).set_index("city_id")["timezone"]
    assert reg["mombasa"] == "Africa/Nairobi" and reg["london"] == "Europe/London"
    assert reg["beirut"] == reg["saida"] == "Asia/Beirut"
    months = np.array(["2025-03", "2025-06", "2025-10"] * 4000)
    for tz in ("Africa/Nairobi", "America/Denver", "Asia/Beirut"):
        t = times_in_months(months, np.random.default_rng(3), tz)
        assert (t.tz_convert(tz).strftime("%Y-%m") == months).all()
        assert (t.strftime("%Y-%m") != months).any()  # some events sit where UTC is still in another month
    assert set(TIMEZONES) >= {"london", "mombasa", "saida", "dakar", "montreal", "tunis"}
