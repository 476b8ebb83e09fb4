"""``programme_regions`` over programme files ingested through the real parser and built with dbt: a training
with participants of two roles is one training of its region (``programme_metrics`` has it under each role), an
exchange hosted by a non-member city takes its country's region from the registry, one activity sent under two
ids that differ in case and accents is one, and a planned activity is planned once whatever its registered roles."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from scn.ingest.cities_known import REGISTRY
from scn.ingest.pipeline import ingest_file
from scn.lake import ensure_tables
from tests.support.cli import scn_home
from tests.support.dbt_world import dbt_build
from tests.support.programme_files import ACT, PEOPLE

TODAY = date.today()  # the build's as-of date (dbt var as_of)
AHEAD = TODAY + timedelta(days=200)  # a planned activity


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("programme-regions")
    files = home / "in"
    files.mkdir()
    worlds = {
        "activities-a.csv": ACT + "T1,training,workshop,One,Saida,Lebanon,saida,2025-03-10,\n"
                                  "T2,training,workshop,Two,Beirut,Lebanon,beirut,2025-05-10,\n"
                                  "X1,city_exchange,visit,Visit,Toronto,Canada,,2025-04-01,\n"  # no member city
                                  f"P1,training,workshop,Next,Saida,Lebanon,saida,{AHEAD.isoformat()},\n",
        "activities-b.csv": ACT + "ÉTÉ-7,young_cities,youth_campaign,Campaign,Saida,Lebanon,saida,2025-06-01,\n",
        "activities-c.csv": ACT + "ete-7,young_cities,youth_campaign,Campaign,Saida,Lebanon,saida,2025-06-01,\n",
        "participants-a.csv": PEOPLE + "".join([
            "R1,T1,jane,city_official,Saida,Lebanon,f\n",
            "R2,T1,jose,mayor,Saida,Lebanon,m\n",  # T1: two roles
            "R3,T2,jane,city_official,Saida,Lebanon,f\n",
            "R4,X1,ann,practitioner,Ottawa,Canada,f\n",
            "R5,Été-7,yara,youth,Saida,Lebanon,f\n",
            "R6,ETE-7,yusuf,youth,Saida,Lebanon,m\n",
            "R7,P1,zed,mayor,Saida,Lebanon,m\n",  # registered for the planned one, two roles
            "R8,P1,zoe,city_official,Saida,Lebanon,f\n"]),
    }
    with scn_home(home):
        ingest_file("cities", REGISTRY)
        for name, text in worlds.items():
            (files / name).write_text(text, encoding="utf-8")
            ingest_file("programme", files / name)
        ensure_tables()
    dbt_build(home, "--select", "+programme_regions", "+programme_metrics", "--indirect-selection", "cautious",
              "--exclude", "resource_type:unit_test", "--vars", json.dumps({"as_of": TODAY.isoformat()}))
    return home


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_each_activity_counts_once_per_region_line_and_year(built: Path) -> None:
    rows = _rows(built, "select region, programme_line, year, activities, people, planned_activities "
                        "from programme_regions order by all")
    assert rows == [("MENA", "training", 2025, 2, 2, 0),  # T1 (two roles) and T2; jane once
                    ("MENA", "training", AHEAD.year, 0, 0, 1),  # P1: planned once, its registrants nowhere
                    ("MENA", "young_cities", 2025, 1, 2, 0),  # ÉTÉ-7 and ete-7: one activity
                    ("North America", "city_exchange", 2025, 1, 1, 0)]  # Toronto: Canada's region


def test_programme_metrics_splits_by_role_where_programme_regions_does_not(built: Path) -> None:
    """The network page's old sum: programme_metrics counts T1 under each of its roles."""
    assert _rows(built, "select sum(activities), sum(planned_activities) from programme_metrics "
                        "where programme_line = 'training' and region = 'MENA'") == [(3, 2)]
    assert _rows(built, "select city_id from programme_metrics where programme_line = 'city_exchange'") == [(None,)]
