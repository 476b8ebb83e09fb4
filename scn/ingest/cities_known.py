"""Which cities exist (the shipped registry plus the lake's `cities`) and the box each one covers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scn import lake

REGISTRY = Path(__file__).resolve().parents[1] / "data" / "cities.csv"
CITY_MARGIN_DEG = 0.5  # half-width of a city's box when it has no areas yet (~50 km)
AREA_MARGIN_DEG = 0.1


def known_cities() -> pd.DataFrame:
    """city_id, name, country, region, lat, lon of every known city (lake rows override the shipped registry)."""
    cols = ["city_id", "name", "country", "region", "lat", "lon"]
    frames = []
    if lake.has_table("cities"):
        frames.append(lake.read_table("cities", columns=cols))
    if REGISTRY.exists():
        frames.append(pd.read_csv(REGISTRY, usecols=cols, dtype={"city_id": str}))
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True).drop_duplicates("city_id").reset_index(drop=True)


def city_box(city_id: str) -> tuple[float, float, float, float] | None:
    """(south, west, north, east): the city's area centroids plus a margin, else its point plus a margin."""
    if lake.has_table("areas"):
        a = lake.read_table("areas", columns=["centroid_lat", "centroid_lon"],
                            where="city_id = ?", params=[city_id])
        if len(a):
            m = AREA_MARGIN_DEG
            return (float(a["centroid_lat"].min()) - m, float(a["centroid_lon"].min()) - m,
                    float(a["centroid_lat"].max()) + m, float(a["centroid_lon"].max()) + m)
    c = known_cities()
    row = c[c["city_id"] == city_id]
    if row.empty or row[["lat", "lon"]].isna().any(axis=None):
        return None
    lat, lon, m = float(row["lat"].iloc[0]), float(row["lon"].iloc[0]), CITY_MARGIN_DEG
    return lat - m, lon - m, lat + m, lon + m
