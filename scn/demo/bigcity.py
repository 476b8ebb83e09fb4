"""A London-size city for benchmarks and tests, written as the files a London analyst really has.

4,835 small areas with LSOA-like codes (E01000001..) tessellating a 24 km disc around central London (about 2,500
H3 cells at resolution 8), and:

- ``boundaries/london/lsoa_2021_bng.zip``: a zipped Shapefile in British National Grid (EPSG:27700), columns
  ``LSOA21CD, LSOA21NM, BNG_E, BNG_N`` and wiggly borders of about a hundred vertices per area (as published);
- ``published/london/lsoa_population_mid2022.xlsx``: population in the ONS wide layout (title rows above the
  header; ``LAD 2021 Code, LAD 2021 Name, LSOA 2021 Code, LSOA 2021 Name, Total`` and five age groups);
- ``published/london/hate_crime_lsoa_by_strand.csv``: hate-crime counts per area and strand, one column per
  complete calendar quarter (wide; ``BigCitySize.hate_counts_period="year"``: per calendar year), two title rows
  above the header;
- ``crime/london/YYYY-MM-metropolitan-street.csv``: police.uk street-level files WITHOUT a hate column (24 months);
- ``social/london/posts-YYYY-MM.csv``: about 200,000 posts in the generic social layout.

The published files live outside the inbox (``home/published/``): an analyst hands them to ``scn ingest
area-attributes`` and ``scn ingest crime-counts`` by hand. The speech, crime and writer code of the demo world is
reused (scn.demo.speech, scn.demo.crime, scn.demo.writers); only the geography and the published tables are new.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely

from geo.h3index import centres
from scn.demo import writers
from scn.demo.crime import simulate_crimes
from scn.demo.geography import KM_PER_DEG_LAT, CityGeo, _disc
from scn.demo.spec import H3_RES, MONTHS, PLANTED_RATE_RATIO, registry, rng_for, text_pool
from scn.demo.speech import finish_posts, simulate_posts

CITY_ID = "london"
N_AREAS = 4_835  # London's LSOAs (2011)
RADIUS_KM = 22.8  # a disc of ~1,630 km2 (London: 1,572): about 2,500 cells of ~0.66 km2 at resolution 8 and 51.5 N
BOROUGHS = ["City of London", "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon",
            "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey", "Harrow", "Havering",
            "Hillingdon", "Hounslow", "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth",
            "Lewisham", "Merton", "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton",
            "Tower Hamlets", "Waltham Forest", "Wandsworth", "Westminster"]
STRANDS = {"Racist": 0.62, "Religious": 0.06, "Antisemitic": 0.08, "Anti-Muslim": 0.07, "Homophobic": 0.11,
           "Disability": 0.03, "Transgender": 0.03}
AGE_GROUPS = {"Aged 0 to 15": 0.19, "Aged 16 to 24": 0.11, "Aged 25 to 49": 0.40, "Aged 50 to 64": 0.17,
              "Aged 65 and over": 0.13}
BORDER_STEP_KM = 0.03  # a vertex every ~30 m along the borders
BORDER_WIGGLE_KM = 0.012
SHAPEFILE = "lsoa_2021_bng.zip"
POPULATION = "lsoa_population_mid2022.xlsx"
HATE_COUNTS = "hate_crime_lsoa_by_strand.csv"


@dataclass(frozen=True)
class BigCitySize:
    """Volumes of the big city (the geography is always full size)."""

    posts_per_month: float = 8_000.0  # ~200k posts over 24 months (with the campaigns)
    hate_share: float = 0.02
    hate_crimes_per_month: float = 300.0
    nonhate_per_hate: float = 20.0  # ~150k police.uk rows
    hate_counts_period: str = "quarter"  # or "year": the 24 months give 3 (partial) years, too few to analyse


def _wiggle(xy: np.ndarray) -> np.ndarray:
    """A smooth displacement field (km): the same point moves the same way in both areas that share it."""
    x, y = xy[:, 0], xy[:, 1]
    dx = np.sin(x * 9.1 + np.cos(y * 7.3)) + 0.5 * np.sin(y * 23.0 + x * 3.0)
    dy = np.cos(y * 8.7 + np.sin(x * 6.1)) + 0.5 * np.cos(x * 21.0 - y * 2.0)
    return xy + BORDER_WIGGLE_KM * np.column_stack([dx, dy]) / 1.5


def build_geography(seed: int = 11) -> CityGeo:
    """Cells of the disc, population per cell, 4,835 Voronoi areas of about equal population (denser centre)."""
    rng = rng_for(seed, 900, 1)
    city = registry().set_index("city_id").loc[CITY_ID]
    lat0, lon0 = float(city["lat"]), float(city["lon"])
    cells = np.array(sorted(h3.polygon_to_cells(h3.LatLngPoly(_disc(lat0, lon0, RADIUS_KM, 256)), H3_RES)))
    ctr = centres(cells)
    inradius = np.full(len(cells), h3.average_hexagon_edge_length(H3_RES, "km") * np.cos(np.pi / 6))
    geo = CityGeo(CITY_ID, lat0, lon0, cells, ctr["lat"].to_numpy(), ctr["lon"].to_numpy(), inradius,
                  np.zeros(len(cells), dtype=np.int64), np.zeros(len(cells), dtype=np.int64), pd.DataFrame(),
                  np.zeros((0, 2)))
    scale = RADIUS_KM / 1.6  # density falls by e over 15 km: inner London is ~3x as dense as the edge

    def density(d: np.ndarray) -> np.ndarray:
        return np.exp(-d / scale)

    d = np.hypot(*geo.to_xy(geo.cell_lat, geo.cell_lon).T)
    w = density(d) * rng.lognormal(0, 0.35, len(cells))
    geo.cell_pop = np.maximum(1, np.round(float(city["population"]) * w / w.sum())).astype(np.int64)
    # seeds: density proportional to population (areas of about equal population), by rejection sampling
    cand = rng.uniform(-RADIUS_KM, RADIUS_KM, (N_AREAS * 6, 2))
    dist = np.hypot(cand[:, 0], cand[:, 1])
    keep = (dist <= RADIUS_KM) & (rng.random(len(cand)) < density(dist))
    geo.seeds_xy = cand[keep][:N_AREAS]
    if len(geo.seeds_xy) < N_AREAS:
        raise RuntimeError("not enough seeds drawn")  # never with this oversampling (~2.4x)
    outer = shapely.Point(0, 0).buffer(RADIUS_KM + 1.0, quad_segs=64)
    vor = shapely.voronoi_polygons(shapely.MultiPoint(geo.seeds_xy), extend_to=outer, ordered=True)
    polys = shapely.intersection(np.asarray(shapely.get_parts(vor)), outer)
    polys = shapely.transform(shapely.segmentize(polys, BORDER_STEP_KM), _wiggle)
    kx, ky = geo.km_per_deg_lon(), KM_PER_DEG_LAT
    polys = shapely.transform(polys, lambda xy: np.column_stack([lon0 + xy[:, 0] / kx, lat0 + xy[:, 1] / ky]))
    geo.cell_area = geo.area_of(geo.cell_lat, geo.cell_lon)
    # LSOA-like names: the borough of the nearest of 33 borough centres, numbered within the borough
    hubs = rng.uniform(-0.8, 0.8, (len(BOROUGHS), 2)) * RADIUS_KM
    hubs[0] = (0.0, 0.0)  # the City in the middle
    borough = np.argmin(((geo.seeds_xy[:, None, :] - hubs[None, :, :]) ** 2).sum(-1), axis=1)
    order = np.lexsort((geo.seeds_xy[:, 0], borough))
    rank = np.empty(N_AREAS, dtype=np.int64)
    rank[order] = np.arange(N_AREAS) - np.searchsorted(borough[order], borough[order])
    letters = np.array(list("ABCDE"))[rng.integers(0, 5, N_AREAS)]
    names = pd.Series(np.array(BOROUGHS)[borough]) + " " + pd.Series(rank // 4 + 1).astype(str).str.zfill(3) + \
        pd.Series(letters)
    names = names.where(~names.duplicated(), names + pd.Series(np.arange(N_AREAS)).astype(str))
    geo.areas = pd.DataFrame({
        "area_code": [f"E01{i:06d}" for i in range(1, N_AREAS + 1)], "area_name": names.to_numpy(),
        "area_name_local": None, "borough": np.array(BOROUGHS)[borough],
        "borough_code": [f"E09{b + 1:06d}" for b in borough],
        "population": np.round(rng.normal(1_650, 240, N_AREAS)).clip(900, 3_200).astype(np.int64),
        "geometry": polys,
    })
    return geo


def write_shapefile(geo: CityGeo, path: Path) -> Path:
    """The areas as a zipped Shapefile in British National Grid (EPSG:27700), as the ONS publishes them."""
    gdf = gpd.GeoDataFrame({"LSOA21CD": geo.areas["area_code"], "LSOA21NM": geo.areas["area_name"]},
                           geometry=geo.areas["geometry"].to_numpy(), crs="EPSG:4326").to_crs("EPSG:27700")
    gdf.geometry = shapely.set_precision(gdf.geometry.to_numpy(), 0.001)  # millimetres, as published
    rp = gdf.geometry.representative_point()
    gdf.insert(2, "BNG_E", np.round(rp.x).astype(np.int64))
    gdf.insert(3, "BNG_N", np.round(rp.y).astype(np.int64))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / (path.stem + ".shp")
        gdf.to_file(shp, engine="pyogrio", encoding="utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(Path(tmp).iterdir()):
                zf.write(part, part.name)
    return path


def write_population(geo: CityGeo, path: Path, rng: np.random.Generator) -> Path:
    """Population per area in the ONS wide layout: title rows, then one row per LSOA with age-group columns."""
    a = geo.areas
    shares = rng.dirichlet(np.array(list(AGE_GROUPS.values())) * 60, len(a))
    groups = np.floor(shares * a["population"].to_numpy()[:, None]).astype(np.int64)
    groups[:, 2] += a["population"].to_numpy() - groups.sum(axis=1)  # the rounding rest in the largest group
    table = pd.DataFrame({"LAD 2021 Code": a["borough_code"], "LAD 2021 Name": a["borough"],
                          "LSOA 2021 Code": a["area_code"], "LSOA 2021 Name": a["area_name"],
                          "Total": a["population"]})
    for k, name in enumerate(AGE_GROUPS):
        table[name] = groups[:, k]
    path.parent.mkdir(parents=True, exist_ok=True)
    titles = pd.DataFrame([["Mid-2022 population estimates for 2021 Lower layer Super Output Areas (LSOAs)"],
                           ["This worksheet contains one table. Some cells refer to notes which can be found in "
                            "the notes worksheet."],
                           ["Source: synthetic (Strong Cities benchmark city)"]])
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        titles.to_excel(xl, sheet_name="Mid-2022 LSOA 2021", index=False, header=False)
        table.to_excel(xl, sheet_name="Mid-2022 LSOA 2021", index=False, startrow=3)
    return path


def _periods(months: pd.Series, period: str) -> pd.Series:
    """Column names of a wide file: ``2025`` (calendar years) or ``2025 Q1`` (calendar quarters)."""
    if period == "year":
        return months.str.slice(0, 4)
    q = (months.str.slice(5, 7).astype(int) - 1) // 3 + 1
    return months.str.slice(0, 4) + " Q" + q.astype(str)


def write_hate_counts(geo: CityGeo, crimes: pd.DataFrame, path: Path, rng: np.random.Generator,
                      period: str = "quarter") -> Path:
    """Hate crimes per area and strand, one column per period (wide), as a force publishes them: complete calendar
    quarters (default) or calendar years (``period="year"``; the first and last are then partial)."""
    hate = crimes[crimes["is_hate"].to_numpy()]
    strand = rng.choice(list(STRANDS), len(hate), p=list(STRANDS.values()))
    frame = pd.DataFrame({"area": hate["area"].to_numpy(), "strand": strand,
                          "period": _periods(hate["month"].reset_index(drop=True), period).to_numpy()})
    if period == "quarter":  # only quarters whose three months are all in the data
        full = _periods(pd.Series(MONTHS), period).value_counts()
        frame = frame[frame["period"].isin(full.index[full == 3])]
    counts = frame.groupby(["area", "strand", "period"]).size().unstack("period", fill_value=0).reset_index()
    a = geo.areas
    wide = pd.DataFrame({"LSOA code": a["area_code"].to_numpy()[counts["area"]],
                         "LSOA name": a["area_name"].to_numpy()[counts["area"]],
                         "Borough": a["borough"].to_numpy()[counts["area"]], "Hate strand": counts["strand"]})
    columns = sorted(c for c in counts.columns if c not in ("area", "strand"))
    for c in columns:
        wide[c] = counts[c].to_numpy()
    wide = wide.sort_values(["LSOA code", "Hate strand"], kind="stable")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"Hate crime offences by LSOA and strand, {columns[0]} to {columns[-1]} (calendar {period}s)\n")
        fh.write("Source: synthetic Metropolitan Police Service extract (Strong Cities benchmark city)\n")
        wide.to_csv(fh, index=False, lineterminator="\n")
    return path


def write_registry(inbox: Path) -> Path:
    """The member registry with the city's row only."""
    path = inbox / "cities" / "cities.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    registry()[lambda r: r["city_id"] == CITY_ID].to_csv(path, index=False, lineterminator="\n")
    return path


