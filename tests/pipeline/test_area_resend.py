"""A city re-sends its boundary file: its newest file is its current set of areas (docs/ingest.md "Re-sending
boundaries"), for enrichment (point in polygon, gazetteer) and dbt's ``stg_areas`` alike, and only that city's
enriched rows are located again. Overlapping areas: the first listed wins, for points and cells alike."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from geo.h3index import area_cells, cells
from geo.locate import points_to_areas
from scn import lake
from scn.enrich import tables
from scn.ingest.pipeline import ingest_file
from tests.support.dbt_world import dbt_build
from tests.support.homes import home  # noqa: F401  (fixture)

CITIES = """city_id,name,country,country_code,region,continent,lat,lon,population,steering_committee,\
joined_year,themes
tromso,Tromsø,Norway,NO,Europe,Europe,69.6492,18.9553,77000,False,,
bodo,Bodø,Norway,NO,Europe,Europe,67.2804,14.4049,52000,False,,
"""
CRIMES = "id,time,lat,lon,category,hate_flag\n{id},2025-01-05T10:00:00+00:00,{lat},{lon},assault,1\n"
POSTS = ("id,created_at,text,lang,lat,lon,place,author,platform,url\n"
         "900001,2025-01-05T10:00:00+00:00,hello,en,,,Tromsdalen,@a1,forum,\n")
V1 = [("NO-T1", "Sentrum", 18.90, 18.97), ("NO-T2", "Tromsdalen", 18.97, 19.05)]
V2 = [("NO-T1", "Sentrum", 18.90, 18.95), ("NO-T2B", "Tromsdalen", 18.95, 19.05)]  # redrawn, re-coded


def _geojson(path: Path, areas: list[tuple[str, str, float, float]], lat: tuple[float, float]) -> Path:
    """A boundary file of boxes (code, name, west, east) between the latitudes ``lat``."""
    s, n = lat
    feats = [{"type": "Feature", "properties": {"area_code": code, "area_name": name},
              "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}}
             for code, name, w, e in areas]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def _ingest(kind: str, path: Path, text: str | None = None, city: str | None = None) -> None:
    if text is not None:
        path.write_text(text)
    ingest_file(kind, path, city_id=city)


def _boundaries(tmp_path: Path, name: str, areas: list[tuple[str, str, float, float]], city: str = "tromso",
                lat: tuple[float, float] = (69.63, 69.66)) -> None:
    _ingest("boundaries", _geojson(tmp_path / name, areas, lat), city=city)


def _located(table: str, key: str) -> dict[str, tuple[str, str]]:
    rows = lake.read_table(table, [key, "precision", "area_code"])
    return {r[0]: (r[1], r[2]) for r in rows.itertuples(index=False)}


@pytest.fixture
def resent(home: Path, tmp_path: Path) -> dict:  # noqa: F811
    """Two cities ingested and enriched; tromso re-sends its boundaries (v2); both are enriched again."""
    _ingest("cities", tmp_path / "cities.csv", CITIES)
    _boundaries(tmp_path, "v1.geojson", V1)
    _boundaries(tmp_path, "bodo.geojson", [("NO-B1", "Sentrum", 14.35, 14.45)], "bodo", (67.25, 67.31))
    _ingest("crime", tmp_path / "t.csv", CRIMES.format(id="R1", lat=69.645, lon=18.96), "tromso")
    _ingest("crime", tmp_path / "b.csv", CRIMES.format(id="B1", lat=67.28, lon=14.40), "bodo")
    _ingest("social", tmp_path / "posts.csv", POSTS, "tromso")
    first = (tables.enrich_crimes(), tables.enrich_posts())
    before = (_located("crimes_enriched", "crime_key"), _located("posts_enriched", "post_key"))
    bodo_part = next(lake.table_dir("crimes_enriched").glob("part-bodo--*.parquet")).stat().st_mtime_ns
    _boundaries(tmp_path, "v2.geojson", V2)
    again = (tables.enrich_crimes(), tables.enrich_posts())
    return {"first": first, "before": before, "again": again, "bodo_part": bodo_part,
            "after": (_located("crimes_enriched", "crime_key"), _located("posts_enriched", "post_key"))}


def test_a_resent_boundary_file_relocates_only_its_city_s_events(resent: dict) -> None:
    crimes, posts = resent["before"]
    assert crimes["tromso:R1"] == ("cell", "NO-T1") and posts["forum@tromso:900001"] == ("area", "NO-T2")
    crimes, posts = resent["after"]
    assert crimes["tromso:R1"] == ("cell", "NO-T2B")  # v2's NO-T1 ends at 18.95
    assert posts["forum@tromso:900001"] == ("area", "NO-T2B")  # the name is no longer shared with NO-T2
    assert crimes["bodo:B1"] == ("cell", "NO-B1")
    assert [r["cities"] for r in resent["again"]] == [["tromso"], ["tromso"]]
    assert resent["again"][0]["unchanged"] == ["bodo"]
    bodo_part = next(lake.table_dir("crimes_enriched").glob("part-bodo--*.parquet")).stat().st_mtime_ns
    assert bodo_part == resent["bodo_part"]


def test_stg_areas_holds_the_newest_file_as_enrichment_does(resent: dict, home: Path) -> None:  # noqa: F811
    dbt_build(home, "--select", "stg_areas")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        staged = con.execute("select * from stg_areas order by city_id, area_code").df()
    assert staged[["city_id", "area_code"]].values.tolist() == [
        ["bodo", "NO-B1"], ["tromso", "NO-T1"], ["tromso", "NO-T2B"]]
    assert staged.loc[staged["area_code"] == "NO-T1", "geometry_wkt"].str.contains("18.95").all()
    pd.testing.assert_frame_equal(tables.current_areas().astype(staged.dtypes.to_dict()), staged,
                                  check_dtype=False)


def test_a_file_with_unchanged_areas_is_still_the_whole_set(home: Path, tmp_path: Path) -> None:  # noqa: F811
    """An area unchanged in the newer file is a duplicate in the result, yet in the file's part: the newest file
    is the city's set whatever it repeats; the first file sent again is the newest, whole; a file of one area
    retires the others."""
    _ingest("cities", tmp_path / "cities.csv", CITIES)
    _boundaries(tmp_path, "v1.geojson", V1)
    _boundaries(tmp_path, "v1b.geojson", [V1[0], ("NO-T2", "Tromsdalen", 18.97, 19.10)])  # NO-T1 as it was
    got = tables.current_areas()
    assert got["area_code"].tolist() == ["NO-T1", "NO-T2"]
    assert got["geometry_wkt"].str.contains("19.1").tolist() == [False, True]
    _boundaries(tmp_path, "v1.geojson", V1)  # the first file again: the newest, whole
    assert tables.current_areas()["geometry_wkt"].str.contains("19.1").tolist() == [False, False]
    _boundaries(tmp_path, "v3.geojson", [("NO-T3", "Kroken", 18.90, 19.10)])
    assert tables.current_areas()["area_code"].tolist() == ["NO-T3"]


def _sq(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"POLYGON (({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"


OVERLAPPING = {"A-first": _sq(-0.20, 51.48, -0.16, 51.52), "B-filler": _sq(1, 1, 2, 2),
               "C-last": _sq(-0.22, 51.47, -0.18, 51.53)}


@pytest.mark.parametrize("order", [["A-first", "B-filler", "C-last"], ["C-last", "B-filler", "A-first"]])
def test_a_point_in_two_areas_goes_to_the_first_listed_as_its_cell_does(order: list[str]) -> None:
    areas = pd.DataFrame({"city_id": "london", "area_code": order,
                          "geometry_wkt": [OVERLAPPING[c] for c in order]})
    pts = pd.DataFrame({"city_id": "london", "lat": [51.515, 51.50, 51.50], "lon": [-0.195, -0.17, -0.21]})
    got = points_to_areas(pts, areas).tolist()
    assert got == [order[0], "A-first", "C-last"]  # the overlap to the first listed; the rest to their own
    by_cell = area_cells(areas, 8).set_index("cell")["area_code"]
    cell = cells(pts["lat"].to_numpy()[:1], pts["lon"].to_numpy()[:1], 8)[0]
    assert by_cell[cell] == got[0]


def test_a_layer_resent_with_one_area_removed_retires_it(home: Path, tmp_path: Path) -> None:  # noqa: F811
    """The usual re-send: the same layer with one area dropped and the others unchanged (duplicates): the
    dropped area is retired (before, an incomplete part retired nothing and it stayed for ever)."""
    _ingest("cities", tmp_path / "cities.csv", CITIES)
    _boundaries(tmp_path, "v1.geojson", V1)
    assert len(V1) >= 2
    _boundaries(tmp_path, "v1-less.geojson", V1[:-1])
    assert tables.current_areas()["area_code"].tolist() == sorted(a[0] for a in V1[:-1])
