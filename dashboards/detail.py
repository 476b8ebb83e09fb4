"""The level of detail of a city's map and series for the viewer (``scn.privacy.levels``): staff the published
cells by month; an official the finest level of cells, areas or the whole city, by month, quarter or year, at
which every count can be shown. The official's choice is made when the snapshot is published (its ``levels``
table, ``scn.privacy.published_levels``): only the chosen level is built here. A snapshot without that table (or
published under another rule) is chosen here, lazily (a coarser level is built only when the finer ones fail).
Choices are cached per snapshot, city, count and audience.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely

from dashboards import data
from scn.privacy import published_levels
from scn.privacy.levels import (
    LEVELS,
    SMALL,
    Choice,
    View,
    choose,
    parts_at,
    perturbed,
    place_of,
    resolution_of,
    rule_key,
)
from scn.privacy.pseudonyms import perturbation_key
from scn.settings import settings


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
    return published_levels.cells_in_areas(cells, found["area_code"].to_numpy(dtype=object),
                                           found["geometry"].to_numpy())


def cell_areas(city_id: str, cells: list[str] | np.ndarray) -> np.ndarray:
    return _cell_area(data.snapshot_key(), city_id, tuple(cells))


def _leaves(city_id: str) -> pd.DataFrame:
    return published_levels.leaves_of(data.table("cell_month", city_id))


def views(city_id: str, metric: str, leaves: pd.DataFrame, levels: Iterable[str] = LEVELS) -> Iterator[View]:
    """The city's levels of ``metric``, finest first (see ``scn.privacy.levels.LEVELS``)."""
    def cell_area(cells: np.ndarray) -> np.ndarray | None:
        return None if areas(city_id).empty else cell_areas(city_id, cells)

    return published_levels.views(city_id, metric, leaves, lambda name: data.table(name, city_id), cell_area,
                                  levels)


@lru_cache(maxsize=256)
def _choice(snap: str, city_id: str, metric: str, audience: str, rule: tuple, k: int) -> Choice:
    leaves = _leaves(city_id)
    if audience == published_levels.AUDIENCE:  # chosen at publish time: build that level only
        found = published_levels.published_choice(
            data.table(published_levels.TABLE, city_id), metric, leaves,
            lambda level: next(views(city_id, metric, leaves, (level,)), None), k)
        if found is not None:
            return found
    return choose(views(city_id, metric, leaves), leaves, metric, audience, k)


def choice(city_id: str, metric: str, audience: str) -> Choice:
    """The level ``audience`` sees of ``metric`` in ``city_id`` (cached per snapshot)."""
    k = settings().suppress_below
    return _choice(data.snapshot_key(), city_id, metric, audience, rule_key(k), k)


@lru_cache(maxsize=256)
def _shown(snap: str, city_id: str, metric: str, audience: str, rule: tuple, k: int, key: bytes) -> Choice:
    chosen = _choice(snap, city_id, metric, audience, rule, k)
    return chosen if audience == "staff" else perturbed(chosen, city_id, metric, k, key)


def shown(city_id: str, metric: str, audience: str) -> Choice:
    """``choice`` with its counts as ``audience`` is shown them: an official's perturbed (``levels.perturbed``,
    docs/security.md, "Consistent perturbation"); the rules (``official_parts``) read ``choice``, the true counts."""
    if audience == "staff":
        return choice(city_id, metric, audience)
    k = settings().suppress_below
    return _shown(data.snapshot_key(), city_id, metric, audience, rule_key(k), k, perturbation_key())


def key_for(audience: str) -> bytes | None:
    """The key ``for_audience`` perturbs an official's counts with (``scn.privacy.pseudonyms.perturbation_key``);
    None for staff, who see the true counts."""
    return None if audience == "staff" else perturbation_key()


def official_parts(name: str, rows: pd.DataFrame, city_id: str, metric: str) -> pd.DataFrame:
    """Rows of ``name`` that split the city's monthly totals of ``metric`` (``target_month``) as the city's official
    may see them: at the level chosen for that count, never finer (``scn.privacy.levels.parts_at``)."""
    chosen = choice(city_id, metric, published_levels.AUDIENCE)
    leaves = _leaves(city_id)
    view = None if chosen.reason == "no_data" else next(views(city_id, metric, leaves, (chosen.level,)), None)
    return parts_at(name, rows, metric, chosen, view, leaves, settings().suppress_below, perturbation_key())


def hidden_kind(*choices: Choice) -> str:
    """Why the hidden counts of ``choices`` are hidden (``scn.privacy.levels.SMALL``), as the suffix of the
    sentence saying so: "" when each is itself fewer than k (or none is hidden), else "_mixed": fewer than k, or
    hidden so that the small counts beneath cannot be worked out, without saying which count is which (one known
    to be k or more beside one known to be small would narrow both down from a shown total)."""
    small: list[bool] = []
    for c in choices:
        frame = c.frame
        metric = next((col for col in frame.columns if col not in ("unit", "period", SMALL)), None)
        if metric is not None and SMALL in frame.columns:
            small += frame.loc[frame[metric].isna().to_numpy(), SMALL].astype(bool).tolist()
    return "_mixed" if small and not all(small) else ""


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
