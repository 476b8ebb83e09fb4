"""A city leaves the network (the registry's ``left_year``, docs/ingest.md "Cities"): the network's KPIs count
current members only, its collection stops, its history stays (its pages, for staff and its own officials, say
"former member since <year>"); a partial registry file never retires a city; a rejoining makes it a member again.

Registry files go through the real ingest, then ``dbt build`` of the registry's models and network_kpis, and a
serving snapshot is published from the warehouse (as the publish asset does)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from dashboards import i18n
from scn import lake
from scn.ingest.pipeline import ingest_file
from scn.lake import ensure_tables
from scn.publish import serving
from scn.settings import override
from tests.support.dash_client import find_props, form_token, route
from tests.support.dbt_world import dbt_build
from tests.support.homes import home  # noqa: F401  (fixture)

HEADER = "city_id,name,country,country_code,region,continent,lat,lon,population,steering_committee,joined_year,themes"
ROWS = {"mombasa": "mombasa,Mombasa,Kenya,KE,Sub-Saharan Africa,Africa,-4.0435,39.6682,1200000,True,2016,",
        "brisbane": "brisbane,Brisbane,Australia,AU,Asia-Pacific,Oceania,-27.4698,153.0251,1300000,False,2017,",
        "tromso": "tromso,Tromsø,Norway,NO,Europe,Europe,69.6492,18.9553,77000,False,2018,"}
PASSWORD = "official-pass-9"


@pytest.fixture(autouse=True)
def _in_home(home: Path) -> Iterator[None]:  # noqa: F811
    """This test's home wins over the home a dashboards app set for the process (``create_app``: ``use``), which
    is taken back afterwards."""
    from scn import settings

    before = list(settings._overrides)
    with override(home=home):
        yield
    settings._overrides[:] = before


def _registry(path: Path, cities: list[str], extra: str = "", values: dict[str, str] | None = None) -> None:
    """A registry file of ``cities``' rows (``extra``: one more column, each city's value in ``values``),
    ingested."""
    tail = (lambda c: f",{(values or {}).get(c, '')}") if extra else (lambda c: "")
    head = HEADER + (f",{extra}" if extra else "")
    path.write_text(head + "\n" + "".join(f"{ROWS[c]}{tail(c)}\n" for c in cities), encoding="utf-8")
    ingest_file("cities", path)


def _build(home: Path) -> dict[str, pd.DataFrame]:  # noqa: F811
    """The registry models and network_kpis built over the lake, published; the marts read back."""
    ensure_tables()
    dbt_build(home, "--select", "+network_kpis +cities", "--exclude", "test_type:unit", "--indirect-selection",
              "cautious")
    warehouse = home / "warehouse.duckdb"
    queries = {"cities": "select * from cities", "network_kpis": "select * from network_kpis"}
    months = pd.DataFrame({"city_id": list(ROWS), "period": "2024-01", "posts": 5, "flagged_posts": 1, "crimes": 2,
                           "hate_crimes": 1})  # each city has data: its page is listed on /network
    serving.publish({"city_month": months}, run_id="run-0123456789", from_duckdb=(warehouse, queries))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {m: con.execute(f"select * from {m}").df() for m in queries}


def _kpis(marts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return marts["network_kpis"].set_index("kpi")


def _collected(tmp_path: Path) -> tuple[dict[str, list[str]], list[tuple[str, str, str]]]:
    """What collection would pick with an rss entry for each of the three cities: the partitions' cities
    (``configured``) and the scheduled (source, city, cron) entries of the sensor and the daily schedules."""
    from assets.collect.schedules import _entries
    from scn.ingest.sources.config import configured

    sources = tmp_path / "sources.yml"
    sources.write_text(yaml.safe_dump({"cities": {c: {"rss": {"feeds": [f"https://example.org/{c}.xml"]}}
                                                  for c in ROWS}}))
    with override(sources_file=sources):
        return configured(), _entries()


def _page(home: Path, path: str, username: str, lang: str) -> list:  # noqa: F811
    """The page at ``path`` as ``username`` (signed in through the log-in form) sees it."""
    from dashboards.app import create_app

    c = create_app(home).server.test_client()
    token = form_token(c.post("/_dash-update-component", json=route("/login")).get_json())
    assert c.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token}).status_code == 302
    r = c.post("/_dash-update-component", json=route(path, lang=lang))
    assert r.status_code == 200, r.data[:300]
    return r.get_json()["response"]["_pages_content"]["children"]


def test_a_city_that_left_is_a_former_member_everywhere(home: Path, tmp_path: Path) -> None:  # noqa: F811
    _registry(tmp_path / "cities.csv", list(ROWS))
    _registry(tmp_path / "left.csv", ["tromso"], "left_year", {"tromso": "2024"})  # a second file: tromso left
    assert lake.row_count("quarantine") == 0
    marts = _build(home)

    kpis = _kpis(marts)
    assert kpis.loc["member_cities", "value"] == 2
    assert kpis.loc["member_cities", "statement"] == "2 current member cities in 2 countries"
    assert kpis.loc["former_member_cities", "value"] == 1
    cities = marts["cities"].set_index("city_id")
    assert set(cities.index) == set(ROWS)  # its history stays: still in the published registry
    assert cities.loc["tromso", "left_year"] == 2024 and cities["left_year"].drop("tromso").isna().all()

    partitions, scheduled = _collected(tmp_path)
    assert partitions["rss"] == ["brisbane", "mombasa"]
    assert sorted(city for _, city, _ in scheduled) == ["brisbane", "mombasa"]

    from scn.access.users import add_user
    add_user("tove", "official", "tromso", PASSWORD)  # the city's official keeps their city's history
    add_user("sam", "staff", None, PASSWORD)
    for lang in ("en", "fr", "ar"):
        note = find_props(_page(home, "/city/tromso", "tove", lang), "city-former-member")
        assert note is not None and note["children"] == i18n.t("former_member_note", lang, year=2024)
        profile = _page(home, "/cities/tromso", "tove", lang)
        assert find_props(profile, "profile-former-member")["children"] == note["children"]
        assert find_props(profile, "fact-profiles_membership")["children"] == i18n.t("former_member_since", lang,
                                                                                    year=2024)
    assert "2024" in i18n.t("former_member_note", "ar", year=2024)
    assert i18n.t("former_member_note", "fr", year=2024).startswith("Ancien membre depuis 2024")
    staff = _page(home, "/city/tromso", "sam", "en")
    assert find_props(staff, "city-former-member")["children"].startswith("Former member since 2024")
    assert find_props(_page(home, "/city/mombasa", "sam", "en"), "city-former-member") is None
    network = _page(home, "/network", "sam", "en")
    assert "tromso" not in str(find_props(network, "net-cities")["children"])  # not a current member
    former = str(find_props(network, "net-former-cities")["children"])
    assert "/city/tromso" in former and "former member since 2024" in former
    assert "/city/mombasa" not in former


def test_a_partial_file_keeps_a_city_and_a_rejoining_makes_it_a_member_again(home: Path,  # noqa: F811
                                                                              tmp_path: Path) -> None:
    _registry(tmp_path / "cities.csv", list(ROWS))
    _registry(tmp_path / "europe.csv", ["tromso"], "left_year", {"tromso": "2023"})
    _registry(tmp_path / "kenya.csv", ["mombasa"])  # a partial file: brisbane and tromso not listed
    # brisbane leaves and comes back in a blank left_year cell; tromso rejoins with a later joined_year
    _registry(tmp_path / "asia.csv", ["brisbane"], "year_left", {"brisbane": "2022-06-30"})
    _registry(tmp_path / "asia-2.csv", ["brisbane"], "year_left", {"brisbane": ""})
    (tmp_path / "tromso.csv").write_text(f"{HEADER}\n{ROWS['tromso'].replace(',2018,', ',2025,')}\n")
    ingest_file("cities", tmp_path / "tromso.csv")
    assert lake.row_count("quarantine") == 0
    kpis = _kpis(_build(home))
    assert kpis.loc["member_cities", "value"] == 3 and kpis.loc["former_member_cities", "value"] == 0
    partitions, _ = _collected(tmp_path)
    assert partitions["rss"] == ["brisbane", "mombasa", "tromso"]


def test_the_partial_file_alone_keeps_every_member(home: Path, tmp_path: Path) -> None:  # noqa: F811
    _registry(tmp_path / "cities.csv", list(ROWS))
    _registry(tmp_path / "kenya.csv", ["mombasa"], "left_year", {})  # a left column, blank: still a member
    kpis = _kpis(_build(home))
    assert kpis.loc["member_cities", "value"] == 3 and kpis.loc["former_member_cities", "value"] == 0


@pytest.mark.parametrize(("left", "joined", "field", "reason"), [
    ("2015", "2018", "left_year; joined_year", "before the joined year; after the left year"),
    ("soon", "2018", "left_year", "not a year (e.g. 2024)"),
    ("2999", "2018", "left_year", "year outside 1990..this year"),
])
def test_a_bad_left_year_quarantines_the_row_naming_the_field(home: Path, tmp_path: Path, left: str,  # noqa: F811
                                                             joined: str, field: str, reason: str) -> None:
    _registry(tmp_path / "cities.csv", list(ROWS))
    row = ROWS["tromso"].replace(",2018,", f",{joined},")
    (tmp_path / "left.csv").write_text(f"{HEADER},left_year\n{row},{left}\n")
    ingest_file("cities", tmp_path / "left.csv")
    q = lake.read_table("quarantine")
    assert (q["field"].tolist(), q["reason"].tolist()) == ([field], [reason])
    from scn.ingest.cities_known import former_members
    assert former_members() == set()  # the city's row ingested before stays in force


def test_collection_skips_a_city_that_left_and_takes_it_back_when_it_rejoins(home: Path,  # noqa: F811
                                                                              tmp_path: Path) -> None:
    _registry(tmp_path / "cities.csv", list(ROWS))
    assert _collected(tmp_path)[0]["rss"] == ["brisbane", "mombasa", "tromso"]
    _registry(tmp_path / "left.csv", ["tromso"], "left", {"tromso": "2024"})
    partitions, scheduled = _collected(tmp_path)
    assert partitions["rss"] == ["brisbane", "mombasa"] and "tromso" not in {c for _, c, _ in scheduled}
    from scn.ingest.sources.base import ConfigError
    from scn.ingest.sources.collect import collect

    with pytest.raises(ConfigError, match="left the network"):  # by hand (`scn collect rss --city tromso`) too
        collect("rss", "tromso", config_path=tmp_path / "sources.yml")
    _registry(tmp_path / "back.csv", ["tromso"], "left", {"tromso": ""})  # a blank left cell: a member again
    assert _collected(tmp_path)[0]["rss"] == ["brisbane", "mombasa", "tromso"]
