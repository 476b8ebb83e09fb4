"""City names that do not say which place they are, as the programme marts count them: a name a member city shares
with another place (Tripoli, Lebanon; Tripoli, Libya) counts for the member only when the record's country says so;
a name that is one member's and another member's alias (a registry city "Londres" beside the alias Londres of
London) likewise; with no country neither is guessed. A leading "The" is no part of a name, and a host country in
another case or with stray spaces is one country. Ingested through the real parser and built with dbt."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from scn.ingest.cities_known import REGISTRY
from scn.ingest.pipeline import ingest_file
from scn.lake import ensure_tables
from tests.support.cli import scn_home
from tests.support.corpus import CITIES
from tests.support.dbt_world import dbt_build
from tests.support.programme_files import ACT, PEOPLE, ingest_world

HOSTS = {  # activity id -> (host, country), Local Action Planning, no city id
    "L1": ("Tripoli", "Libya"), "L2": ("Tripoli", ""), "L3": ("Tripoli", "Lebanon"), "L4": ("Hague", "Netherlands"),
    "L5": ("Londres", "Argentina"), "L6": ("Londres", "United Kingdom"), "L7": ("Londres", ""),
    "L8": ("THE HAGUE", "NL")}
CONSULTED = {"C1": "Lebanon", "C2": "lebanon ", "C3": "LEBANON", "C4": " Lébanon", "C5": "Liban"}  # Beirut
WORLD = {
    "cities-londres.csv": CITIES + "\nlondres,Londres,Argentina,AR,Latin America & Caribbean,South America,-27.7,"
                                   "-67.1,2000,False,,\n",
    "activities-1.csv": ACT + "".join(f"{a},local_action_planning,plan,Plan,{h},{c},,2025-03-10,\n"
                                      for a, (h, c) in HOSTS.items())
    + "".join(f"{a},city_consultation,c,C,Beirut,{c},,2025-04-10,\n" for a, c in CONSULTED.items())
    + "N1,city_consultation,c,C,Atlantis,Ruritania,,2025-04-10,\nN2,city_consultation,c,C,atlantis,RURITANIA ,,"
      "2025-04-11,\n",
    "participants-1.csv": PEOPLE + "R1,L3,p1,mayor,Tripoli,Libya,f\nR2,L3,p2,mayor,Tripoli,,f\n"
                                   "R3,L3,p3,mayor,Tripoli,Lebanon,f\nR4,L3,p4,mayor,Hague,Netherlands,f\n"
                                   "R5,L3,p5,mayor,Londres,,f\nR6,L3,p6,mayor,Londres,AR,f\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("programme-city-homonyms")
    with scn_home(home):
        ingest_file("cities", REGISTRY)
        ingest_world(home, WORLD)
        ensure_tables()
    dbt_build(home, "--select", "+programme_metrics", "+network_kpis", "+programme_regions",
              "--indirect-selection", "cautious", "--exclude", "resource_type:unit_test",
              "--vars", json.dumps({"as_of": date.today().isoformat()}))
    return home


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_host_named_as_a_member_and_another_place_counts_for_the_member_only_by_its_country(built: Path) -> None:
    """Was: Tripoli, Libya (a country the registry does not know) was linked to the member Tripoli, Lebanon, and
    so was Tripoli with no country; Londres (a member's name and London's alias) went to London whatever its
    country; Hague was no city."""
    got = dict(_rows(built, "select activity_id, city_id from int_activities where activity_id like 'L%'"))
    assert got == {"L1": None, "L2": None, "L3": "tripoli", "L4": "the-hague", "L5": "londres", "L6": "london",
                   "L7": None, "L8": "the-hague"}
    assert _rows(built, "select sum(activities) from programme_metrics where city_id = 'tripoli'") == [(1,)]


def test_a_home_named_as_a_member_and_another_place_is_the_member_only_by_its_country(built: Path) -> None:
    """Was: a delegate from Tripoli with no country was placed in Lebanon's Tripoli, and Hague was a place of
    its own."""
    got = dict(_rows(built, "select record_id, home_place from int_participations"))
    assert got == {"R1": "Libya|Tripoli", "R2": "?|Tripoli", "R3": "Lebanon|Tripoli",
                   "R4": "Netherlands|The Hague", "R5": "?|Londres", "R6": "Argentina|Londres"}


def test_a_host_country_in_another_case_or_with_spaces_is_one_country(built: Path) -> None:
    """Was: Lebanon, lebanon, LEBANON, Lébanon and Liban (Beirut's, in French) five countries in the consultations
    KPI, and Ruritania twice; and five rows of programme_metrics for one city."""
    [(statement,)] = _rows(built, "select statement from network_kpis where kpi = 'city_consultations'")
    assert statement == "7 city consultations in 2 cities across 2 countries"
    assert _rows(built, "select country, sum(activities) from programme_metrics "
                        "where programme_line = 'city_consultation' group by all order by 1") == [
        ("Lebanon", 5), ("RURITANIA", 2)]  # the first spelling in sort order
    [(statement,)] = _rows(built, "select statement from network_kpis where kpi = 'lap_cities'")
    assert statement == "Local Action Planning in 7 cities in 5 countries"
