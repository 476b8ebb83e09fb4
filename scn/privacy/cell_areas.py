"""Which area each H3 cell lies in (its centre's), from the areas' outlines: one matching for the published
levels (``scn.privacy.published_levels``), the dashboards' cell details and the alert rule's sums of an area's
cells (``scn.privacy.disclosure``)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import shapely

from geo.h3index import centres


def area_shapes(areas: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The areas' codes and outlines (shapely, from ``geometry_wkt``), those without an outline left out."""
    if areas.empty or "geometry_wkt" not in areas.columns:
        return np.array([], dtype=object), np.array([], dtype=object)
    wkt = areas["geometry_wkt"].astype(object)
    geoms = shapely.from_wkt(wkt.where(wkt.notna(), None).to_numpy(), on_invalid="ignore")
    keep = ~shapely.is_missing(geoms)
    return areas["area_code"].astype(str).to_numpy(dtype=object)[keep], geoms[keep]


def cells_in_areas(cells: Iterable[str], codes: np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """The area code of each cell (the area containing its centre; "" outside every area)."""
    cells = list(cells)
    out = np.full(len(cells), "", dtype=object)
    if not len(geoms) or not cells:
        return out
    xy = centres(cells)
    tree = shapely.STRtree(geoms)
    cell_idx, area_idx = tree.query(shapely.points(xy["lon"].to_numpy(), xy["lat"].to_numpy()), predicate="within")
    out[cell_idx[::-1]] = np.asarray(codes, dtype=object)[area_idx[::-1]]  # overlapping areas: the first wins
    return out
