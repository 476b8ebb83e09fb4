"""Which cities exist (the shipped registry plus the lake's `cities`) and the box each one covers."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scn import lake
from scn.registry import legacy_array, slug_array

REGISTRY = Path(__file__).resolve().parents[1] / "data" / "cities.csv"
CITY_MARGIN_DEG = 0.5  # half-width of a city's box when it has no areas yet (~50 km)
AREA_MARGIN_DEG = 0.1


def known_cities() -> pd.DataFrame:
    """city_id, name, country, country_code, region, lat, lon of every known city (lake rows override the shipped registry).
    Read once per state of the lake's ``cities`` table (a caller may change the frame it gets)."""
    return _known_cities(lake.parts_stamp("cities")).copy()


@lru_cache(maxsize=8)
def _known_cities(stamp: tuple) -> pd.DataFrame:
    """``known_cities`` for the lake's ``cities`` table in the state ``stamp`` (only keys the cache)."""
    cols = ["city_id", "name", "country", "country_code", "region", "lat", "lon"]
    frames = []
    if lake.has_table("cities"):
        # the newest part wins, as in the marts (macros/newest_part.sql): a part is rewritten when its file is
        # ingested again, so its modification time is its latest ingestion
        parts = sorted(lake.table_dir("cities").glob("part-*.parquet"), key=lambda f: (f.stat().st_mtime_ns, f.name),
                       reverse=True)
        frames += [pq.read_table(f).to_pandas().reindex(columns=cols) for f in parts]
    if REGISTRY.exists():
        frames.append(pd.read_csv(REGISTRY, usecols=cols, dtype={"city_id": str}))
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True).drop_duplicates("city_id").reset_index(drop=True)


def id_aliases() -> dict[str, str]:
    """The id the slug rule now gives a known city's name -> the id the home stored for it, where the home stored
    it by the rule before 2026-12-07 (``scn.registry.legacy_slugify``: ``Al–Karak`` was stored as ``alkarak``, now
    slugged ``al-karak``) and no known city already holds the new one. A stored id is the city's id for good: its
    rows, keys, users and folders name it; the new spelling resolves to it (``resolve_cities``)."""
    return dict(_id_aliases(lake.parts_stamp("cities")))


@lru_cache(maxsize=8)
def _id_aliases(stamp: tuple) -> tuple[tuple[str, str], ...]:
    known = _known_cities(stamp).dropna(subset=["city_id", "name"])
    ids = known["city_id"].astype("string")
    names = pa.array(known["name"].astype(str).tolist(), pa.string())
    now = pd.Series(slug_array(names).to_pylist(), index=known.index, dtype="string")
    before = pd.Series(legacy_array(names).to_pylist(), index=known.index, dtype="string")
    old = ids.eq(before) & now.ne(ids) & ~now.isin(set(ids)) & now.ne("")
    pairs = pd.DataFrame({"now": now[old], "id": ids[old]}).drop_duplicates("now", keep=False)  # one city a name
    return tuple(zip(pairs["now"].astype(str), pairs["id"].astype(str), strict=True))


def resolve_cities(city_ids: pd.Series) -> pd.Series:
    """City ids with any the home stored by the slug rule before 2026-12-07 resolved to it (``id_aliases``)."""
    aliases = id_aliases()
    return city_ids.replace(aliases) if aliases else city_ids


def resolve_city(city_id: str | None) -> str | None:
    """``resolve_cities`` for one id."""
    return id_aliases().get(city_id, city_id) if city_id else city_id


def former_members() -> set[str]:
    """The cities that left the network: ``left_year`` of ``stg_cities`` over the lake (its SQL, rendered as the
    enrichment reads it: the newest row saying anything of membership decides; a newer ``joined_year`` after the
    left year is a rejoining). Read once per state of the registry's parts and the ingest log."""
    if not lake.has_table("cities"):
        return set()
    log = lake.parts_stamp("ingest_log") if lake.has_table("ingest_log") else None
    return set(_former_members(lake.parts_stamp("cities"), log))


@lru_cache(maxsize=8)
def _former_members(_cities: tuple, _log: tuple | None) -> frozenset[str]:
    from scn.enrich.parts import staging_sql

    got = lake.query(f"select city_id from ({staging_sql('stg_cities')}) where left_year is not null")
    return frozenset(got["city_id"].astype(str))


def city_box(city_id: str) -> tuple[float, float, float, float] | None:
    """(south, west, north, east): the city's area centroids plus a margin, else its point plus a margin. A box
    across the antimeridian has west > east (Fiji: 177.5 .. -179.5)."""
    return _city_box(city_id, lake.parts_stamp("areas"), lake.parts_stamp("cities"))


@lru_cache(maxsize=256)
def _city_box(city_id: str, areas: tuple, cities: tuple) -> tuple[float, float, float, float] | None:
    """``city_box`` with the lake's ``areas`` and ``cities`` tables in the states ``areas`` and ``cities`` (only
    key the cache)."""
    if lake.has_table("areas"):
        a = lake.read_table("areas", columns=["centroid_lat", "centroid_lon"],
                            where="city_id = ?", params=[city_id])
        if len(a):
            m, lon = AREA_MARGIN_DEG, a["centroid_lon"].astype(float)
            west, east = float(lon.min()) - m, float(lon.max()) + m
            if east - west > 180:  # a city across the antimeridian: its box wraps (west > east)
                east360 = lon.where(lon >= 0, lon + 360)
                west, east = float(east360.min()) - m, float(east360.max()) + m - 360
            return (float(a["centroid_lat"].min()) - m, west, float(a["centroid_lat"].max()) + m, east)
    c = known_cities()
    row = c[c["city_id"] == city_id]
    if row.empty or row[["lat", "lon"]].isna().any(axis=None):
        return None
    lat, lon, m = float(row["lat"].iloc[0]), float(row["lon"].iloc[0]), CITY_MARGIN_DEG
    return lat - m, lon - m, lat + m, lon + m
