"""Vectorised H3 indexing equals the per-row h3 loop; area coverage; GeoJSON for maps; scripts/bench_h3.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import h3
import numpy as np
import pandas as pd
from shapely.geometry import box

from geo.h3index import area_cells, cells, cells_geojson, centres, parents

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench_h3.py"


def test_vectorised_indexing_equals_per_row_loop() -> None:
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-89, 89, 20_000), rng.uniform(-180, 180, 20_000)
    lat[[5, 9]] = np.nan
    lon[7] = np.nan
    lat[11], lon[12] = 123.0, -200.0
    for res in (5, 8, 10):
        got = cells(lat, lon, res)
        expected = [h3.latlng_to_cell(a, b, res) if np.isfinite(a) and np.isfinite(b) and abs(a) <= 90
                    and abs(b) <= 180 else None for a, b in zip(lat, lon, strict=True)]
        assert list(got) == expected
    assert got[5] is None and got[7] is None and got[11] is None and got[12] is None
    assert all(len(c) == 15 for c in got if c is not None)


def test_parents_and_centres_match_h3() -> None:
    some = cells(np.array([51.5, 33.56, -4.05]), np.array([-0.1, 35.37, 39.66]), 9)
    assert list(parents(some, 6)) == [h3.cell_to_parent(c, 6) for c in some]
    assert list(parents(np.array([some[0], None], dtype=object), 7)) == [h3.cell_to_parent(some[0], 7), None]
    lat, lon = h3.cell_to_latlng(some[1])
    assert np.allclose(centres([some[1]]).iloc[0].to_numpy(), [lat, lon])


def test_area_cells_assign_each_cell_to_the_area_holding_its_centre() -> None:
    west, east = box(-0.10, 51.50, -0.05, 51.55), box(-0.05, 51.50, 0.0, 51.55)
    areas = pd.DataFrame({"city_id": "london", "area_code": ["W", "E", "TINY"],
                          "geometry_wkt": [west.wkt, east.wkt, box(-0.0201, 51.52, -0.02, 51.5201).wkt]})
    out = area_cells(areas, 8)
    assert list(out.columns) == ["city_id", "area_code", "cell"]
    assert out["cell"].is_unique
    assert set(out.loc[out["area_code"] == "W", "cell"]) == set(h3.geo_to_cells(west.__geo_interface__, 8))
    assert "TINY" not in set(out["area_code"])  # smaller than a cell and holding no centre: no cell
    assert area_cells(areas.iloc[:0], 8).empty
    broken = pd.concat([areas, pd.DataFrame({"city_id": "london", "area_code": ["NONE", "BAD"],
                                             "geometry_wkt": [None, "POLYGON ((0 0"]})], ignore_index=True)
    assert area_cells(broken, 8).equals(out)  # unreadable boundaries give no cells, never an error


def test_cells_geojson_has_one_polygon_per_distinct_cell() -> None:
    some = [h3.latlng_to_cell(51.5, -0.1, 8), h3.latlng_to_cell(51.6, -0.1, 8)]
    fc = cells_geojson([some[0], some[1], some[0]])
    assert fc["type"] == "FeatureCollection"
    assert [f["id"] for f in fc["features"]] == some
    ring = fc["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 7 and ring[0] == ring[-1]
    lng, lat = np.mean(ring[:-1], axis=0)
    assert h3.latlng_to_cell(lat, lng, 8) == some[0]  # [lon, lat] order, as GeoJSON wants


def test_index_points_bench_reports_identical_results() -> None:
    spec = importlib.util.spec_from_file_location("bench_h3", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.index_points(20_000, seed=1)
    assert out["identical"] is True and out["points"] == 20_000 and out["loop_measured_on"] == 20_000
    assert out["vectorised_s"] > 0 and out["per_row_loop_s"] > 0
