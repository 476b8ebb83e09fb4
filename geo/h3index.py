"""Vectorised H3 indexing over Arrow arrays (h3ronpy); no per-row Python loops over points, cells or areas."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import geopandas as gpd
import h3ronpy
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from h3ronpy import ContainmentMode, vector

AREA_CELL_COLUMNS = ["city_id", "area_code", "cell"]
SKIPPED_COLUMNS = ["city_id", "area_code", "reason"]
SKIPPED_SHOWN = 20  # skipped areas named in the log line
POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
log = logging.getLogger(__name__)


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


def indexable(wkt: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(2D geometries of ``geometry_wkt`` values, None where one cannot be indexed; the reason there, else
    None). Checked before h3ronpy sees them: it raises ValueError for an invalid coordinate and panics
    (PanicException, a BaseException) on a Z polygon, for every area passed with it."""
    wkt = wkt.astype(object)
    geoms = shapely.force_2d(shapely.from_wkt(wkt.where(wkt.notna(), None).to_numpy(), on_invalid="ignore"))
    reason = np.full(len(geoms), None, dtype=object)
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    bad_xy = ~(np.isfinite(xy).all(axis=1) & (np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90))
    bad = np.bincount(owner[bad_xy], minlength=len(geoms)) > 0
    reason[bad] = "coordinates not finite or outside longitude -180..180 / latitude -90..90 (projected?)"
    reason[~np.isin(shapely.get_type_id(geoms), POLYGONAL)] = "not a polygon"
    reason[shapely.is_empty(geoms)] = "empty geometry"
    reason[shapely.is_missing(geoms)] = "no geometry, or unreadable WKT"
    return np.where(pd.isna(reason), geoms, None), reason


def area_cells(areas: pd.DataFrame, res: int) -> pd.DataFrame:
    """Cells covering each area polygon (``geometry_wkt``), one area per cell: the area containing its centre.

    An area smaller than a cell may contain no cell centre and then gets no cell (see docs/geo.md). An area
    that cannot be indexed (``indexable``: no or unreadable geometry, coordinates not lon/lat) gets no cell
    either and never stops the others: it is logged naming city and area, and listed in
    ``.attrs["skipped"]`` (records of ``SKIPPED_COLUMNS``)."""
    if areas.empty:
        return pd.DataFrame(columns=AREA_CELL_COLUMNS)
    geoms, reason = indexable(areas["geometry_wkt"])
    skipped = pd.DataFrame({"city_id": areas["city_id"].to_numpy(),
                            "area_code": areas["area_code"].to_numpy(), "reason": reason})
    skipped = skipped[pd.notna(reason)].reset_index(drop=True)
    if len(skipped):
        named = skipped.head(SKIPPED_SHOWN)
        log.warning("area_cells: %d area(s) not indexed (no cells): %s%s", len(skipped),
                    "; ".join(named["city_id"].astype(str) + "/" + named["area_code"].astype(str) + ": "
                              + named["reason"]), " ..." if len(skipped) > SKIPPED_SHOWN else "")
    wkb = pa.array(shapely.to_wkb(geoms), type=pa.binary())
    covered = pa.array(vector.wkb_to_cells(wkb, res, containment_mode=ContainmentMode.ContainsCentroid))
    lengths = np.nan_to_num(np.diff(covered.offsets.to_numpy()), nan=0).astype(int)
    out = pd.DataFrame({"city_id": np.repeat(areas["city_id"].to_numpy(), lengths),
                        "area_code": np.repeat(areas["area_code"].to_numpy(), lengths),
                        "cell": _to_numpy(h3ronpy.cells_to_string(covered.flatten()))})
    out = out.drop_duplicates(["city_id", "cell"], ignore_index=True)  # overlapping polygons: first area wins
    out.attrs["skipped"] = skipped[SKIPPED_COLUMNS].astype(str).to_dict("records")  # plain: concat compares
    return out


def cells_geojson(cell_strings: Sequence[str]) -> dict:
    """GeoJSON FeatureCollection of cell polygons with feature id = cell (for Plotly choropleth maps)."""
    ids = pd.unique(pd.Series(list(cell_strings), dtype=object).dropna().to_numpy())
    if len(ids) == 0:
        return {"type": "FeatureCollection", "features": []}
    polys = shapely.from_wkb(_to_numpy(vector.cells_to_wkb_polygons(_parse(ids))))
    fc = gpd.GeoSeries(polys, index=pd.Index(ids, name="cell")).__geo_interface__
    return {"type": "FeatureCollection", "features": fc["features"]}