def generate(home: Path, seed: int = 11, size: BigCitySize | None = None) -> dict:
    """Write the big city into ``home/inbox`` (registry, boundaries, police.uk crimes, posts) and
    ``home/published/london`` (population, hate-crime counts); return a JSON-able summary."""
    size = size or BigCitySize()
    home = Path(home)
    inbox, published = home / "inbox", home / "published" / CITY_ID
    geo = build_geography(seed)
    city = registry().set_index("city_id", drop=False).loc[CITY_ID]
    pool = text_pool()
    posts, hateful = simulate_posts(geo, city, size.posts_per_month, size.hate_share, 3, 0, pool,
                                    rng_for(seed, 900, 2))
    crimes = simulate_crimes(geo, hateful, size.hate_crimes_per_month, size.nonhate_per_hate, PLANTED_RATE_RATIO,
                             rng_for(seed, 900, 3))
    posts = finish_posts(posts, 0, pool)
    files = {"cities": write_registry(inbox),
             "boundaries": write_shapefile(geo, inbox / "boundaries" / CITY_ID / SHAPEFILE),
             "population": write_population(geo, published / POPULATION, rng_for(seed, 900, 4)),
             "hate_counts": write_hate_counts(geo, crimes, published / HATE_COUNTS, rng_for(seed, 900, 5),
                                              size.hate_counts_period)}
    crime_files = writers.write_crimes(geo, crimes, seed, inbox, hate_flag=False)
    post_files = writers.write_posts(CITY_ID, posts, inbox)
    located = posts["precision"] == "cell"
    return {"city_id": CITY_ID, "seed": seed, "areas": len(geo.areas), "cells": len(geo.cells),
            "cells_with_posts": int(posts.loc[located, "cell"].nunique()), "posts": len(posts),
            "located_posts": int(located.sum()), "crimes": len(crimes), "hate_crimes": int(crimes["is_hate"].sum()),
            "hate_crimes_by_month": {str(k): int(v) for k, v in crimes.groupby("month")["is_hate"].sum().items()},
            "population": int(geo.areas["population"].sum()),
            "vertices": int(shapely.get_num_coordinates(geo.areas["geometry"].to_numpy()).sum()),
            "months": [MONTHS[0], MONTHS[-1]],
            "files": {**{k: str(v) for k, v in files.items()}, "crime": len(crime_files), "social": len(post_files)},
            "file_mb": {k: round(v.stat().st_size / 2**20, 2) for k, v in files.items()}}
