"""Synthetic city geography: H3 cells on a disc around the real centre, Voronoi areas, population, points."""

from __future__ import annotations

from dataclasses import dataclass

import h3
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from scn.demo.names import area_names
from scn.demo.spec import H3_RES

KM_PER_DEG_LAT = 110.574


@dataclass
class CityGeo:
    """One city's cells (sorted), their centres, population and area, and the area polygons."""

    city_id: str
    lat0: float
    lon0: float
    cells: np.ndarray  # str, sorted
    cell_lat: np.ndarray
    cell_lon: np.ndarray
    cell_inradius_km: np.ndarray
    cell_pop: np.ndarray  # int64
    cell_area: np.ndarray  # index into areas
    areas: pd.DataFrame  # area_code, area_name, area_name_local, population, geometry (shapely, lon/lat)
    seeds_xy: np.ndarray  # Voronoi seeds in local km

    @property
    def pop_share(self) -> np.ndarray:
        return self.cell_pop / self.cell_pop.sum()

    def km_per_deg_lon(self) -> float:
        return 111.320 * np.cos(np.radians(self.lat0))

    def to_xy(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        return np.column_stack([(lon - self.lon0) * self.km_per_deg_lon(), (lat - self.lat0) * KM_PER_DEG_LAT])

    def area_of(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Index of the area containing each point (nearest Voronoi seed = the containing Voronoi polygon)."""
        return cKDTree(self.seeds_xy).query(self.to_xy(lat, lon))[1]

    def points_in_cells(self, cell_idx: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Random points strictly inside the given cells (within 85% of each hexagon's inscribed radius)."""
        r = self.cell_inradius_km[cell_idx] * 0.85 * np.sqrt(rng.random(len(cell_idx)))
        theta = rng.random(len(cell_idx)) * 2 * np.pi
        lat = self.cell_lat[cell_idx] + r * np.sin(theta) / KM_PER_DEG_LAT
        lon = self.cell_lon[cell_idx] + r * np.cos(theta) / self.km_per_deg_lon()
        return np.round(lat, 6), np.round(lon, 6)


def radius_km(population: float) -> float:
    """Radius of the simulated urban disc: 2.5 km for small towns up to 8.5 km for megacities."""
    return float(min(8.5, 2.5 + 0.9 * np.log2(max(population, 1e5) / 1e5)))


def _disc(lat0: float, lon0: float, r_km: float, n: int = 96) -> list[tuple[float, float]]:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    lat = lat0 + r_km * np.sin(t) / KM_PER_DEG_LAT
    lon = lon0 + r_km * np.cos(t) / (111.320 * np.cos(np.radians(lat0)))
    return list(zip(lat.tolist(), lon.tolist(), strict=True))


def build_city(city: pd.Series, n_areas_range: tuple[int, int], rng: np.random.Generator) -> CityGeo:
    """Cells, areas and population of one registry city."""
    lat0, lon0 = float(city["lat"]), float(city["lon"])
    pop_total = float(city["population"]) if pd.notna(city["population"]) else 200_000.0
    r = radius_km(pop_total)
    cells = np.array(sorted(h3.polygon_to_cells(h3.LatLngPoly(_disc(lat0, lon0, r)), H3_RES)))
    centres = np.array([h3.cell_to_latlng(c) for c in cells])  # a few hundred distinct cells
    # inscribed radius: distance from the centre to the nearest boundary vertex times cos(30 degrees)
    inradius = np.array([min(h3.great_circle_distance(h3.cell_to_latlng(c), v, unit="km")
                             for v in h3.cell_to_boundary(c)) for c in cells]) * np.cos(np.pi / 6)
    geo = CityGeo(str(city["city_id"]), lat0, lon0, cells, centres[:, 0], centres[:, 1], inradius,
                  np.zeros(len(cells), dtype=np.int64), np.zeros(len(cells), dtype=np.int64), pd.DataFrame(),
                  np.zeros((0, 2)))
    # population: denser towards the centre, lumpy
    d = np.hypot(*geo.to_xy(geo.cell_lat, geo.cell_lon).T)
    w = np.exp(-d / (r / 2)) * rng.lognormal(0, 0.5, len(cells))
    geo.cell_pop = np.maximum(1, np.round(pop_total * w / w.sum())).astype(np.int64)
    # areas: Voronoi cells of random seeds, clipped to a disc that covers every hexagon whole
    n_areas = int(rng.integers(n_areas_range[0], n_areas_range[1] + 1))
    ang = rng.random(n_areas) * 2 * np.pi
    rad = r * np.sqrt(rng.random(n_areas))
    geo.seeds_xy = np.column_stack([rad * np.cos(ang), rad * np.sin(ang)])
    outer = shapely.Point(0, 0).buffer(r + 1.0, quad_segs=24)
    vor = shapely.voronoi_polygons(shapely.MultiPoint(geo.seeds_xy), extend_to=outer, ordered=True)
    polys = shapely.intersection(np.asarray(shapely.get_parts(vor)), outer)
    kx, ky = geo.km_per_deg_lon(), KM_PER_DEG_LAT
    polys = shapely.transform(polys, lambda xy: np.column_stack([lon0 + xy[:, 0] / kx, lat0 + xy[:, 1] / ky]))
    polys = shapely.set_precision(polys, 1e-6)
    geo.cell_area = geo.area_of(geo.cell_lat, geo.cell_lon)
    names = area_names(geo.city_id, str(city["country_code"]), n_areas, rng)
    names["population"] = np.bincount(geo.cell_area, weights=geo.cell_pop, minlength=n_areas).astype(np.int64)
    names["geometry"] = polys
    geo.areas = names
    return geo
