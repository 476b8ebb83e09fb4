"""Boundary files from the field that were read wrong: metres without a CRS, Z coordinates, an area across the
antimeridian, populations with thousands separators, a NUL in a name, an area code twice in one file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import shapely

from geo.h3index import area_cells
from geo.locate import points_to_areas
from scn import lake
from scn.ingest.parse import parse_float, parse_int
from scn.ingest.pipeline import ingest_file
from scn.ingest.result import IngestError
from tests.support.area_files import balanced


def square(x: float, y: float, d: float = 0.04) -> list[list[list[float]]]:
    return [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]


def write(tmp_path: Path, feats: list[tuple[dict, list]], name: str = "b.geojson",
          kind: str = "Polygon") -> Path:
    """A GeoJSON FeatureCollection of (properties, coordinates) features."""
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": p, "geometry": {"type": kind, "coordinates": c}}
        for p, c in feats]}))
    return path


def test_metres_without_crs_member_is_refused_naming_the_file(home: Path, tmp_path: Path) -> None:
    ring = [[[529000, 179000], [531000, 179000], [531000, 181000], [529000, 181000], [529000, 179000]]]
    path = write(tmp_path, [({"area_code": "M1"}, ring)], name="bng.geojson")
    with pytest.raises(IngestError, match=r"bng\.geojson: .*look projected \(metres\).*\"crs\" member"):
        ingest_file("boundaries", path, city_id="london")
    assert not lake.has_table("areas") or lake.read_table("areas").empty


def test_z_coordinates_are_dropped_at_ingest(home: Path, tmp_path: Path) -> None:
    ring = [[[x, y, 35.0] for x, y in square(-0.16, 51.48)[0]]]
    balanced(ingest_file("boundaries", write(tmp_path, [({"area_code": "L-3D"}, ring)]), city_id="london"))
    geom = shapely.from_wkt(lake.read_table("areas")["geometry_wkt"].iloc[0])
    assert not shapely.has_z(geom) and len(area_cells(lake.read_table("areas"), 8)) > 0


def test_one_unindexable_area_never_stops_the_other_cities(caplog: pytest.LogCaptureFixture) -> None:
    good = shapely.box(10.15, 36.79, 10.20, 36.83).wkt
    areas = pd.DataFrame({"city_id": ["london", "london", "london", "tunis"],
                          "area_code": ["L-3D", "M1", "NAN", "TN-1"],
                          "geometry_wkt": [  # stored before the fix: a Z polygon, metres, NaN
                              "POLYGON Z ((-0.16 51.48 35, -0.12 51.48 35, -0.12 51.52 35, -0.16 51.52 35, "
                              "-0.16 51.48 35))",
                              shapely.box(529000, 179000, 531000, 181000).wkt,
                              "POLYGON ((nan nan, 1 0, 1 1, nan nan))", good]})
    with caplog.at_level("WARNING", logger="geo.h3index"):
        out = area_cells(areas, 8)
    assert set(out["area_code"]) == {"L-3D", "TN-1"}
    skipped = [(s["city_id"], s["area_code"]) for s in out.attrs["skipped"]]
    assert skipped == [("london", "M1"), ("london", "NAN")]
    assert "london/M1" in caplog.text and "london/NAN" in caplog.text


def test_area_across_the_antimeridian_is_split_and_holds_its_points(home: Path, tmp_path: Path) -> None:
    unsplit = [[[179.97, -16.83], [-179.97, -16.83], [-179.97, -16.77], [179.97, -16.77], [179.97, -16.83]]]
    path = write(tmp_path, [({"area_code": "FJ-AM", "area_name": "Somosomo"}, unsplit),
                            ({"area_code": "FJ-W", "area_name": "Waiyevo"}, square(179.90, -16.83, 0.06))])
    balanced(ingest_file("boundaries", path, city_id="london"))
    areas = lake.read_table("areas").sort_values("area_code", ignore_index=True)
    am = areas.iloc[0]
    assert shapely.from_wkt(am["geometry_wkt"]).geom_type == "MultiPolygon"  # split at 180
    assert abs(am["centroid_lon"]) > 179.99 and abs(am["centroid_lat"] + 16.80) < 0.01  # not 0.00: a band
    assert shapely.from_wkt(am["geometry_wkt"]).area == pytest.approx(0.06 * 0.06, rel=1e-6)
    crimes = pd.DataFrame({"city_id": "london", "lat": [-16.80] * 3, "lon": [179.99, -179.99, 179.93]})
    assert points_to_areas(crimes, areas).tolist() == ["FJ-AM", "FJ-AM", "FJ-W"]
    assert set(area_cells(areas, 8)["area_code"]) == {"FJ-AM", "FJ-W"}


def test_population_thousands_separators_are_one_number(home: Path, tmp_path: Path) -> None:
    pops = ["12,000", "12,500", "1,234,567", "1.234.567", "12 500", "1\u202f234", "1'234", "1,5"]
    feats = [({"area_code": f"E{i}", "population": p}, square(-0.2 + 0.05 * i, 51.48))
             for i, p in enumerate(pops)]
    r = balanced(ingest_file("boundaries", write(tmp_path, feats), city_id="london"))
    assert (r.accepted, [(e["row"], e["field"]) for e in r.errors]) == (7, [(8, "population")])
    got = lake.read_table("areas").set_index("area_code")["population"].sort_index()
    assert got.tolist() == [12000, 12500, 1234567, 1234567, 12500, 1234, 1234]
    assert parse_float(pd.Series(["51,5", "-0,12"])).tolist() == [51.5, -0.12]  # coordinates: a decimal comma
    assert parse_int(pd.Series(["2,024"]))[0].tolist() == [2024]


def test_nul_in_an_area_name_quarantines_its_row(home: Path, tmp_path: Path) -> None:
    feats = [({"area_code": "L-N", "area_name": "Hay\u0000 Al-Bustan"}, square(0.04, 51.48)),
             ({"area_code": "L-OK", "area_name": "Bow"}, square(0.10, 51.48))]
    r = balanced(ingest_file("boundaries", write(tmp_path, feats), city_id="london"))
    assert (r.accepted, r.quarantined) == (1, 1)
    assert r.errors[0]["row"] == 1 and r.errors[0]["field"] == "area_name" and "NUL" in r.errors[0]["reason"]
    assert lake.read_table("areas")["area_code"].tolist() == ["L-OK"]
    raw = lake.read_table("quarantine")["raw_json"].iloc[0]
    assert json.loads(raw)["area_name"] == "Hay\u0000 Al-Bustan"  # the full value, not the reader's cut one


def test_area_code_twice_with_other_values_is_quarantined_not_a_duplicate(home: Path, tmp_path: Path) -> None:
    feats = [({"area_code": "L-DUP", "area_name": "First copy"}, square(-0.04, 51.48)),
             ({"area_code": "L-DUP", "area_name": "Second copy"}, square(0.0, 51.48)),
             ({"area_code": "L-SAME", "area_name": "Same"}, square(0.1, 51.48)),
             ({"area_code": "L-SAME", "area_name": "Same"}, square(0.1, 51.48))]
    r = balanced(ingest_file("boundaries", write(tmp_path, feats), city_id="london"))
    assert r.duplicates == 1  # equal in every value: a duplicate
    second = [e for e in r.errors if e["row"] == 2]
    assert second and "same area code" in second[0]["reason"] and "1" in second[0]["reason"]
    assert "Second copy" not in set(lake.read_table("areas")["area_name"])


def test_the_city_box_of_an_antimeridian_city_wraps(home: Path, tmp_path: Path) -> None:
    """The box the swapped-coordinates check uses was -180..180 for a city across the antimeridian (any
    swapped point lay inside it); it now wraps: a point of the city passes, its swapped twin is caught."""
    from scn.ingest.cities_known import city_box
    from scn.ingest.parse import coordinate_checks

    unsplit = [[[179.97, -16.83], [-179.97, -16.83], [-179.97, -16.77], [179.97, -16.77], [179.97, -16.83]]]
    path = write(tmp_path, [({"area_code": "FJ-AM", "area_name": "Somosomo"}, unsplit),
                            ({"area_code": "FJ-W", "area_name": "Waiyevo"}, square(179.90, -16.83, 0.06)),
                            ({"area_code": "FJ-E", "area_name": "Lovonivonu"}, square(-179.95, -16.83, 0.06))])
    balanced(ingest_file("boundaries", path, city_id="london"))
    south, west, north, east = city_box("london")
    assert west > east and west > 179 and east < -179 and south < -16.8 < north  # wraps, a few km wide
    raw = pd.DataFrame({"lat": ["-16.80", "-179.99", "-16.80"], "lon": ["-179.99", "-16.80", "179.93"]})
    checked = coordinate_checks(pd.DataFrame(index=raw.index), raw, city_box("london"))
    assert checked["lat__swapped"].tolist() == [True, False, True]  # the swapped twin is caught


def test_boundaries_resent_without_local_names_or_population_keep_them(home: Path, tmp_path: Path) -> None:
    """A partner's copy of the boundary file without the Arabic names and populations (another export of the same
    areas) keeps them: the gazetteer still places posts naming an area in Arabic; a new value still wins."""
    from scn.enrich.tables import current_areas

    full = [({"area_code": "S1", "area_name": "Old City", "name_ar": "المدينة القديمة", "population": "1,200"},
             square(35.37, 33.56)), ({"area_code": "S2", "area_name": "Harbour"}, square(35.42, 33.56))]
    ingest_file("boundaries", write(tmp_path, full, "full.geojson"), city_id="saida")
    bare = [({"area_code": c, "area_name": n}, g) for (_p, g), (c, n) in zip(full, [("S1", "Old City"),
                                                                                    ("S2", "Harbour")], strict=True)]
    ingest_file("boundaries", write(tmp_path, bare, "bare.geojson"), city_id="saida")
    got = current_areas(["saida"]).set_index("area_code")
    assert got.loc["S1", "area_name_local"] == "المدينة القديمة" and got.loc["S1", "population"] == 1200
    assert pd.isna(got.loc["S2", "population"])
    changed = [({"area_code": "S1", "area_name": "Old City", "population": "1300"}, full[0][1])]
    ingest_file("boundaries", write(tmp_path, changed, "changed.geojson"), city_id="saida")
    got = current_areas(["saida"]).set_index("area_code")
    assert got.index.tolist() == ["S1"] and got.loc["S1", "population"] == 1300  # S2 retired by the whole set
    assert got.loc["S1", "area_name_local"] == "المدينة القديمة"
