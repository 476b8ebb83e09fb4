"""The seeds' published figures, recomputed by the marts from the demo world's participant records."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from scn import lake
from scn.demo.programme import programme_records
from scn.lake import as_table, ensure_tables
from tests.support.cli import DEMO_SEED, scn_home
from tests.support.dbt_world import dbt_build


def _write_demo_programme(home: Path) -> None:
    rec = programme_records(DEMO_SEED)
    acts = rec["activities"].assign(region=None, city_id=lambda f: f["city_id"].replace("", None))
    for col in ("start_date", "end_date"):
        acts[col] = pd.to_datetime(acts[col]).dt.date
    acts["year"] = pd.to_datetime(acts["start_date"]).dt.year
    people = rec["participants"].rename(columns={"participant_id": "person_pseudo"})
    with scn_home(home):
        lake.write_part("programme_activities", as_table("programme_activities", acts), "demo")
        lake.write_part("programme_participants", as_table("programme_participants", people), "demo")
        lake.write_part("programme_grants", as_table("programme_grants", rec["grants"]), "demo")
        ensure_tables()


def test_summit_and_network_figures_match_the_seeds(tmp_path: Path) -> None:
    _write_demo_programme(tmp_path)
    dbt_build(tmp_path, "--select", "+summit_metrics", "+network_kpis", "--indirect-selection", "cautious")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        summits = con.execute("select year, city, delegates, cities, countries from summit_metrics "
                              "order by year").fetchall()
        kpis = dict(con.execute("select kpi, value from network_kpis").fetchall())
    assert summits == [(2017, "Aarhus", 476, 170, 47), (2018, "Melbourne", 216, 94, 32)]
    assert (kpis["lap_cities"], kpis["lap_countries"]) == (62, 21)
    assert kpis["local_prevention_networks"] == 7 and kpis["lpn_members"] == 108
    assert kpis["city_consultations"] == 11 and kpis["innovation_grants"] == 15
