"""Offline Plotly maps (MapLibre, a style dict from ``dashboards.basemap``: no token, nothing fetched from the
internet) of H3 cells, areas and members, over Natural Earth land with the city's area outlines and names.

Cells are aggregated to coarser resolutions with their H3 parents; the cells x months matrix and the cell
polygons are computed once per (snapshot, city, resolution), so a period change only picks a column. Staff see
that column; an official sees the one level of detail ``dashboards.detail`` chooses for the city and count
(``scn.privacy.levels``: the finest cells/areas/city by month/quarter/year at which every count is shown), so
the official's map has no hole and no two levels to set against each other. For staff the column is still passed
through ``scn.privacy.disclosure.for_audience`` with the month's rows at every cell size.
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

from dashboards import basemap, data, detail, i18n
from dashboards.plotly_text import plotly_text, plotly_texts
from geo.h3index import cells_geojson, centres, parents
from geo.risk import BANDS
from scn.privacy.disclosure import for_audience
from scn.settings import settings

CELL_METRICS = ("flagged_posts", "crimes", "hate_crimes")
RESOLUTIONS = (8, 7, 6)
# an official's map is the one level dashboards.detail chooses (issue 21); False gives officials the cell sizes
# with their disclosure control instead (the views before issue 21: the security tests' control of the attack)
OFFICIAL_LEVELS = True
WORLD = (960, 480)  # width, height (px) of the member map
AREA_SIMPLIFY_DEG = 0.0002  # ~15-20 m, under a pixel of a city map: area outlines keep a few vertices per border


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
    shown = for_audience("cell_month", frame, audience, k=settings().suppress_below,
                         min_group=settings().min_group,
                         key=detail.key_for(audience))[metric][(frame["resolution"] == res).to_numpy()]
    return shown.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _center(city_id: str) -> dict | None:
    city = data.table("cities", city_id)
    if city.empty:
        return None
    return {"lat": float(city["lat"].iloc[0]), "lon": float(city["lon"].iloc[0])}


@lru_cache(maxsize=64)
def bounds(snap: str, city_id: str) -> tuple[float, float, float, float]:
    """West, south, east, north of the city: its areas, else its cells, else a box around its centre."""
    found = detail.areas(city_id)
    if len(found):
        w, s, e, n = shapely.total_bounds(found["geometry"].to_numpy())
        return float(w), float(s), float(e), float(n)
    cells = cell_matrix(snap, city_id, RESOLUTIONS[-1], CELL_METRICS[0])
    if len(cells):
        xy = centres(list(cells.index))
        return (float(xy["lon"].min()) - 0.05, float(xy["lat"].min()) - 0.05, float(xy["lon"].max()) + 0.05,
                float(xy["lat"].max()) + 0.05)
    c = _center(city_id) or {"lat": 0.0, "lon": 0.0}
    return c["lon"] - 0.2, c["lat"] - 0.2, c["lon"] + 0.2, c["lat"] + 0.2


def _names(city_id: str, lang: str | None) -> go.Scattermap:
    """The areas' names at a point inside each area (text drawn by MapLibre with the app's own glyphs: Latin
    ranges only, and MapLibre would not shape Arabic without its RTL plugin, so the name, not the local one; the
    hover, drawn by the browser, gives the local name on the Arabic page)."""
    found = detail.areas(city_id)
    # numpy arrays, strings as fixed-width str, not Series, lists or objects: Plotly validates a list item by item
    # and deep-copies object arrays element by element (4,835 London areas: ~250 ms a figure, now ~40 ms)
    return go.Scattermap(lat=found["lat"].to_numpy(), lon=found["lon"].to_numpy(), mode="text",
                         text=np.asarray(found["area_name"].to_numpy(), dtype=str),
                         textfont={"family": basemap.FONT, "size": 11, "color": "#1d2731"}, hoverinfo="skip",
                         showlegend=False, name="areas")


def _area_labels(found: pd.DataFrame, lang: str | None) -> list[str]:
    """Area names as shown on the map: the local-script name on the page in that script, else the name."""
    local = found.get("area_name_local", pd.Series(None, index=found.index)).astype(object)
    use_local = (lang == "ar") & local.notna().to_numpy() & local.astype(str).str.contains("[\u0600-\u06ff]",
                                                                                         regex=True).to_numpy()
    return list(np.where(use_local, local.astype(str).to_numpy(), found["area_name"].to_numpy()))


def _layout(fig: go.Figure, city_id: str, zoom: float, center: dict | None = None,
            lang: str | None = "en") -> go.Figure:
    """The city map's frame: Natural Earth land, the operator's tiles if any, the area outlines (fetched once
    from ``/geojson/<city>/areas.json``) and, drawn over everything, the areas' names."""
    layers = []
    if len(detail.areas(city_id)):
        fig.add_trace(_names(city_id, lang))
        # a layout layer is drawn above every trace: the outlines stay visible over the cells
        layers.append({"sourcetype": "geojson", "source": area_geojson_url(city_id), "type": "line",
                       "color": "#33414e", "line": {"width": 1.2}, "name": "area-outlines"})
    style = basemap.style(bounds(data.snapshot_key(), city_id))
    fig.update_layout(map={"style": style, "center": center or _center(city_id), "zoom": zoom, "layers": layers},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=480, uirevision=city_id)
    return fig


