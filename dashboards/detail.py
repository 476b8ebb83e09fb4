"""The level of detail of a city's map and series for the viewer (``scn.privacy.levels``): staff the published
cells by month; an official the finest level of cells, areas or the whole city, by month, quarter or year, at
which every count can be shown. The views are built here from the published tables, lazily (a coarser level is
built only when the finer ones fail); the choice is cached per snapshot, city, count and audience.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely

from dashboards import data
from geo.h3index import centres, parents
from scn.privacy.levels import (
    LEVELS,
    Choice,
    View,
    choose,
    grain_of,
    period_at,
    place_of,
    resolution_of,
    rule_key,
)


@lru_cache(maxsize=32)
def _areas(snap: str, city_id: str) -> pd.DataFrame:
    """The city's areas with geometry (shapely), name, population and a label point; empty without outlines."""
    areas = data.table("areas", city_id)
    if areas.empty or "geometry_wkt" not in areas.columns:
        return pd.DataFrame(columns=["area_code", "area_name", "population", "geometry", "lat", "lon"])
    wkt = areas["geometry_wkt"].astype(object)
    geoms = shapely.from_wkt(wkt.where(wkt.notna(), None).to_numpy(), on_invalid="ignore")
    points = shapely.point_on_surface(geoms)
    names = areas["area_name"] if "area_name" in areas.columns else areas["area_code"]
    out = pd.DataFrame({"area_code": areas["area_code"].astype(str).to_numpy(),
                        "area_name": names.fillna(areas["area_code"]).astype(str).to_numpy(),
                        "area_name_local": areas.get("area_name_local", pd.Series(None, index=areas.index))
                        .to_numpy(dtype=object),
                        "population": pd.to_numeric(areas.get("population", pd.Series(np.nan, index=areas.index)),
                                                    errors="coerce").to_numpy(),
                        "geometry": geoms, "lat": shapely.get_y(points), "lon": shapely.get_x(points)})
    return out[~shapely.is_missing(out["geometry"].to_numpy())].reset_index(drop=True)


def areas(city_id: str) -> pd.DataFrame:
    return _areas(data.snapshot_key(), city_id)


@lru_cache(maxsize=32)
def _cell_area(snap: str, city_id: str, cells: tuple[str, ...]) -> np.ndarray:
    """The area code of each cell (the area containing its centre; "" outside every area)."""
    found = _areas(snap, city_id)
    out = np.full(len(cells), "", dtype=object)
    if found.empty or not cells:
        return out
    xy = centres(list(cells))
    tree = shapely.STRtree(found["geometry"].to_numpy())
    cell_idx, area_idx = tree.query(shapely.points(xy["lon"].to_numpy(), xy["lat"].to_numpy()),
                                    predicate="within")
    out[cell_idx[::-1]] = found["area_code"].to_numpy()[area_idx[::-1]]  # overlapping areas: the first wins
    return out


def cell_areas(city_id: str, cells: list[str] | np.ndarray) -> np.ndarray:
    return _cell_area(data.snapshot_key(), city_id, tuple(cells))


def _leaves(city_id: str) -> pd.DataFrame:
    cm = data.table("cell_month", city_id)
    if cm.empty:
        return cm
    if "resolution" in cm.columns and cm["resolution"].nunique() > 1:
        cm = cm[cm["resolution"] == cm["resolution"].max()]
    return cm.reset_index(drop=True)


def _sum(frame: pd.DataFrame, unit: np.ndarray, metric: str, grain: str) -> pd.DataFrame:
    out = pd.DataFrame({"unit": unit, "period": period_at(frame["period"], grain),
                        metric: pd.to_numeric(frame[metric], errors="coerce").fillna(0).to_numpy()})
    return out.groupby(["unit", "period"], as_index=False, sort=True)[metric].sum()


def views(city_id: str, metric: str, leaves: pd.DataFrame) -> Iterator[View]:
    """The city's levels of ``metric``, finest first (see ``scn.privacy.levels.LEVELS``)."""
    cells = leaves["cell"].to_numpy(dtype=object) if len(leaves) else np.array([], dtype=object)
    for level in LEVELS:
        place, grain = place_of(level), grain_of(level)
        if place == "cell":
            if leaves.empty or metric not in leaves.columns:
                continue
            res = resolution_of(level) or 8
            native = int(leaves["resolution"].max()) if "resolution" in leaves.columns else 8
            unit = cells if res >= native else parents(cells, res)
            yield View(level, _sum(leaves, unit, metric, grain), None if res >= native else unit)
        elif place == "area":
            am = data.table("area_month", city_id)
            if am.empty or metric not in am.columns or "area_code" not in am.columns:
                continue
            linked = cell_areas(city_id, cells) if len(cells) and not areas(city_id).empty else None
            yield View(level, _sum(am, am["area_code"].astype(str).to_numpy(), metric, grain), linked)
        else:
            cm = data.table("city_month", city_id)
            if cm.empty or metric not in cm.columns:
                continue
            yield View(level, _sum(cm, np.full(len(cm), city_id, dtype=object), metric, grain),
                       np.full(len(cells), city_id, dtype=object) if len(cells) else None)


@lru_cache(maxsize=256)
def _choice(snap: str, city_id: str, metric: str, audience: str, rule: tuple) -> Choice:
    leaves = _leaves(city_id)
    return choose(views(city_id, metric, leaves), leaves, metric, audience)


def choice(city_id: str, metric: str, audience: str) -> Choice:
    """The level ``audience`` sees of ``metric`` in ``city_id`` (cached per snapshot)."""
    return _choice(data.snapshot_key(), city_id, metric, audience, rule_key())


def population(city_id: str, level: str, units: pd.Series) -> np.ndarray:
    """Residents of each unit where known (areas: ``areas.population``; the city: ``cities.population``; cells:
    ``cell_month.population`` of the published cells), else NaN."""
    place = place_of(level)
    if place == "area":
        pop = areas(city_id).set_index("area_code")["population"]
    elif place == "city":
        cities = data.table("cities", city_id)
        pop = pd.Series(pd.to_numeric(cities.get("population", pd.Series(dtype="float64")), errors="coerce")
                        .to_numpy(), index=cities.get("city_id", pd.Series(dtype=object)).to_numpy())
    else:
        cm = _leaves(city_id)
        if cm.empty or "population" not in cm.columns or (resolution_of(level) or 8) != 8:
            return np.full(len(units), np.nan)
        pop = pd.to_numeric(cm.drop_duplicates("cell").set_index("cell")["population"], errors="coerce")
    pop = pop[~pop.index.duplicated()]
    return pop.reindex(units.astype(str).to_numpy()).to_numpy(dtype="float64")
