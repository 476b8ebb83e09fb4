"""Per-city incremental marts (macros/city_incremental.sql), proved on a copy of the tiny world: a build with the
`cities` var, or with the file the `cities_file` var names (how the platform passes them, so its vars stay the same
from build to build), deletes and re-inserts the rows of those cities only. Worlds built to break it: a changed city whose
new part has months earlier than any it had; a changed city whose every row is gone; an unchanged city whose lake
rows changed too (its rows must stay exactly as they were: nothing of it was rebuilt); then the same build for
that city, after which every mart equals a full refresh."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from scn import lake
from tests.support.cli import scn_home
from tests.support.dbt_world import C1, C2, CRIMES_ENRICHED, POSTS_ENRICHED, dbt_build

PER_CITY = ("area_month", "area_period", "area_week", "cell_month", "city_month", "classifier_coverage",
            "target_month")
# the per-city marts and the views they read (rebuilt: a copied warehouse's views name the original home's lake)
ONLY_PER_CITY = ["--select", "+config.materialized:incremental", "--exclude", "resource_type:unit_test"]


def posts(city: str, months: list[str], first: int) -> pa.Table:
    """Cell-located posts of ``city``, one per month given (labels alternate hate / none)."""
    n = len(months)
    created = pd.to_datetime([f"{m}-10T12:00:00Z" for m in months])
    frame = pd.DataFrame({"post_key": [f"x:{city}{first + i}" for i in range(n)], "city_id": city,
                          "created_at": created, "month": months, "week": created.strftime("%G-W%V"),
                          "lang": "en", "label": ["hate", "none"] * (n // 2) + ["hate"] * (n % 2),
                          "score_hate": 0.5, "assessed": True, "method": "model", "target": None,
                          "model_version": "t", "precision": "cell", "lat": 51.5, "lon": -0.1, "area_code": "E01",
                          "cell": C1, "resolution": 8})
    return pa.Table.from_pandas(frame[POSTS_ENRICHED.names], schema=POSTS_ENRICHED, preserve_index=False)


def crimes(city: str, months: list[str]) -> pa.Table:
    frame = pd.DataFrame({"crime_key": [f"c:{city}{i}" for i in range(len(months))], "city_id": city,
                          "occurred_at": pd.to_datetime([f"{m}-02" for m in months], utc=True), "month": months,
                          "week": "2024-W01", "category": "public-order", "is_hate": True, "precision": "cell",
                          "lat": 51.5, "lon": -0.1, "area_code": "E02", "cell": C2, "resolution": 8})
    return pa.Table.from_pandas(frame[CRIMES_ENRICHED.names], schema=CRIMES_ENRICHED, preserve_index=False)


def marts(home: Path) -> dict[str, pd.DataFrame]:
    """Every per-city mart's rows, sorted (floats rounded: parallel sums may differ in the last bits)."""
    out = {}
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        for m in PER_CITY:
            frame = con.execute(f"select * from {m}").df()
            floats = frame.select_dtypes("floating").columns
            frame[floats] = frame[floats].round(9)
            out[m] = frame.sort_values(list(frame.columns)).reset_index(drop=True).astype(str)
    return out


def city_rows(tables: dict[str, pd.DataFrame], city: str) -> dict[str, pd.DataFrame]:
    return {m: t[t["city_id"] == city].reset_index(drop=True) for m, t in tables.items()}


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for m in PER_CITY:
        pd.testing.assert_frame_equal(a[m], b[m], obj=m)


def copied_home(world: Path, tmp_path: Path) -> Path:
    """A home with a copy of the lake and warehouse of ``world`` (the tiny world, or a home built from it)."""
    home = tmp_path / "home"
    shutil.copytree(world / "lake", home / "lake")
    shutil.copy(world / "warehouse.duckdb", home / "warehouse.duckdb")
    return home


def by_var(home: Path, cities: list[str]) -> list[str]:
    return ["--vars", json.dumps({"cities": cities})]


def by_file(home: Path, cities: list[str]) -> list[str]:
    """The platform's way (assets/transforms/assets.py): the cities in a file, the vars unchanged."""
    path = home / "warehouse.dbt-cities.json"
    path.write_text(json.dumps({"cities": cities}))
    return ["--vars", json.dumps({"cities_file": str(path)})]


def change(home: Path) -> None:
    """saida: months earlier than any it had; oslo: every row gone; london: new rows too."""
    with scn_home(home):
        lake.write_part("posts_enriched", posts("saida", ["2023-06", "2023-07"], 10), "saida-2")
        (home / "lake" / "crimes_enriched" / "part-oslo-1.parquet").unlink()
        lake.write_part("posts_enriched", posts("london", ["2024-01", "2023-01"], 0), "london-2")


