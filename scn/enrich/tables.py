"""Enrichment of lake tables: speech labels (incremental by model version) and locations/cells.

Functions over the lake; the Dagster assets in assets/enrich/ call them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

import duckdb
import pandas as pd
import pyarrow as pa

from geo.locate import locate_crimes, locate_posts
from scn import lake
from scn.enrich.parts import (
    city_timezones,
    current_labelling_version,
    input_fingerprints,
    label_version_tag,
    staging_sql,
    stale_label_parts,
)
from scn.ingest.parse import wall_to_utc
from scn.lake import ensure_table
from scn.lake.schema import LAKE_SCHEMAS
from scn.nlp.model import classify
from scn.review import adapters
from scn.scratch import scratch, sql_path, sql_string
from scn.settings import h3_resolution

LABEL_BATCH = 200_000


def current_areas_sql() -> str:
    """The SQL of dbt's ``stg_areas`` (transforms/models/staging/stg_areas.sql and its macros) over the lake:
    the one definition of a city's current areas, shared by enrichment and the warehouse."""
    return staging_sql("stg_areas")


def current_areas(cities: Collection[str] | None = None) -> pd.DataFrame:
    """Each city's current boundary areas (``stg_areas`` over the lake: the newest boundaries file's set, each
    area's newest row), listed by city and area_code; ``cities`` limits them (None: every city)."""
    if not lake.has_table("areas"):
        return pd.DataFrame(columns=LAKE_SCHEMAS["areas"].names)
    where = "" if cities is None else " where list_contains(?, city_id)"
    return lake.query(f"select * from ({current_areas_sql()}) a{where} order by city_id, area_code",
                      None if cities is None else [sorted(cities)])


