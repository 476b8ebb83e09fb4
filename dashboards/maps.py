"""Offline Plotly maps (``map_style="white-bg"``: no token, no tile server) of H3 cells, areas and members.

Cells are aggregated to coarser resolutions with their H3 parents; the cells x months matrix and the cell
polygons are computed once per (snapshot, city, resolution), so a period change only picks a column. The values
shown are that column as a ``cell_month`` frame shaped by ``scn.privacy.disclosure.for_audience`` (after the
aggregation: a suppressed count is never summed), with the month's rows at every cell size, so a parent that would
give a hidden cell back by differencing is hidden as well.
"""

from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import quote

import h3
import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import shapely

from dashboards import data
from geo.h3index import cells_geojson, parents
from scn.privacy.disclosure import for_audience

CELL_METRICS = ("flagged_posts", "crimes", "hate_crimes")
RESOLUTIONS = (8, 7, 6)


@lru_cache(maxsize=64)
def cell_matrix(snap: str, city_id: str, res: int, metric: str) -> pd.DataFrame:
    """Cells (index, at ``res`` or finer when the data are coarser) x periods (columns) of one count."""
    cm = data.table("cell_month", city_id)
    if cm.empty or metric not in cm.columns:
        return pd.DataFrame()
    native = int(cm["resolution"].max()) if "resolution" in cm.columns else res
    if res < native:
        uniq = cm["cell"].unique()
        cm = cm.assign(cell=cm["cell"].map(dict(zip(uniq, parents(list(uniq), res), strict=True))))
    return cm.pivot_table(index="cell", columns="period", values=metric, aggfunc="sum", fill_value=0,
                          observed=True)


@lru_cache(maxsize=32)
def geojson_bytes(snap: str, city_id: str, res: int) -> bytes:
    """Cell polygons of one city at ``res`` as GeoJSON bytes (served at ``/geojson/<city>/<res>.json``)."""
    matrix = cell_matrix(snap, city_id, res, CELL_METRICS[0])
    return json.dumps(cells_geojson(list(matrix.index)), separators=(",", ":")).encode()


def geojson_url(city_id: str, res: int) -> str:
    """Where the browser fetches the polygons: cached there, so a re-render sends only cell ids and values."""
    return f"/geojson/{quote(city_id)}/{res}.json?v={quote(data.snapshot_info().get('snapshot_id', ''))}"


@lru_cache(maxsize=64)
def extent(snap: str, city_id: str, res: int) -> tuple[dict, float]:
    """Map centre and a zoom that fits the city's cells into a ~900 x 480 px map."""
    cells = cell_matrix(snap, city_id, res, CELL_METRICS[0]).index
    lat, lon = np.array([h3.cell_to_latlng(c) for c in cells]).T
    span_lon, span_lat = max(np.ptp(lon), 0.01), max(np.ptp(lat), 0.01)
    zoom = min(np.log2(360 / span_lon * 900 / 256), np.log2(170 / span_lat * 480 / 256)) - 0.4
    return {"lat": float((lat.min() + lat.max()) / 2), "lon": float((lon.min() + lon.max()) / 2)}, float(zoom)


def periods(city_id: str) -> list[str]:
    cm = data.table("cell_month", city_id)
    return sorted(cm["period"].unique()) if "period" in cm.columns else []


def _values(matrix: pd.DataFrame, city_id: str, metric: str, period: str | None, res: int,
            audience: str) -> np.ndarray:
    """One month of the matrix as ``cell_month`` rows shaped for ``audience``, in the matrix's cell order.

    The month is shaped at every cell size at once (the published cells with their summed parents), so the
    disclosure function sees what an official could set side by side: a parent that would give a hidden cell
    back by differencing is hidden too."""
    frames = []
    for r in RESOLUTIONS:
        m = matrix if r == res else cell_matrix(data.snapshot_key(), city_id, r, metric)
        col = m[period].to_numpy() if period in m.columns else np.zeros(len(m), dtype="int64")
        frames.append(pd.DataFrame({"city_id": city_id, "cell": m.index, "resolution": r, "period": period,
                                    metric: col}))
    frame = pd.concat(frames, ignore_index=True)
    shown = for_audience("cell_month", frame, audience)[metric][(frame["resolution"] == res).to_numpy()]
    return shown.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _center(city_id: str) -> dict | None:
    city = data.table("cities", city_id)
    if city.empty:
        return None
    return {"lat": float(city["lat"].iloc[0]), "lon": float(city["lon"].iloc[0])}


