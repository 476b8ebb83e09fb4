"""City names as partners write them in programme files: another name of a registry city (an exonym, ``Beyrouth``
for Beirut, from the ``city_aliases`` seed), another case or stray spaces are that city, as a host and as a
participant's home; a name the registry and the aliases do not know is kept as written and said at ingest (file,
rows, field): never a silent new place. Ingested through the real parser and built with dbt."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from scn.ingest.cities import slug
from scn.ingest.cities_known import REGISTRY
from scn.ingest.pipeline import ingest_file
from scn.lake import ensure_tables
from scn.vocabularies import seed_rows
from tests.support.cli import scn_home
from tests.support.dbt_world import dbt_build
from tests.support.programme_files import ACT, PEOPLE

SUMMIT = ("summit_id,title,host_city,country,start_date,end_date,participant_id,role,delegate_city,home_country,"
          "gender\n")
WORLD = {
    # two Local Action Planning activities hosted in Beirut, named two ways, no city id: one city
    "activities-lap.csv": ACT + "L1,local_action_planning,plan,Plan,Beyrouth,Lebanon,,2025-03-10,\n"
                                "L2,local_action_planning,plan,Plan 2,BEIRUT ,Lebanon,,2025-04-10,\n",
    "participants-lap.csv": PEOPLE + "R1,L1,jane,city_official,Beyrouth,Lebanon,f\n"
                                     "R2,L2,ann,city_official,bayrut,LB,f\n"
                                     "R3,L2,omar,city_official,Saïda ,Lebanon,m\n",
    # a summit hosted "Beyrouth": delegates from Beirut written three ways and one from a place nobody knows
    "summits-25.csv": SUMMIT + "".join(
        f"S25,Summit,Beyrouth,Lebanon,2025-11-17,2025-11-19,{p},mayor,{city},Lebanon,m\n"
        for p, city in (("d1", "Beyrouth"), ("d2", "Beirut"), ("d3", " beirut"), ("d4", "Atlantis"))),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    home = tmp_path_factory.mktemp("programme-city-names")
    (home / "in").mkdir()
    results = {}
    with scn_home(home):
        ingest_file("cities", REGISTRY)
        for name, text in WORLD.items():
            (home / "in" / name).write_text(text, encoding="utf-8")
            results[name] = ingest_file("programme", home / "in" / name)
        ensure_tables()
    dbt_build(home, "--select", "+programme_metrics", "+summit_metrics", "+network_kpis",
              "--indirect-selection", "cautious", "--exclude", "resource_type:unit_test",
              "--vars", json.dumps({"as_of": date.today().isoformat()}))
    return home, results


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_another_name_of_a_registry_city_is_that_city_as_a_host(built: tuple[Path, dict]) -> None:
    """Was: the summit hosted "Beyrouth" and the activity hosted "Beyrouth" had no member city, and Local Action
    Planning counted 2 cities (Beyrouth, BEIRUT) for one."""
    home, _ = built
    assert _rows(home, "select activity_id, city_id from int_activities order by 1") == [
        ("L1", "beirut"), ("L2", "beirut"), ("S25", "beirut")]
    [(statement,)] = _rows(home, "select statement from network_kpis where kpi = 'lap_cities'")
    assert statement == "Local Action Planning in 1 cities in 1 countries"


def test_another_name_of_a_registry_city_is_that_city_as_a_home(built: tuple[Path, dict]) -> None:
    """Was: Beyrouth and bayrut two more home places beside Lebanon|Beirut."""
    home, _ = built
    places = _rows(home, "select record_id, home_place from int_participations order by 1")
    assert sum(p == "Lebanon|Beirut" for _, p in places) == 5  # R1, R2 and the delegates d1, d2, d3
    assert {p for _, p in places} == {"Lebanon|Beirut", "Lebanon|Saida", "Lebanon|Atlantis"}
    [(cities,)] = _rows(home, "select cities from summit_metrics")
    assert cities == 2  # Beirut, Atlantis


def test_a_city_name_nobody_knows_is_said_with_its_file_rows_and_field(built: tuple[Path, dict]) -> None:
    _, results = built
    said = [w for r in results.values() for w in r.warnings if w["code"] == "city_not_known"]
    assert said == [{"code": "city_not_known", "field": "delegate_city", "names": ["Atlantis"], "rows": [4],
                     "count": 1}]  # its 4th row (source_row, as rejects number rows)
    assert [Path(r.file).name for r in results.values() if any(w["code"] == "city_not_known" for w in r.warnings)] \
        == ["summits-25.csv"]  # and none for Beyrouth, bayrut, BEIRUT, Saïda: registry cities by another name


def test_every_alias_names_one_registry_city_and_no_other_city(built: tuple[Path, dict]) -> None:
    """The seed: each alias a registry city's, no alias written twice (as a slug), none another city's id or name."""
    import pandas as pd

    registry = pd.read_csv(REGISTRY, dtype=str)
    aliases = pd.DataFrame(seed_rows("city_aliases"))
    assert len(aliases) > 0 and set(aliases["city_id"]) <= set(registry["city_id"])
    keys = slug(aliases["alias"].astype("string"))
    assert not keys.duplicated().any()
    own = pd.concat([registry["city_id"], slug(registry["name"].astype("string"))])
    assert not keys.isin(set(own)).any()