def _hover(metric_words: str, rates: bool) -> str:
    rate = "%{customdata}" if rates else ""
    return "<b>%{text}</b><br>" + metric_words + ": %{z:,.0f}" + rate + "<extra></extra>"


def _scale(top: float) -> dict:
    """A colour scale from 0 to the level's largest count (over all its periods: stable while the month moves)."""
    top = pd.to_numeric(pd.Series([top], dtype=object), errors="coerce").astype("float64").iloc[0]  # NA: all hidden
    return {"colorscale": "OrRd", "zmin": 0, "zmax": max(float(np.nan_to_num(top)), 1.0)}


def cell_figure(city_id: str, metric: str, period: str | None, res: int, audience: str,
                title: str = "", lang: str | None = "en") -> go.Figure | None:
    """Choropleth of one count per H3 cell for one month (staff; an official gets :func:`level_figure`); None
    when the city has no cell data. The hover names the area of the cell's centre and the count."""
    if audience != "staff" and OFFICIAL_LEVELS:
        return level_figure(city_id, metric, period, title, lang)
    matrix = cell_matrix(data.snapshot_key(), city_id, res, metric)
    if matrix.empty:
        return None
    names = _unit_names(data.snapshot_key(), city_id, f"cell{res}_month", tuple(matrix.index), lang or "en")
    fig = go.Figure(go.Choroplethmap(
        geojson=geojson_url(city_id, res), locations=matrix.index.to_numpy(dtype=str), featureidkey="id",
        text=np.asarray(names, dtype=str),
        z=_values(matrix, city_id, metric, period, res, audience), **_scale(matrix.to_numpy().max(initial=0)),
        marker={"opacity": 0.7, "line": {"width": 0.3, "color": "#888"}},
        colorbar={"title": {"text": title}}, hovertemplate=_hover(title, False)))
    if not matrix.to_numpy().any():
        _no_data(fig, lang)
    return _layout(fig, city_id, *reversed(extent(data.snapshot_key(), city_id, res)), lang=lang)


def cell_values(city_id: str, metric: str, period: str | None, res: int, audience: str) -> list:
    """The z values of :func:`cell_figure` for another month (a Patch of the existing figure)."""
    matrix = cell_matrix(data.snapshot_key(), city_id, res, metric)
    return [None if np.isnan(v) else v for v in _values(matrix, city_id, metric, period, res, audience)]


@lru_cache(maxsize=64)
def _unit_names(snap: str, city_id: str, level: str, units: tuple[str, ...], lang: str) -> list[str]:
    """What the hover calls each unit of a level: a cell by the area of its centre, an area by its name (as Plotly
    text: ``dashboards.plotly_text``)."""
    found = detail.areas(city_id)
    if level.startswith("city") or found.empty:
        return [plotly_text(data.city_name(city_id))] * len(units)  # one name
    labels = pd.Series(_area_labels(found, lang), index=found["area_code"].to_numpy())
    labels = labels[~labels.index.duplicated()]
    codes = np.asarray(units, dtype=object) if level.startswith("area") else detail.cell_areas(city_id, units)
    named = labels.reindex(codes.astype(str))
    return list(plotly_texts(named.where(named.notna(), data.city_name(city_id))))


