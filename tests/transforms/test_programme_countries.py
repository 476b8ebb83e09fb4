"""Countries as partners write them in programme files (``UK``, ``U.K.``, ``England``, ``USA``, ``Liban``,
``Deutschland``, ``Türkiye``, ``Ivory Coast``) are the country they name, in the ingest (did-you-mean by
country) and in the warehouse (a participant's home, an activity's host), by one rule: the ``country_names`` seed
read by macros/programme_places.sql and by scn.ingest.programme.country_codes. And a summit stored before hosts were
named by name and country (its city id from the host's name alone: Tripoli, Libya as the member Tripoli, Lebanon)
is re-read by name and country at the next build, without its file ingested again."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from scn import lake
from scn.ingest.cities_known import REGISTRY
from scn.ingest.pipeline import ingest_file
from scn.lake import ensure_tables
from tests.support.cli import scn_home
from tests.support.dbt_world import dbt_build
from tests.support.programme_files import ACT, PEOPLE, ingest_world

SUMMIT = "summit_id,title,host_city,country,start_date,participant_id,role,delegate_city,home_country\n"
HOMES = {"R1": ("Londres", "UK"), "R2": ("London", "U.K."), "R3": ("London", "England"),
         "R4": ("Beirut", "Liban"), "R5": ("Berlin", "Deutschland"), "R6": ("Antalya", "Türkiye"),
         "R7": ("New York", "U.S.A."), "R8": ("Abidjan", "Côte d'Ivoire"), "R9": ("Abidjan", "Ivory Coast"),
         "R10": ("Cairo", "Egypte"), "R11": ("Cairo", "Egypt"), "R12": ("Tripoli", "Libye")}
PLACES = {"R1": "United Kingdom|London", "R2": "United Kingdom|London", "R3": "United Kingdom|London",
          "R4": "Lebanon|Beirut", "R5": "Germany|Berlin", "R6": "Turkey|Antalya", "R7": "United States|New York City",
          "R8": "Côte d’Ivoire|Abidjan", "R9": "Côte d’Ivoire|Abidjan", "R10": "Egypt|Cairo", "R11": "Egypt|Cairo",
          "R12": "Libya|Tripoli"}
WORLD = {
    "activities-c.csv": ACT + "A1,training,w,T,London,England,,2025-03-10,\n"
                              "A2,training,w,T,Tripoli,Libye,,2025-03-10,\n"
                              "A3,training,w,T,Tripoli,,tripoli,2025-03-10,\n",
    "participants-c.csv": PEOPLE + "".join(f"{r},A1,p{r},mayor,{c},{k},f\n" for r, (c, k) in HOMES.items()),
    "summits-old.csv": SUMMIT + "S1,Summit,Tripoli,Libya,2025-11-17,d1,mayor,Beirut,Lebanon\n"
                                "S2,Summit,Beyrouth,Lebanon,2025-11-18,d2,mayor,Beirut,Lebanon\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("programme-countries")
    with scn_home(home):
        ingest_file("cities", REGISTRY)
        ingest_world(home, WORLD)
        # the summits as the ingest stored them before hosts were named by name and country: the city id of the
        # host's name alone (Tripoli -> the member Tripoli, Lebanon; Beyrouth -> Beirut)
        acts = lake.read_table("programme_activities")
        old = acts["activity_id"].isin(["S1", "S2"])
        assert acts.loc[old, "city_id"].isna().all()
        acts.loc[acts["activity_id"] == "S1", "city_id"] = "tripoli"
        acts.loc[acts["activity_id"] == "S2", "city_id"] = "beirut"
        lake.replace_table("programme_activities", acts)
        ensure_tables()
    dbt_build(home, "--select", "+int_participations", "--indirect-selection", "cautious",
              "--exclude", "resource_type:unit_test", "--vars", json.dumps({"as_of": date.today().isoformat()}))
    return home


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_country_written_another_way_places_a_participants_home(built: Path) -> None:
    """Was: ``Londres, UK`` was the place ``UK|Londres``, ``Beirut, Liban`` ``Liban|Beirut``: not the member."""
    got = dict(_rows(built, "select record_id, home_place from int_participations where record_id like 'R%'"))
    assert got == PLACES


def test_a_country_written_another_way_places_a_host(built: Path) -> None:
    """Was: ``Tripoli, Libye`` (French for Libya) was taken for the member Tripoli, Lebanon: a country the
    registry did not know could be any; ``London, England`` needed that leniency to be London."""
    got = dict(_rows(built, "select activity_id, city_id from int_activities"))
    assert got["A1"] == "london" and got["A2"] is None and got["A3"] == "tripoli"
    assert dict(_rows(built, "select activity_id, country from int_activities"))["A2"] == "Libya"


def test_a_summit_stored_with_a_name_only_city_id_is_read_again_by_name_and_country(built: Path) -> None:
    got = dict(_rows(built, "select activity_id, city_id from int_activities"))
    assert got["S1"] is None and got["S2"] == "beirut"
