"""Which cities' enriched parts are out of date: a fingerprint per city of what ``posts_enriched`` and
``crimes_enriched`` are computed from (light: duckdb over the lake, no NLP or geo stack; `scn run` plans with it)."""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd

from scn import lake
from scn.settings import h3_resolution


def _read(sql: str) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.execute(sql).df()


ENRICH_VERSION = "2"  # the enrichment's logic: a new value recomputes every city once


def _digest(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _by_city(sql: str) -> dict[str, str]:
    """city_id -> the text of the other columns of a query grouped by city."""
    rows = _read(sql)
    return {str(r[0]): "|".join(map(str, r[1:])) for r in rows.itertuples(index=False) if r[0] is not None}


def input_fingerprints(table: str, res: int | None = None) -> dict[str, str]:
    """city_id -> fingerprint of everything ``table`` (posts_enriched or crimes_enriched) is computed from for
    that city: its rows (and labels), its areas, its registry row, the H3 resolution and this step's version.
    One grouped scan of the key columns; equal fingerprints mean a city's part need not be recomputed."""
    res = res or h3_resolution()
    source = {"posts_enriched": "posts", "crimes_enriched": "crimes"}[table]
    if not lake.has_table(source):
        return {}
    if source == "posts":
        labels = (f"left join {lake.scan('post_labels')} l using (post_key)" if lake.has_table("post_labels")
                  else "left join (select null::varchar as post_key) l using (post_key)")
        rows = _by_city(f"select p.city_id, count(*), sum(hash(p.post_key))::varchar, count(l.post_key), "
                        f"coalesce(sum(hash(l)), 0)::varchar from {lake.scan('posts')} p {labels} group by 1")
    else:
        rows = _by_city(f"select city_id, count(*), sum(hash(crime_key))::varchar from {lake.scan('crimes')} "
                        f"group by 1")
    areas = _by_city(f"select city_id, count(*), sum(hash(a))::varchar from {lake.scan('areas')} a group by 1") \
        if lake.has_table("areas") else {}
    registry = _by_city(f"select city_id, sum(hash(c))::varchar from {lake.scan('cities')} c group by 1") \
        if source == "posts" and lake.has_table("cities") else {}
    return {city: _digest(ENRICH_VERSION, table, res, r, areas.get(city), registry.get(city))
            for city, r in rows.items()}


def lake_cities() -> list[str]:
    """Cities with posts or crimes in the lake (what the enrichment computes parts for)."""
    return sorted({c for t in ("posts", "crimes") for c in lake.value_counts(t, "city_id") if c != "None"})


def stale_cities(table: str, res: int | None = None) -> list[str]:
    """Cities whose part of ``table`` is missing or was computed from other inputs than the lake holds now (all
    of them when the table is still in a whole-table layout), plus cities with a part but no rows left."""
    current = input_fingerprints(table, res)
    done = lake.keyed_parts(table)
    if done is None:
        return sorted(current)
    return sorted({c for c, fp in current.items() if done.get(c) != fp} | (set(done) - set(current)))