def _no_data(fig: go.Figure, lang: str | None) -> None:
    from dashboards.i18n import t

    fig.update_traces(showscale=False, selector={"type": "choroplethmap"})
    fig.add_annotation(text=t("map_no_data", lang), showarrow=False, x=0.5, y=0.95, xref="paper", yref="paper",
                       bgcolor="rgba(255,255,255,0.85)", font={"size": 14})


def _all_hidden(fig: go.Figure, kind: str, lang: str | None) -> None:
    """The map of a period whose every count is hidden: no colour bar, and a line saying why (``kind``: the counts
    are fewer than k, or hidden so that the small counts beneath cannot be worked out, or both)."""
    from dashboards.i18n import t
    from scn.settings import suppress_below

    fig.update_traces(showscale=False, selector={"type": "choroplethmap"})
    fig.add_annotation(text=t(f"map_all_hidden_{kind}", lang, k=suppress_below()), showarrow=False, x=0.5, y=0.95,
                       xref="paper", yref="paper", bgcolor="rgba(255,255,255,0.85)", font={"size": 14})


@lru_cache(maxsize=16)
def _city_outline(snap: str, city_id: str) -> dict:
    """The city as one shape (its areas dissolved, else its res-6 cells) with feature id = city_id."""
    found = detail.areas(city_id)
    if len(found):
        shape = shapely.union_all(found["geometry"].to_numpy())
    else:
        cells = cells_geojson(list(cell_matrix(snap, city_id, RESOLUTIONS[-1], CELL_METRICS[0]).index))
        shape = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in cells["features"]])
    shape = shapely.simplify(shape, AREA_SIMPLIFY_DEG * 5)
    return {"type": "FeatureCollection", "features": [{"type": "Feature", "id": city_id, "properties": {},
                                                       "geometry": json.loads(shapely.to_geojson(shape))}]}


