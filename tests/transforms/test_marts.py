"""Mart contents of the tiny world, checked against figures known by hand."""

from __future__ import annotations

import duckdb
import pandas as pd

from tests.support.dbt_world import C1, C2, C3, SUMMITS


def _df(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def test_cell_month_counts_only_cell_located_events(wh: duckdb.DuckDBPyConnection) -> None:
    got = _df(wh, "select cell, period, posts, flagged_posts, crimes, hate_crimes from cell_month "
                  "order by period")
    assert got.values.tolist() == [[C1, "2024-01", 3, 2, 2, 1], [C2, "2024-02", 1, 0, 0, 0],
                                   [C3, "2024-03", 0, 0, 1, 1]]
    # 9 London posts in January, 3 of them in a cell: area- and city-level posts never land in a cell
    assert wh.execute("select sum(posts) from cell_month").fetchone()[0] == 4
    assert wh.execute("select count(*) from cell_month where cell is null").fetchone()[0] == 0


def test_area_and_city_month(wh: duckdb.DuckDBPyConnection) -> None:
    area = _df(wh, "select area_code, period, posts, flagged_posts, crimes, population from area_month "
                   "order by area_code, period")
    assert area.values.tolist() == [["E01", "2024-01", 5, 3, 2, 1500], ["E02", "2024-02", 1, 0, 0, 1700],
                                    ["E02", "2024-03", 0, 0, 1, 1700]]
    city = _df(wh, "select period, posts, flagged_posts, not_assessed_posts, crimes, hate_crimes, population "
                   "from city_month where city_id = 'london' order by period")
    assert city.values.tolist()[0] == ["2024-01", 9, 4, 1, 2, 1, 9_000_000]
    assert (city["flagged_posts"] <= city["posts"]).all()
    weeks = _df(wh, "select distinct period from area_week")["period"]
    assert weeks.str.fullmatch(r"\d{4}-W\d{2}").all()


def test_cities_keep_the_most_recently_ingested_part(wh: duckdb.DuckDBPyConnection) -> None:
    # the newer part's file name sorts first; the ingest log says it is newer: its population wins
    assert wh.execute("select population from stg_cities where city_id = 'london'").fetchone()[0] == 9_000_000
    assert wh.execute("select count(*) from stg_cities").fetchone()[0] == 3


def test_summit_metrics_from_participant_records(wh: duckdb.DuckDBPyConnection) -> None:
    got = _df(wh, "select summit, year, city, country, delegates, cities, countries from summit_metrics")
    figures = {r.summit: (r.delegates, r.cities, r.countries) for r in got.itertuples()}
    assert figures == SUMMITS  # 2017 has a duplicate record of one delegate: counted once
    assert got.set_index("summit").loc["SCN Global Summit 2017", ["year", "city"]].tolist() == [2017, "Aarhus"]


def test_network_kpis(wh: duckdb.DuckDBPyConnection) -> None:
    k = _df(wh, "select * from network_kpis").set_index("kpi")
    assert k.loc["officials_trained", "statement"] == "Trained 3 city officials in 3 cities across 3 countries"
    assert k.loc["people_reached", "value"] == 13  # p1 at a summit and a training counts once
    assert k.loc["summits", "value"] == 2
    assert k.loc["grants_amount", ["value", "unit"]].tolist() == [3500.0, "USD"]
    assert k.loc["lap_countries", "value"] == 1
    assert k.loc["member_cities", "value"] == 3


def test_programme_metrics(wh: duckdb.DuckDBPyConnection) -> None:
    pm = _df(wh, "select * from programme_metrics")
    summit = pm[pm["programme_line"] == "summit"]
    assert summit["people"].sum() == 10  # 6 + 4 delegates, each under one role
    assert summit["activities"].groupby(summit["year"]).max().tolist() == [1, 1]
    young = pm[pm["programme_line"] == "young_cities"]
    assert young[["activities", "people"]].values.tolist() == [[1, 0]] and young["role"].isna().all()
    assert set(pm["region"]) == {"Europe", "Asia-Pacific", "MENA"}  # Young Cities region from the registry