@pytest.fixture(scope="module")
def seeded(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny world with posts of saida and crimes of oslo added, its per-city marts built whole
    (shared: each test builds on a copy of it, whose views its first build re-points at the copy's lake)."""
    home = copied_home(world, tmp_path_factory.mktemp("seeded"))
    with scn_home(home):
        lake.write_part("posts_enriched", posts("saida", ["2024-05", "2024-05", "2024-06"], 0), "saida-1")
        lake.write_part("crimes_enriched", crimes("oslo", ["2024-02", "2024-03"]), "oslo-1")
    dbt_build(home, *ONLY_PER_CITY, "--full-refresh")
    return home


@pytest.fixture(scope="module")
def rebuilt(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The per-city marts of ``seeded`` after ``change``, built whole: what per-city builds must end equal to."""
    full = tmp_path_factory.mktemp("rebuilt") / "home"
    shutil.copytree(seeded, full)
    change(full)
    dbt_build(full, *ONLY_PER_CITY, "--full-refresh")
    return marts(full)


@pytest.fixture(scope="module")
def refreshed(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny world, its per-city marts built whole from the copy's lake."""
    home = copied_home(world, tmp_path_factory.mktemp("refreshed"))
    dbt_build(home, *ONLY_PER_CITY, "--full-refresh")
    return home


@pytest.mark.parametrize("scope", [by_var, by_file], ids=["var", "file"])
def test_a_per_city_build_replaces_the_changed_cities_rows_only(seeded: Path, rebuilt: dict[str, pd.DataFrame],
                                                                  tmp_path: Path,
                                                                  scope: Callable[[Path, list[str]], list[str]]
                                                                  ) -> None:
    home = copied_home(seeded, tmp_path)
    before = marts(home)
    assert {"saida", "oslo", "london"} <= set(before["city_month"]["city_id"])

    change(home)
    out = dbt_build(home, *ONLY_PER_CITY, *scope(home, ["saida", "oslo"])).stdout
    assert "ERROR=0" in out
    after = marts(home)

    assert_same(city_rows(after, "london"), city_rows(before, "london"))  # not rebuilt: its new rows unseen
    assert not (after["city_month"]["city_id"] == "oslo").any()
    assert not any((t["city_id"] == "oslo").any() for t in after.values())
    saida = after["city_month"][after["city_month"]["city_id"] == "saida"]
    assert set(saida["period"]) == {"2023-06", "2023-07", "2024-05", "2024-06"}

    assert_same(city_rows(after, "saida"), city_rows(rebuilt, "saida"))
    assert city_rows(after, "london")["city_month"].shape != city_rows(rebuilt, "london")["city_month"].shape

    dbt_build(home, *ONLY_PER_CITY, *scope(home, ["london"]))
    assert_same(marts(home), rebuilt)


def test_the_cities_var_wins_over_the_file_and_a_missing_file_means_every_city(refreshed: Path,
                                                                               tmp_path: Path) -> None:
    """A dbt run by hand with the `cities` var follows the var whatever file lies there; with the
    `cities_file` var naming no file, an incremental build replaces every city's rows (none doubled)."""
    home = copied_home(refreshed, tmp_path)
    before = marts(home)
    with scn_home(home):
        lake.write_part("posts_enriched", posts("saida", ["2024-05"], 0), "saida-1")
        lake.write_part("posts_enriched", posts("london", ["2019-03"], 50), "london-2")  # a month it had not
    file = home / "warehouse.dbt-cities.json"
    file.write_text(json.dumps({"cities": ["london"]}))
    dbt_build(home, *ONLY_PER_CITY, "--vars", json.dumps({"cities": ["saida"], "cities_file": str(file)}))
    after = marts(home)
    assert_same(city_rows(after, "london"), city_rows(before, "london"))  # the file's city: not rebuilt
    assert (after["city_month"]["city_id"] == "saida").sum() == 1

    file.unlink()
    dbt_build(home, *ONLY_PER_CITY, "--vars", json.dumps({"cities_file": str(file)}))
    every = marts(home)
    assert (every["city_month"]["city_id"] == "saida").sum() == 1
    london = every["city_month"][every["city_month"]["city_id"] == "london"]
    assert len(london) == len(city_rows(before, "london")["city_month"]) + 1
    assert not london.duplicated(["city_id", "period"]).any()


def test_without_the_cities_var_an_incremental_build_rebuilds_every_city(refreshed: Path, tmp_path: Path) -> None:
    """A dbt run by hand (no var) on a built warehouse: every city's rows are replaced, none doubled."""
    home = copied_home(refreshed, tmp_path)
    before = marts(home)
    with scn_home(home):
        lake.write_part("posts_enriched", posts("saida", ["2024-05"], 0), "saida-1")
    dbt_build(home, *ONLY_PER_CITY)
    after = marts(home)
    assert_same(city_rows(after, "london"), city_rows(before, "london"))
    assert (after["city_month"]["city_id"] == "saida").sum() == 1