def level_figure(city_id: str, metric: str, period: str | None, title: str = "",
                 lang: str | None = "en") -> go.Figure | None:
    """An official's map: ``metric`` at the level ``dashboards.detail`` chose (cells, areas or the whole city, by
    month, quarter or year) for ``period`` (a period of that level; the latest when None or unknown); a count
    the level could not show (only when even the city by year has one) is drawn grey as "fewer than k"."""
    from dashboards.i18n import count, t
    from scn.privacy.levels import SMALL, place_of, resolution_of
    from scn.words.alerts import HIDDEN_BENEATH

    choice = detail.shown(city_id, metric, "official")  # the counts perturbed (docs/security.md)
    if choice.reason == "no_data":
        return None
    frame = choice.frame
    period = period if period in choice.periods else choice.periods[-1]
    units = pd.Index(pd.unique(frame["unit"].astype(str)))
    rows = frame[frame["period"].astype(str) == period]
    values = pd.Series(rows[metric].to_numpy(dtype="float64", na_value=np.nan), index=rows["unit"].astype(str))
    z = values.reindex(units).fillna(0).where(~values.reindex(units).isna() | ~units.isin(values.index), np.nan)
    place = place_of(choice.level)
    if place == "cell":
        geojson = geojson_url(city_id, resolution_of(choice.level) or RESOLUTIONS[0])
    elif place == "area":
        geojson = area_geojson_url(city_id)
    else:
        geojson = _city_outline(data.snapshot_key(), city_id)
    names = _unit_names(data.snapshot_key(), city_id, choice.level, tuple(units), lang or "en")
    pop = detail.population(city_id, choice.level, pd.Series(units))
    rate = z.to_numpy() / pop * 10_000
    rated = np.isfinite(rate)
    per = [t("map_rate", lang, rate=r) if ok else "" for r, ok in zip(rate, rated, strict=True)]
    fig = go.Figure(go.Choroplethmap(
        geojson=geojson, locations=np.asarray(units, dtype=str), featureidkey="id", text=np.asarray(names, dtype=str),
        customdata=np.asarray(per, dtype=str), z=z.to_numpy(),
        **_scale(pd.to_numeric(frame[metric], errors="coerce").max()),
        marker={"opacity": 0.7, "line": {"width": 0.6, "color": "#666"}}, colorbar={"title": {"text": title}},
        hovertemplate=_hover(title, bool(rated.any()))))
    hidden = np.isnan(z.to_numpy())
    # why the hidden counts are hidden: each itself 1..k-1 ("fewer than k"), else one wording for both reasons
    # (fewer than k, or k or more so that the small counts beneath cannot be worked out) on every grey unit:
    # which count is which is never told (a count known to be k or more beside one known to be small would
    # narrow both down from a shown total)
    small = pd.Series(rows[SMALL].to_numpy(dtype=bool) if SMALL in rows.columns else np.ones(len(rows), dtype=bool),
                      index=rows["unit"].astype(str)).reindex(units).fillna(True).to_numpy(dtype=bool)
    every_small = bool(small[hidden].all())
    if hidden.any():  # drawn grey, the hover saying why
        why = count(None if every_small else HIDDEN_BENEATH, lang, k=settings().suppress_below)
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=units[hidden], featureidkey="id", z=np.zeros(hidden.sum()),
            text=np.asarray(names, dtype=object)[hidden], colorscale=[[0, "#bbbbbb"], [1, "#bbbbbb"]],
            showscale=False, marker={"opacity": 0.7},
            hovertemplate="<b>%{text}</b><br>" + title + ": " + why + "<extra></extra>"))
    values = pd.to_numeric(frame[metric], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    if len(z) and hidden.all():  # every count of the period hidden: an empty map that says why, not "no data"
        _all_hidden(fig, "small" if every_small else "mixed", lang)
    elif not np.nan_to_num(values).any() and not np.isnan(values).any():
        _no_data(fig, lang)
    center, zoom = _level_extent(city_id, choice.level)
    return _layout(fig, city_id, zoom, center, lang=lang)


def _level_extent(city_id: str, level: str) -> tuple[dict, float]:
    """Centre and zoom of a level's map: the cells' extent, else the areas' bounds."""
    if level.startswith("cell") or detail.areas(city_id).empty:
        cells = cell_matrix(data.snapshot_key(), city_id, RESOLUTIONS[0], CELL_METRICS[0])
        if len(cells):
            return extent(data.snapshot_key(), city_id, RESOLUTIONS[0])
    w, s, e, n = bounds(data.snapshot_key(), city_id)
    span_lon, span_lat = max(e - w, 0.01), max(n - s, 0.01)
    stretch = np.cos(np.radians((s + n) / 2))  # Web Mercator: a degree of latitude is 1/cos(lat) times taller
    zoom = min(np.log2(900 * 360 / (512 * span_lon)), np.log2(480 * 360 * stretch / (512 * span_lat))) - 0.3
    return {"lat": (s + n) / 2, "lon": (w + e) / 2}, float(zoom)


def area_geojson(areas: pd.DataFrame) -> dict:
    """GeoJSON of area outlines (feature id = area_code) from ``geometry_wkt`` (vectorised with shapely)."""
    geoms = shapely.to_geojson(shapely.from_wkt(areas["geometry_wkt"].to_numpy()))
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code, "properties": {}, "geometry": json.loads(g)}
        for code, g in zip(areas["area_code"], geoms, strict=True)]}