def _layout(fig: go.Figure, city_id: str, zoom: float, center: dict | None = None) -> go.Figure:
    fig.update_layout(map={"style": "white-bg", "center": center or _center(city_id), "zoom": zoom},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=480, uirevision=city_id)
    return fig


def cell_figure(city_id: str, metric: str, period: str | None, res: int, audience: str,
                title: str = "") -> go.Figure | None:
    """Choropleth of one count per H3 cell for one month; None when the city has no cell data."""
    matrix = cell_matrix(data.snapshot_key(), city_id, res, metric)
    if matrix.empty:
        return None
    fig = go.Figure(go.Choroplethmap(
        geojson=geojson_url(city_id, res), locations=matrix.index, featureidkey="id",
        z=_values(matrix, city_id, metric, period, res, audience), colorscale="OrRd", zmin=0,
        marker={"opacity": 0.75, "line": {"width": 0.3, "color": "#888"}},
        colorbar={"title": {"text": title}}, hovertemplate="%{location}<br>%{z}<extra></extra>"))
    return _layout(fig, city_id, *reversed(extent(data.snapshot_key(), city_id, res)))


def cell_values(city_id: str, metric: str, period: str | None, res: int, audience: str) -> list:
    """The z values of :func:`cell_figure` for another month (a Patch of the existing figure)."""
    matrix = cell_matrix(data.snapshot_key(), city_id, res, metric)
    return [None if np.isnan(v) else v for v in _values(matrix, city_id, metric, period, res, audience)]


def area_geojson(areas: pd.DataFrame) -> dict:
    """GeoJSON of area outlines (feature id = area_code) from ``geometry_wkt`` (vectorised with shapely)."""
    geoms = shapely.to_geojson(shapely.from_wkt(areas["geometry_wkt"].to_numpy()))
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code, "properties": {}, "geometry": json.loads(g)}
        for code, g in zip(areas["area_code"], geoms, strict=True)]}


def risk_figure(city_id: str, audience: str, title: str = "") -> go.Figure | None:
    """Areas coloured by their risk score; None when risk or area outlines are not published."""
    risk = for_audience("risk", data.table("risk", city_id), audience)
    areas = for_audience("areas", data.table("areas", city_id), audience)
    if risk.empty or areas.empty or "geometry_wkt" not in areas.columns:
        return None
    merged = areas.merge(risk[["area_code", "score", "rank"]], on="area_code", how="inner")
    if merged.empty:
        return None
    names = merged["area_name"] if "area_name" in merged.columns else merged["area_code"]
    fig = go.Figure(go.Choroplethmap(
        geojson=area_geojson(merged), locations=merged["area_code"], z=merged["score"], featureidkey="id",
        colorscale="YlOrRd", zmin=0, zmax=1, text=names, marker={"opacity": 0.7, "line": {"width": 0.5}},
        colorbar={"title": {"text": title}}, hovertemplate="%{text}<br>%{z:.2f}<extra></extra>"))
    return _layout(fig, city_id, 10)


def member_figure(cities: pd.DataFrame) -> go.Figure:
    """Member cities on an offline base map, coloured by SCN region."""
    fig = px.scatter_map(cities, lat="lat", lon="lon", hover_name="name", color="region",
                         map_style="white-bg", zoom=0.7, height=440)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, legend={"orientation": "h"})
    return fig