def classify_new_posts(batch_size: int = LABEL_BATCH, cities: Collection[str] | None = None) -> dict:
    """Classify posts that have no label from the current model version; drop labels of older versions.

    Labels live in the lake table ``post_labels`` (post_key, label, score_hate, target, assessed, method,
    lang_detected, model_version), one part per batch named after the model (and lexicon) version, so a new
    version re-classifies everything once and an unchanged one classifies only new posts. ``cities`` limits the
    classification to those cities' posts (a city partition), except after a version change: then every post is
    classified again (the stale labels of every city are dropped at once).
    """
    version = current_labelling_version()
    tag = label_version_tag(version)
    stale = stale_label_parts(version)
    kept = _keep_erased_labels(stale, tag) if stale else 0
    for p in stale:
        p.unlink()
    if stale:
        cities = None
    if not lake.has_table("posts"):
        return {"model_version": version, "classified": 0, "dropped_stale_parts": len(stale)}
    unlabelled = f"{lake.scan('posts')} p"
    if lake.has_table("post_labels"):
        unlabelled += f" anti join {lake.scan('post_labels')} l using (post_key)"
    classified = 0
    rows = -(-batch_size // duckdb.__standard_vector_size__) * duckdb.__standard_vector_size__  # whole vectors
    with scratch() as con:
        pending = con.execute(f"select distinct p.city_id from {unlabelled}"
                              + (" where p.city_id in (select unnest(?::varchar[]))" if cities is not None else ""),
                              [sorted(cities)] if cities is not None else []).fetchall()
        for (city,) in sorted(pending, key=lambda row: (row[0] is None, row[0] or "")):  # one city at a time:
            # DuckDB dedups and orders one city's texts, not the lake's; posts without a city come last, together
            where, params = ("p.city_id is null", []) if city is None else ("p.city_id = ?", [city])
            result = con.sql(f"select distinct on (p.post_key) p.post_key, p.city_id, p.text, p.lang "
                             f"from {unlabelled} where {where} order by p.post_key", params=params)
            for batch in result.to_arrow_reader(rows):  # streamed: one batch of texts at a time, as Arrow
                if batch.num_rows:
                    _write_labels(batch, version, tag)
                    classified += batch.num_rows
    return {"model_version": version, "classified": classified, "dropped_stale_parts": len(stale),
            "kept_erased_labels": kept}


def _keep_erased_labels(stale: list, tag: str) -> int:
    """Before a new labelling version drops the older labels: the labels of posts whose text retention erased,
    written again under the new version's tag as they were (their ``model_version`` says which model made them).
    Their text is gone, so the new model cannot label them: re-labelling a null text would turn every erased
    flagged post into an unassessed one and move the counts of old months with each model change."""
    if not lake.has_table("posts"):
        return 0
    files = "[" + ", ".join(sql_path(p) for p in stale) + "]"
    with scratch() as con:
        kept = con.sql(
            f"select distinct on (l.post_key) l.* from read_parquet({files}, union_by_name=true) l "
            f"semi join (select post_key from {lake.scan('posts')} group by post_key "
            f"having bool_and(text is null)) p using (post_key) order by l.post_key").to_arrow_table()
    if kept.num_rows:
        schema = LAKE_SCHEMAS["post_labels"]
        lake.write_part("post_labels", kept.select(schema.names).cast(schema), _part_id(f"{tag}-erased", kept))
    return kept.num_rows


def _write_labels(batch: pa.RecordBatch, version: str, tag: str) -> None:
    """Classify one batch of posts and write its labels as a ``post_labels`` part named by version and keys."""
    texts = batch.column("text").to_pylist()
    out = classify(texts, batch.column("lang").to_pylist())
    out = adapters.apply(out, batch.column("city_id").to_pylist(), texts)  # per city and language, where adopted
    keys = batch.column("post_key")

    def text(column: str) -> pa.Array:  # a column of the labels as Arrow strings; all null when absent
        values = out[column].to_numpy(dtype=object) if column in out else [None] * batch.num_rows
        return pa.array(values, pa.string(), from_pandas=True)

    labels = pa.table({
        "post_key": keys, "label": text("label"), "score_hate": pa.array(out["score_hate"].to_numpy(dtype="float64"), from_pandas=True),
        "target": text("target"), "assessed": pa.array(out["assessed"].to_numpy(dtype=bool)),
        "method": text("method"), "lang_detected": text("lang"),
        "model_version": pa.array([version] * batch.num_rows, pa.string()),
    })
    schema = LAKE_SCHEMAS["post_labels"]
    lake.write_part("post_labels", labels.select(schema.names).cast(schema), _part_id(tag, labels))


def _part_id(prefix: str, labels: pa.Table) -> str:
    """A ``post_labels`` part's id: ``prefix`` (the version's tag), a digest of its first and last post keys, and
    its rows (a part starting with the tag is the current version's: ``stale_label_parts``)."""
    keys = labels.column("post_key")
    digest = hashlib.sha1((keys[0].as_py() + keys[-1].as_py()).encode()).hexdigest()[:10]
    return f"{prefix}-{digest}-{labels.num_rows}"


def _plan(table: str, cities: Collection[str] | None, res: int) -> tuple[dict[str, str], list[str], list[str]]:
    """(fingerprints, cities to compute, cities unchanged) for the cities asked (None: every city)."""
    current = input_fingerprints(table, res)
    done = lake.keyed_parts(table)
    if done is None:  # an older whole-table layout: every city is computed, the old part removed after
        cities, done = None, {}
    wanted = set(current) if cities is None else set(cities)
    todo = sorted(c for c in wanted & set(current) if done.get(c) != current[c])
    return current, todo, sorted(wanted & set(current) - set(todo))


def _of_city(frame: pd.DataFrame, city: str) -> pd.DataFrame:
    return frame[frame["city_id"] == city] if "city_id" in frame else frame


def _finish(table: str, current: dict[str, str]) -> None:
    """Remove the parts of cities that no longer have rows, and parts of an older layout."""
    lake.drop_parts_except(table, set(current))
    ensure_table(table)


def enrich_posts(res: int | None = None, cities: Collection[str] | None = None) -> dict:
    """Compute ``posts_enriched`` per city: location (cell | area | city | unknown) and speech label per post, one
    lake part per city named by the fingerprint of its inputs. Only the cities asked (None: all) whose inputs
    changed are recomputed; the others' parts are kept as they are.

    No text and no pseudonym leave this step. Returns {rows (written), cities (recomputed), unchanged}.
    """
    res = res or h3_resolution()
    current, todo, unchanged = _plan("posts_enriched", cities, res)
    rows = 0
    if todo:
        areas, registry, zones = current_areas(todo), lake.read_table("cities"), city_timezones()
        for city in todo:  # one city at a time: peak memory is one city's posts
            rows += _enrich_posts_of(city, _of_city(areas, city), _of_city(registry, city), res,
                                     current[city], zones.get(city, "UTC"))
    _finish("posts_enriched", current)
    return {"rows": rows, "cities": todo, "unchanged": unchanged}


def _enrich_posts_of(city: str, areas: pd.DataFrame, registry: pd.DataFrame, res: int, fingerprint: str,
                     tz: str = "UTC") -> int:
    posts = lake.read_table("posts", ["post_key", "city_id", "created_at", "lat", "lon", "place", "lang"],
                            where="city_id = ?", params=[city])
    posts = posts.drop_duplicates("post_key")
    located = locate_posts(posts, areas, registry, res)
    # a post's label: the first in the lake's read order (parts by name, rows in order) when there are several
    labels = (f"select * exclude (filename, file_row_number) from {lake.scan('post_labels', read_order=True)} "
              "semi join base using (post_key) qualify row_number() over (partition by post_key order by filename, file_row_number) = 1"
              if lake.has_table("post_labels") else
              "select null::varchar post_key, null::varchar label, null::double score_hate, null::boolean assessed, "
              "null::varchar method, null::varchar target, null::varchar lang_detected, null::varchar model_version")
    select = ("base.post_key, base.city_id, base.created_at, {periods}, coalesce(base.lang, l.lang_detected) as lang, "
              "l.label, l.score_hate, coalesce(l.assessed, false) as assessed, coalesce(l.method, 'not_assessed') as method, "
              "l.target, l.model_version, {located}")
    out = _assemble("posts_enriched", posts[["post_key", "city_id", "created_at", "lang"]], located, "post_key",
                    "created_at", select, tz, f"left join ({labels}) l using (post_key)")
    lake.replace_keyed_part("posts_enriched", out, city, fingerprint)
    return out.num_rows


# the location columns of an enriched part, from the located frame registered as ``loc``
LOCATED = "loc.precision, loc.lat, loc.lon, loc.area_code, loc.cell, loc.resolution"


def periods_sql(when: str, tz: str) -> str:
    """``month`` ('YYYY-MM') and ``week`` ('YYYY-Www', ISO) of the instant ``when`` on the wall clock of
    the IANA zone ``tz`` (DuckDB ICU): the one place the periods of posts and crimes are cut."""
    local = f"timezone({sql_string(tz)}, {when}::timestamptz)"
    return f"strftime({local}, '%Y-%m') as month, strftime({local}, '%G-W%V') as week"


def _assemble(table: str, base: pd.DataFrame, located: pd.DataFrame, key: str, when: str, select: str,
              tz: str = "UTC", joins: str = "") -> pa.Table:
    """One city's enriched part in its lake schema: ``base`` (one row per ``key``) left-joined with ``joins`` and
    its ``located`` rows, month and ISO week of the timestamp ``when`` in the city's zone ``tz``
    (``periods_sql``), ordered by ``key``. ``select`` lists the columns, with ``{periods}`` and ``{located}``
    where those go."""
    periods = periods_sql(f"base.{when}", tz)
    with scratch() as con:
        con.register("base", base)
        con.register("loc", located)
        got = con.sql(f"select {select.format(periods=periods, located=LOCATED)} from base {joins} "
                      f"left join loc using ({key}) order by base.{key}").to_arrow_table()
    schema = LAKE_SCHEMAS[table]
    return got.select(schema.names).cast(schema)


def enrich_crimes(res: int | None = None, cities: Collection[str] | None = None) -> dict:
    """Compute ``crimes_enriched`` per city: month/week and location (cell | area | city) per crime record, one
    lake part per city, recomputed only for the cities asked (None: all) whose inputs changed (as
    ``enrich_posts``). Returns {rows (written), cities (recomputed), unchanged}."""
    res = res or h3_resolution()
    current, todo, unchanged = _plan("crimes_enriched", cities, res)
    rows = 0
    if todo:
        areas, zones = current_areas(todo), city_timezones()
        for city in todo:
            rows += _enrich_crimes_of(city, _of_city(areas, city), res, current[city], zones.get(city, "UTC"))
    _finish("crimes_enriched", current)
    return {"rows": rows, "cities": todo, "unchanged": unchanged}


def _enrich_crimes_of(city: str, areas: pd.DataFrame, res: int, fingerprint: str, tz: str = "UTC") -> int:
    crimes = lake.read_table("crimes", ["crime_key", "city_id", "occurred_at", "wall_clock", "category", "is_hate",
                                        "lat", "lon", "lsoa_code"], where="city_id = ?", params=[city])
    crimes = crimes.drop_duplicates("crime_key")
    wall = crimes["wall_clock"].fillna(False).astype(bool)  # written without an offset: the city's local time
    if wall.any():
        crimes["occurred_at"] = crimes["occurred_at"].mask(wall, wall_to_utc(crimes.loc[wall, "occurred_at"], tz))
    located = locate_crimes(crimes[["crime_key", "city_id", "lat", "lon", "lsoa_code"]], areas, res)
    out = _assemble("crimes_enriched", crimes[["crime_key", "city_id", "occurred_at", "category", "is_hate"]],
                    located, "crime_key", "occurred_at",
                    "base.crime_key, base.city_id, base.occurred_at, {periods}, base.category, base.is_hate, "
                    "{located}", tz)
    lake.replace_keyed_part("crimes_enriched", out, city, fingerprint)
    return out.num_rows