@lru_cache(maxsize=16)
def area_geojson_bytes(snap: str, city_id: str) -> bytes:
    """Area outlines of one city (feature id = area_code) simplified below a pixel of the city map, as GeoJSON
    bytes, built once per snapshot and served at ``/geojson/<city>/areas.json`` (the browser caches them: a
    London-size city's 4,835 published outlines are ~10 MB, too big to send inline with every risk map)."""
    areas = data.table("areas", city_id)
    if areas.empty or "geometry_wkt" not in areas.columns:
        return b'{"type":"FeatureCollection","features":[]}'
    wkt = areas["geometry_wkt"].astype(object)
    geoms = shapely.from_wkt(wkt.where(wkt.notna(), None).to_numpy(), on_invalid="ignore")
    geoms = shapely.set_precision(shapely.simplify(geoms, AREA_SIMPLIFY_DEG, preserve_topology=True), 1e-5)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    ids = pd.Series(areas["area_code"].astype(str).to_numpy()[ok]).map(json.dumps)
    features = '{"type":"Feature","id":' + ids + ',"properties":{},"geometry":' + \
        pd.Series(shapely.to_geojson(geoms[ok])) + "}"
    return ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode()


def area_geojson_url(city_id: str) -> str:
    """Where the browser fetches the area outlines (see :func:`area_geojson_bytes`)."""
    return f"/geojson/{quote(city_id)}/areas.json?v={quote(data.snapshot_info().get('snapshot_id', ''))}"


def risk_figure(city_id: str, audience: str, title: str = "", lang: str | None = "en") -> go.Figure | None:
    """Areas coloured by their risk score; None when risk or area outlines are not published. The hover gives
    the area's band in words (staff: and the score beside it)."""
    risk = for_audience("risk", data.table("risk", city_id), audience,
                        k=settings().suppress_below, min_group=settings().min_group,
                        key=detail.key_for(audience))
    areas = for_audience("areas", data.table("areas", city_id), audience,
                         k=settings().suppress_below, min_group=settings().min_group,
                         key=detail.key_for(audience))
    if risk.empty or areas.empty or "geometry_wkt" not in areas.columns:
        return None
    merged = areas[[c for c in ("area_code", "area_name") if c in areas.columns]].merge(
        risk[[c for c in ("area_code", "score", "rank", "reasons") if c in risk.columns]], on="area_code",
        how="inner")  # not the outlines' WKT
    if merged.empty:
        return None
    names = merged["area_name"] if "area_name" in merged.columns else merged["area_code"]
    bands = i18n.risk_band_codes(merged)
    # staff colour by the score; an official by the band only (the figure's data reach the browser whole: the
    # score, a probability, is not an official's to see, nor in the hover)
    floor = {name: lo for lo, name in BANDS}
    z = merged["score"].to_numpy(dtype="float64") if audience == "staff" else \
        np.array([floor.get(b, np.nan) for b in bands], dtype="float64")
    fig = go.Figure(go.Choroplethmap(
        geojson=area_geojson_url(city_id), locations=merged["area_code"].to_numpy(dtype=str),
        z=z, featureidkey="id", colorscale="YlOrRd", zmin=0, zmax=1,
        text=plotly_texts(names.fillna(merged["area_code"])).to_numpy(dtype=str),
        marker={"opacity": 0.7, "line": {"width": 0.5}},
        colorbar={"title": {"text": title}}, customdata=i18n.risk_bands(bands, lang),
        hovertemplate="%{text}<br>%{customdata}" + (" (%{z:.2f})" if audience == "staff" else "")
        + "<extra></extra>"))
    return _layout(fig, city_id, 10)


def member_figure(cities: pd.DataFrame, lang: str | None = "en") -> go.Figure:
    """Member cities on the world map (Natural Earth country outlines shipped with the app), coloured by SCN
    region; the world is drawn once (bounded: no copies side by side)."""
    shown = cities.assign(region=plotly_texts(i18n.codes("region", cities["region"], lang)),
                          name=plotly_texts(cities["name"]))
    fig = px.scatter_map(shown, lat="lat", lon="lon", hover_name="name", color="region", height=WORLD[1],
                         width=WORLD[0], labels={"region": i18n.column("region", lang)},
                         hover_data={"lat": False, "lon": False, "region": True})
    fig.update_traces(marker={"size": 9})
    # a fixed width the world fills exactly once at this zoom (512 px tiles); Plotly's map.bounds fails here
    fig.update_layout(map={"style": basemap.style(world=True), "center": {"lat": 15, "lon": 0},
                           "zoom": float(np.log2(WORLD[0] / 512))},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, legend={"orientation": "h"})
    return fig
