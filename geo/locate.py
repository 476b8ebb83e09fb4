"""Where posts and crimes are: point-in-polygon for coordinates, a gazetteer of area and city names for posts
that only name a place. Precision is recorded (cell | area | city | unknown) and never invented: only rows
with coordinates get a cell."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import wkt

from geo.h3index import cells

LOCATED_COLUMNS = ["precision", "lat", "lon", "area_code", "cell", "resolution"]


def normalise_names(values: pd.Series) -> pd.Series:
    """Case-, accent- and space-insensitive form of place names (Arabic letters kept)."""
    s = values.astype("string").str.normalize("NFKD").str.replace(r"[\u0300-\u036f\u064b-\u065f]", "", regex=True)
    return s.str.casefold().str.replace(r"[^\w]+", " ", regex=True).str.strip()


def _areas_frame(areas: pd.DataFrame) -> gpd.GeoDataFrame:
    geoms = [wkt.loads(w) for w in areas["geometry_wkt"]]  # per area polygon
    return gpd.GeoDataFrame(areas[["city_id", "area_code"]].reset_index(drop=True), geometry=geoms, crs=4326)


def points_to_areas(frame: pd.DataFrame, areas: pd.DataFrame) -> pd.Series:
    """area_code of the city's area containing each point (null outside every area or without coordinates)."""
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    has = frame["lat"].notna() & frame["lon"].notna()
    if not has.any() or areas.empty:
        return out
    pts = gpd.GeoDataFrame(frame.loc[has, ["city_id"]], crs=4326,
                           geometry=gpd.points_from_xy(frame.loc[has, "lon"], frame.loc[has, "lat"]))
    joined = gpd.sjoin(pts, _areas_frame(areas), how="left", predicate="within")
    joined = joined[joined["city_id_left"] == joined["city_id_right"]]
    joined = joined[~joined.index.duplicated(keep="first")]
    out.loc[joined.index] = joined["area_code"].astype("string")
    return out


def gazetteer(areas: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """Names that place a post: area names (also local-language names) and the city's own name."""
    parts = []
    for col in ("area_name", "area_name_local", "area_code"):
        if col in areas:
            parts.append(pd.DataFrame({"city_id": areas["city_id"], "key": normalise_names(areas[col]),
                                       "area_code": areas["area_code"], "level": "area"}))
    if len(cities):
        parts.append(pd.DataFrame({"city_id": cities["city_id"], "key": normalise_names(cities["name"]),
                                   "area_code": pd.NA, "level": "city"}))
        parts.append(pd.DataFrame({"city_id": cities["city_id"], "key": normalise_names(cities["city_id"]),
                                   "area_code": pd.NA, "level": "city"}))
    if not parts:
        return pd.DataFrame(columns=["city_id", "key", "area_code", "level"])
    gaz = pd.concat(parts, ignore_index=True).dropna(subset=["key"])
    gaz = gaz[gaz["key"] != ""]
    return gaz.sort_values("level").drop_duplicates(["city_id", "key"], ignore_index=True)


def locate_posts(posts: pd.DataFrame, areas: pd.DataFrame, cities: pd.DataFrame, res: int) -> pd.DataFrame:
    """post_key, precision, lat, lon, area_code, cell, resolution for each post."""
    posts = posts.reset_index(drop=True)
    out = pd.DataFrame({"post_key": posts["post_key"], "lat": posts["lat"].astype("float64"),
                        "lon": posts["lon"].astype("float64")})
    has_xy = out["lat"].notna() & out["lon"].notna()
    out["cell"] = pd.Series(cells(out["lat"].to_numpy(), out["lon"].to_numpy(), res), dtype="string")
    out["area_code"] = points_to_areas(pd.concat([posts[["city_id"]], out[["lat", "lon"]]], axis=1), areas)
    out["precision"] = np.where(has_xy & out["cell"].notna(), "cell", "unknown")
    if "place" in posts:
        named = (~has_xy) & posts["place"].notna()
        probe = pd.DataFrame({"city_id": posts.loc[named, "city_id"], "key": normalise_names(posts.loc[named, "place"]),
                              "row": posts.index[named]})
        hits = probe.merge(gazetteer(areas, cities), on=["city_id", "key"], how="inner").set_index("row")
        out.loc[hits.index, "precision"] = hits["level"]
        out.loc[hits.index, "area_code"] = hits["area_code"].astype("string")
    out["resolution"] = pd.array(np.where(out["cell"].notna(), res, pd.NA), dtype="Int32")
    return out[["post_key", *LOCATED_COLUMNS]]


def locate_crimes(crimes: pd.DataFrame, areas: pd.DataFrame, res: int) -> pd.DataFrame:
    """crime_key, precision, lat, lon, area_code, cell, resolution for each crime (police.uk LSOA codes are
    used as the area when the point falls in no area)."""
    crimes = crimes.reset_index(drop=True)
    out = pd.DataFrame({"crime_key": crimes["crime_key"], "lat": crimes["lat"].astype("float64"),
                        "lon": crimes["lon"].astype("float64")})
    has_xy = out["lat"].notna() & out["lon"].notna()
    out["cell"] = pd.Series(cells(out["lat"].to_numpy(), out["lon"].to_numpy(), res), dtype="string")
    out["area_code"] = points_to_areas(pd.concat([crimes[["city_id"]], out[["lat", "lon"]]], axis=1), areas)
    out["precision"] = np.where(has_xy & out["cell"].notna(), "cell", "city")
    if "lsoa_code" in crimes and len(areas):
        known = crimes[["city_id", "lsoa_code"]].merge(
            areas[["city_id", "area_code"]].rename(columns={"area_code": "lsoa_code"}).assign(hit=True),
            on=["city_id", "lsoa_code"], how="left")["hit"].fillna(False).astype(bool).to_numpy()
        use = out["area_code"].isna().to_numpy() & known
        out.loc[use, "area_code"] = crimes.loc[use, "lsoa_code"].astype("string")
        out.loc[use & ~has_xy.to_numpy(), "precision"] = "area"
    out["resolution"] = pd.array(np.where(out["cell"].notna(), res, pd.NA), dtype="Int32")
    return out[["crime_key", *LOCATED_COLUMNS]]
