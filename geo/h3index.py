"""Vectorised H3 indexing over Arrow arrays (h3ronpy); no per-row Python loops over points, cells or areas."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import h3ronpy
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from h3ronpy import ContainmentMode, vector

AREA_CELL_COLUMNS = ["city_id", "area_code", "cell"]


def _to_numpy(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow array as a numpy array (object dtype for strings, nulls as None)."""
    return pa.array(arr).to_numpy(zero_copy_only=False)


def _parse(cell_strings: Sequence[str]) -> pa.Array:
    """H3 cell strings as h3ronpy's uint64 cell array."""
    return h3ronpy.cells_parse(pa.array(np.asarray(cell_strings, dtype=object), type=pa.string()))


def cells(lat: np.ndarray, lon: np.ndarray, res: int) -> np.ndarray:
    """H3 cells (15-char hex strings) of points; None where a coordinate is missing or out of range."""
    lat = np.asarray(lat, dtype="float64")
    lon = np.asarray(lon, dtype="float64")
    out = np.full(lat.shape, None, dtype=object)
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if ok.any():
        idx = vector.coordinates_to_cells(lat[ok], lon[ok], res)
        out[ok] = _to_numpy(h3ronpy.cells_to_string(idx))
    return out


def parents(cell_strings: Sequence[str], res: int) -> np.ndarray:
    """Parent cells at a coarser resolution ``res`` (vectorised; None stays None)."""
    values = np.asarray(cell_strings, dtype=object)
    out = np.full(values.shape, None, dtype=object)
    ok = pd.notna(values)
    if ok.any():
        out[ok] = _to_numpy(h3ronpy.cells_to_string(h3ronpy.change_resolution(_parse(values[ok]), res)))
    return out


def centres(cell_strings: Sequence[str]) -> pd.DataFrame:
    """Centre latitude and longitude of each cell (vectorised)."""
    batch = pa.record_batch(vector.cells_to_coordinates(_parse(cell_strings)))
    return pd.DataFrame({"lat": _to_numpy(batch.column("lat")), "lon": _to_numpy(batch.column("lng"))})


def neighbour_pairs(cell_strings: Sequence[str]) -> pd.DataFrame:
    """Pairs (focal, neighbor) of distinct given cells that share an edge (H3 ring 1), vectorised."""
    ids = pd.unique(np.asarray(cell_strings, dtype=object))
    if len(ids) == 0:
        return pd.DataFrame(columns=["focal", "neighbor"])
    rings = pa.array(h3ronpy.grid_disk(_parse(ids), 1))  # list per cell: itself + its 6 (5) neighbours
    lengths = np.diff(rings.offsets.to_numpy())
    pairs = pd.DataFrame({"focal": np.repeat(ids, lengths),
                          "neighbor": _to_numpy(h3ronpy.cells_to_string(rings.flatten()))})
    pairs = pairs[(pairs["focal"] != pairs["neighbor"]) & pairs["neighbor"].isin(ids)]
    return pairs.reset_index(drop=True)


def area_cells(areas: pd.DataFrame, res: int) -> pd.DataFrame:
    """Cells covering each area polygon (``geometry_wkt``), one area per cell: the area containing its centre.

    An area smaller than a cell may contain no cell centre and then gets no cell (see docs/geo.md)."""
    if areas.empty:
        return pd.DataFrame(columns=AREA_CELL_COLUMNS)
    wkt = areas["geometry_wkt"].astype(object)
    geoms = shapely.from_wkt(wkt.where(wkt.notna(), None).to_numpy(), on_invalid="ignore")  # bad WKT -> None
    wkb = pa.array(shapely.to_wkb(geoms), type=pa.binary())
    covered = pa.array(vector.wkb_to_cells(wkb, res, containment_mode=ContainmentMode.ContainsCentroid))
    lengths = np.nan_to_num(np.diff(covered.offsets.to_numpy()), nan=0).astype(int)
    out = pd.DataFrame({"city_id": np.repeat(areas["city_id"].to_numpy(), lengths),
                        "area_code": np.repeat(areas["area_code"].to_numpy(), lengths),
                        "cell": _to_numpy(h3ronpy.cells_to_string(covered.flatten()))})
    return out.drop_duplicates(["city_id", "cell"], ignore_index=True)  # overlapping polygons: first area wins


def cells_geojson(cell_strings: Sequence[str]) -> dict:
    """GeoJSON FeatureCollection of cell polygons with feature id = cell (for Plotly choropleth maps)."""
    ids = pd.unique(pd.Series(list(cell_strings), dtype=object).dropna().to_numpy())
    if len(ids) == 0:
        return {"type": "FeatureCollection", "features": []}
    polys = shapely.from_wkb(_to_numpy(vector.cells_to_wkb_polygons(_parse(ids))))
    fc = gpd.GeoSeries(polys, index=pd.Index(ids, name="cell")).__geo_interface__
    return {"type": "FeatureCollection", "features": fc["features"]}
