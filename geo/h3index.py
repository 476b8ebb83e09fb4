"""Vectorised H3 indexing (h3ronpy over Arrow arrays; the h3 package for geometry helpers)."""

from __future__ import annotations

from collections.abc import Sequence

import h3
import h3ronpy
import numpy as np
import pandas as pd
import pyarrow as pa
from h3ronpy import vector


def cells(lat: np.ndarray, lon: np.ndarray, res: int) -> np.ndarray:
    """H3 cells (15-char hex strings) of points; None where a coordinate is missing or out of range."""
    lat = np.asarray(lat, dtype="float64")
    lon = np.asarray(lon, dtype="float64")
    out = np.full(lat.shape, None, dtype=object)
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if ok.any():
        idx = vector.coordinates_to_cells(lat[ok], lon[ok], res)
        out[ok] = pa.array(h3ronpy.cells_to_string(idx)).to_numpy(zero_copy_only=False)
    return out


def _parse(cell_strings: Sequence[str]) -> pa.Array:
    return pa.array(h3ronpy.cells_parse(pa.array(list(cell_strings), type=pa.string())))


def parents(cell_strings: Sequence[str], res: int) -> np.ndarray:
    """Parent cells at a coarser resolution (vectorised)."""
    if len(cell_strings) == 0:
        return np.array([], dtype=object)
    parsed = h3ronpy.cells_parse(pa.array(list(cell_strings), type=pa.string()))
    return pa.array(h3ronpy.cells_to_string(h3ronpy.change_resolution(parsed, res))).to_numpy(zero_copy_only=False)


def area_cells(areas: pd.DataFrame, res: int) -> pd.DataFrame:
    """Cells covering each area polygon, each cell assigned to the area containing its centre."""
    from shapely import wkt

    rows = []
    for area in areas[["city_id", "area_code", "geometry_wkt"]].itertuples(index=False):  # per area, not per row
        geom = wkt.loads(area.geometry_wkt)
        try:
            covered = h3.geo_to_cells(geom.__geo_interface__, res)
        except Exception:  # noqa: BLE001 - an unusual geometry yields no cells rather than failing the run
            covered = []
        rows.append(pd.DataFrame({"city_id": area.city_id, "area_code": area.area_code, "cell": list(covered)}))
    if not rows:
        return pd.DataFrame(columns=["city_id", "area_code", "cell"])
    return pd.concat(rows, ignore_index=True).drop_duplicates(["city_id", "cell"], ignore_index=True)


def cells_geojson(cell_strings: Sequence[str]) -> dict:
    """GeoJSON FeatureCollection of cell polygons, feature id = cell (for Plotly maps)."""
    features = []
    for c in dict.fromkeys(cell_strings):  # per distinct cell of one map
        ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(c)]
        ring.append(ring[0])
        features.append({"type": "Feature", "id": c, "properties": {},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}
