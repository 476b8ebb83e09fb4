"""Enrichment of lake tables: speech labels (incremental by model version) and locations/cells.

Functions over the lake; the Dagster assets in assets/enrich/ call them.
"""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd

from geo.locate import locate_crimes, locate_posts
from scn import lake
from scn.lake import ensure_table
from scn.nlp.model import classify, labelling_version
from scn.review import adapters
from scn.settings import h3_resolution

LABEL_BATCH = 200_000


def _version_tag(version: str) -> str:
    return hashlib.sha1(version.encode()).hexdigest()[:10]


def classify_new_posts(batch_size: int = LABEL_BATCH) -> dict:
    """Classify posts that have no label from the current model version; drop labels of older versions.

    Labels live in the lake table ``post_labels`` (post_key, label, score_hate, target, assessed, method,
    lang_detected, model_version), one part per batch named after the model (and lexicon) version, so a new
    version re-classifies everything once and an unchanged one classifies only new posts.
    """
    # the model's version, plus the lexicons' and the adopted review adapters' (a change of any re-classifies)
    version = labelling_version() + adapters.version_suffix()
    tag = _version_tag(version)
    folder = lake.table_dir("post_labels")
    stale = [p for p in folder.glob("part-*.parquet") if not p.name.startswith(f"part-{tag}-")] \
        if folder.exists() else []
    for p in stale:
        p.unlink()
    if not lake.has_table("posts"):
        return {"model_version": version, "classified": 0, "dropped_stale_parts": len(stale)}
    sql = f"select p.post_key, p.city_id, p.text, p.lang from {lake.scan('posts')} p"
    if lake.has_table("post_labels"):
        sql += f" anti join {lake.scan('post_labels')} l using (post_key)"
    sql += " order by p.post_key"
    with duckdb.connect() as con:
        pending = con.execute(sql).df()
    pending = pending.drop_duplicates("post_key")
    for start in range(0, len(pending), batch_size):
        chunk = pending.iloc[start:start + batch_size]
        out = classify(chunk["text"].tolist(), chunk["lang"].tolist())
        out = adapters.apply(out, chunk["city_id"], chunk["text"])  # per city and language, where adopted
        labels = pd.DataFrame({
            "post_key": chunk["post_key"].to_numpy(),
            "label": out["label"].to_numpy(),
            "score_hate": out["score_hate"].astype("float64").to_numpy(),
            "target": out["target"].astype("string").to_numpy() if "target" in out else None,
            "assessed": out["assessed"].astype(bool).to_numpy(),
            "method": out["method"].astype("string").to_numpy() if "method" in out else None,
            "lang_detected": out["lang"].astype("string").to_numpy(),
            "model_version": version,
        })
        digest = hashlib.sha1("".join(chunk["post_key"].iloc[[0, -1]]).encode()).hexdigest()[:10]
        lake.write_part("post_labels", labels, f"{tag}-{digest}-{len(chunk)}")
    return {"model_version": version, "classified": len(pending), "dropped_stale_parts": len(stale)}


def period_columns(ts: pd.Series) -> pd.DataFrame:
    """month 'YYYY-MM' and ISO week 'YYYY-Www' of UTC timestamps."""
    ts = pd.to_datetime(ts, utc=True)
    iso = ts.dt.isocalendar()
    week = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
    return pd.DataFrame({"month": ts.dt.strftime("%Y-%m"), "week": week.where(ts.notna())}, index=ts.index)


POSTS_ENRICHED_COLUMNS = ["post_key", "city_id", "created_at", "month", "week", "lang", "label", "score_hate",
                          "assessed", "method", "target", "model_version", "precision", "lat", "lon", "area_code", "cell",
                          "resolution"]
CRIMES_ENRICHED_COLUMNS = ["crime_key", "city_id", "occurred_at", "month", "week", "category", "is_hate",
                           "precision", "lat", "lon", "area_code", "cell", "resolution"]


def _read(sql: str) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.execute(sql).df()


def enrich_posts(res: int | None = None) -> int:
    """Rebuild ``posts_enriched``: location (cell | area | city | unknown) and speech label per post.

    No text and no pseudonym leave this step. Returns the number of rows written.
    """
    res = res or h3_resolution()
    if not lake.has_table("posts"):
        ensure_table("posts_enriched")
        return 0
    posts = _read(f"select post_key, city_id, created_at, lat, lon, place, lang "
                  f"from {lake.scan('posts')}")
    posts = posts.drop_duplicates("post_key")
    located = locate_posts(posts, lake.read_table("areas"), lake.read_table("cities"), res)
    labels = lake.read_table("post_labels", ["post_key", "label", "score_hate", "assessed", "method", "target",
                                            "lang_detected", "model_version"])
    out = (posts[["post_key", "city_id", "created_at", "lang"]]
           .merge(labels, on="post_key", how="left")
           .merge(located, on="post_key", how="left"))
    out["lang"] = out["lang"].fillna(out["lang_detected"])
    out = pd.concat([out, period_columns(out["created_at"])], axis=1)
    out["assessed"] = out["assessed"].fillna(False).astype(bool)
    out["method"] = out["method"].where(out["method"].notna(), "not_assessed")
    out["resolution"] = out["resolution"].astype("Int32")
    out = out[POSTS_ENRICHED_COLUMNS].sort_values("post_key", kind="stable")
    lake.replace_table("posts_enriched", out)
    return len(out)


def enrich_crimes(res: int | None = None) -> int:
    """Rebuild ``crimes_enriched``: month/week and location (cell | area | city) per crime record."""
    res = res or h3_resolution()
    if not lake.has_table("crimes"):
        ensure_table("crimes_enriched")
        return 0
    crimes = _read(f"select crime_key, city_id, occurred_at, category, is_hate, lat, lon, lsoa_code "
                   f"from {lake.scan('crimes')}")
    crimes = crimes.drop_duplicates("crime_key")
    located = locate_crimes(crimes[["crime_key", "city_id", "lat", "lon", "lsoa_code"]],
                            lake.read_table("areas"), res)
    out = crimes[["crime_key", "city_id", "occurred_at", "category", "is_hate"]].merge(
        located, on="crime_key", how="left")
    out = pd.concat([out, period_columns(out["occurred_at"])], axis=1)
    out["resolution"] = out["resolution"].astype("Int32")
    out = out[CRIMES_ENRICHED_COLUMNS].sort_values("crime_key", kind="stable")
    lake.replace_table("crimes_enriched", out)
    return len(out)
