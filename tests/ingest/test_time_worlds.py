"""Dates and times as the world writes them, one rule for every family (posts, crimes, surveys, programmes):
words are no dates, a calendar date is the date as written where it was written, one day/month order per
column (warned when nothing tells), two-digit years not in the future, programme dates in 1990..today + 2
years, id-less crimes keyed by the instant, and ambiguous zone abbreviations never guessed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scn import lake
from scn.ingest import crime, parse
from scn.ingest.pipeline import ingest_file
from tests.support.programme_files import ACT

CRIME = "time,lat,lon,category,hate_flag\n"


def _activities(tmp_path: Path, *rows: tuple[str, str, str]) -> Path:
    """An activities file of (activity_id, start_date, end_date) rows."""
    path = tmp_path / "activities-test.csv"
    path.write_text(ACT + "".join(f"{a},training,workshop,t,Montreal,Canada,,{s},{e}\n" for a, s, e in rows))
    return path


def _errors(r: object) -> list[tuple[int, str, str]]:
    return [(e["row"], e["field"], e["reason"]) for e in r.errors]  # type: ignore[attr-defined]


@pytest.mark.parametrize("word", ["now", "today", "Yesterday"])
def test_words_are_no_dates_in_any_family(home: Path, tmp_path: Path, word: str) -> None:
    posts = tmp_path / "posts.csv"
    posts.write_text(f"id,created_at,text\n1,{word},a\n2,2025-03-01T10:00:00Z,b\n")
    r = ingest_file("social", posts, city_id="london")
    assert _errors(r) == [(1, "created_at", "not a valid date/time")]
    crimes = tmp_path / "crimes.csv"
    crimes.write_text(CRIME + f"{word},51.5,-0.12,assault,0\n2025-03-01T10:00:00Z,51.5,-0.12,assault,0\n")
    r = ingest_file("crime", crimes, city_id="london")
    assert _errors(r) == [(1, "time", "not a valid date/time")]
    r = ingest_file("programme", _activities(tmp_path, ("W1", word, ""), ("W2", "2025-03-01", "")))
    assert _errors(r) == [(1, "start_date", "not a valid date")]
    assert parse.parse_time(pd.Series([word])).isna().all()  # surveys' submitted_at: the same parser


def test_programme_dates_mixing_offsets_parse_as_dates_written(home: Path, tmp_path: Path) -> None:
    path = _activities(tmp_path, ("M1", "2025-03-04", "2025-03-05"),
                       ("M2", "2025-12-31T20:00:00-05:00", "2025-12-31T22:00-05:00"),
                       ("M3", "2025-13-45", ""))
    r = ingest_file("programme", path)  # was: the whole file failed, "Mixed timezones detected"
    assert (r.accepted, _errors(r)) == (2, [(3, "start_date", "not a valid date")])
    got = lake.read_table("programme_activities").set_index("activity_id")
    assert str(got.loc["M2", "start_date"])[:10] == "2025-12-31" == str(got.loc["M2", "end_date"])[:10]
    assert int(got.loc["M2", "year"]) == 2025  # was 2026: converted to UTC first
    summits = tmp_path / "summits-x.csv"
    summits.write_text("summit_id,title,host_city,country,start_date,end_date,participant_id,role\n"
                       "S1,Summit,Montreal,Canada,2025-11-17,2025-11-19,P1,mayor\n"
                       "S1,Summit,Montreal,Canada,2025-11-17T21:00:00-05:00,2025-11-19,P2,mayor\n")
    assert ingest_file("programme", summits).accepted == 2


def test_programme_dates_in_1990_to_two_years_ahead(home: Path, tmp_path: Path) -> None:
    year = pd.Timestamp.now().year
    r = ingest_file("programme", _activities(tmp_path, ("P1", "1970-01-01", "1970-01-02"),
                                             ("P2", f"{year + 3}-05-01", ""), ("P3", f"{year + 1}-05-01", ""),
                                             ("P4", "2025-05-01", f"{year + 3}-01-01")))
    ahead = "date outside 1990..today + 2 years"
    assert _errors(r) == [(1, "start_date; end_date", f"{ahead}; {ahead}"), (2, "start_date", ahead),
                          (4, "end_date", ahead)]  # P3: a planned activity next year is a record


def test_one_day_month_order_per_column_everywhere_and_a_warning_when_nothing_tells(home: Path, tmp_path: Path
                                                                                    ) -> None:
    dates = parse.parse_date(pd.Series(["03/04/2025", "04/13/2025"]))
    assert [str(d)[:10] for d in dates] == ["2025-03-04", "2025-04-13"]  # was 3 April beside 13 April
    assert parse.date_order_warnings({"when": pd.Series(["03/04/2025", "2025-03-01", "04/03/2025"])}) == [
        {"code": "ambiguous_date_order", "field": "when", "assumed": "day/month/year"}]
    assert parse.date_order_warnings({"a": pd.Series(["03/14/2025", "03/04/2025"]),  # the column tells
                                      "b": pd.Series(["03/03/2025", "2025-03-04"])}) == []  # no doubt
    crimes = tmp_path / "crimes.csv"
    crimes.write_text("Time,lat,lon,category,hate_flag\n" + "".join(
        f"03/0{d}/2025 10:00,51.5,-0.12,assault,0\n" for d in range(1, 8)))
    r = ingest_file("crime", crimes, city_id="london")
    assert {"code": "ambiguous_date_order", "field": "Time", "assumed": "day/month/year"} in r.warnings


def test_two_digit_years_are_never_in_the_future_in_any_family() -> None:
    yy = (pd.Timestamp.now().year + 2) % 100
    values = pd.Series([f"01/02/{yy:02d}"])
    assert parse.parse_time(values).dt.year.iloc[0] == 1900 + yy
    assert parse.parse_date(values).dt.year.iloc[0] == 1900 + yy  # programme records read 20yy, posts 19yy
    yy = (pd.Timestamp.now().year + 1) % 100  # next year is the future too
    assert parse.parse_time(pd.Series([f"01/02/{yy:02d}"])).dt.year.iloc[0] == 1900 + yy


def test_idless_crimes_resent_with_the_time_rewritten_are_duplicates(home: Path, tmp_path: Path) -> None:
    v1, v2 = tmp_path / "noid-v1.csv", tmp_path / "noid-v2.csv"
    v1.write_text(CRIME + "2025-06-01T01:30:00+03:00,51.5,-0.12,harassment,1\n"
                          "2025-06-02T10:00:00+03:00,51.5,-0.12,assault,1\n")
    v2.write_text(CRIME + "2025-05-31T22:30:00Z,51.5,-0.12,harassment,1\n"
                          "2025-06-02T07:00:00Z,51.5,-0.12,assault,1\n")
    assert ingest_file("crime", v1, city_id="london").accepted == 2
    r = ingest_file("crime", v2, city_id="london")
    assert (r.accepted, r.duplicates) == (0, 2)


def test_idless_crimes_keyed_by_the_old_rule_are_still_recognised(home: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rows = ("2025-06-01T01:30:00+03:00,51.5,-0.12,harassment,1\n"
            "2025-06-02T10:00:00+03:00,51.5,-0.12,assault,1\n")
    old, new = tmp_path / "noid-old.csv", tmp_path / "noid-more.csv"
    old.write_text(CRIME + rows)
    new.write_text(CRIME + rows + "2025-06-03T10:00:00+03:00,51.5,-0.12,assault,1\n")
    with monkeypatch.context() as m:  # the lake as the old rule left it: the time's text hashed
        m.setattr(crime, "_keys", lambda source, crime_id, raw, *_: source + ":" + crime_id.fillna(
            crime._digests(raw, parse.as_text(raw["occurred_at"]).str.lower())))
        assert ingest_file("crime", old, city_id="london").accepted == 2
    r = ingest_file("crime", new, city_id="london")
    assert (r.accepted, r.duplicates) == (1, 2)


def test_crowdtangle_ambiguous_zone_abbreviations_are_not_guessed(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "crowdtangle.csv"
    path.write_text("Account,User Name,Facebook Id,Post Created,URL,Message\n"
                    "News,chag,1,2025-03-31 22:30:00 AST,https://www.facebook.com/chag/posts/777000001,a\n"
                    "News,chag,1,2025-03-31 20:00:00 IST,https://www.facebook.com/chag/posts/777000002,b\n"
                    "News,chag,1,2025-03-31 20:00:00 EST,https://www.facebook.com/chag/posts/777000003,c\n")
    r = ingest_file("social", path, city_id="london")
    assert _errors(r) == [
        (1, "Post Created", "ambiguous time zone abbreviation AST (-04:00 Atlantic or +03:00 Arabia): "
                            "export with UTC offsets"),
        (2, "Post Created", "ambiguous time zone abbreviation IST (+05:30 India, +01:00 Irish or +02:00 "
                            "Israel): export with UTC offsets")]
    posts = lake.read_table("posts")
    assert [str(t) for t in posts["created_at"]] == ["2025-04-01 01:00:00+00:00"]  # EST still read


def test_a_week_of_month_first_post_dates_is_warned_in_every_family(home: Path, tmp_path: Path) -> None:
    """The prober's Montreal week (03/01/2025 .. 03/07/2025, month first) is read day first as documented and
    spread over seven months: the file now says so (posts, surveys and programme records as crimes do)."""
    posts = tmp_path / "montreal-week.csv"
    posts.write_text("post_id,created_at,text,lang,lat,lon\n" + "".join(
        f"{d},03/0{d}/2025 10:00,post {d},en,51.5,-0.12\n" for d in range(1, 8)))
    r = ingest_file("social", posts, city_id="london")
    assert r.accepted == 7
    assert {"code": "ambiguous_date_order", "field": "created_at", "assumed": "day/month/year"} in r.warnings
    logged = lake.read_table("ingest_warnings")
    assert "ambiguous_date_order" in set(logged["code"])  # kept for the data-health page
