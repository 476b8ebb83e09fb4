"""Where posts and crimes are: point-in-polygon for coordinates, a gazetteer of area and city names for posts
that only name a place. Precision is recorded (cell | area | city | unknown) and never invented: only rows
with valid coordinates get a cell, and a name never yields coordinates."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.h3index import cells

LOCATED_COLUMNS = ["precision", "lat", "lon", "area_code", "cell", "resolution"]
GAZETTEER_COLUMNS = ["city_id", "key", "area_code", "level"]
_ARABIC_FOLD = {"\u0629": "\u0647", "\u0649": "\u064a", "\u0640": ""}  # taa marbuta, alef maqsura, tatweel


def normalise_names(values: pd.Series) -> pd.Series:
    """Case-, accent-, punctuation- and space-insensitive place names; Arabic kept, with hamza and madda
    on alef, short vowels, tatweel, taa marbuta and alef maqsura folded."""
    s = values.astype("string").str.normalize("NFKD")
    s = s.str.replace(r"[\u0300-\u036f\u064b-\u065f\u0670]", "", regex=True)
    for a, b in _ARABIC_FOLD.items():  # three letters
        s = s.str.replace(a, b, regex=False)
    return s.str.casefold().str.replace(r"[\W_]+", " ", regex=True).str.strip()


def _areas_frame(areas: pd.DataFrame) -> gpd.GeoDataFrame:
    """city_id, area_code and the polygon of each area (unreadable WKT -> empty geometry)."""
    wkt = areas["geometry_wkt"].astype(object)
    geoms = shapely.from_wkt(wkt.where(wkt.notna(), None).to_numpy(), on_invalid="ignore")
    return gpd.GeoDataFrame(areas[["city_id", "area_code"]].reset_index(drop=True), geometry=geoms, crs=4326)


def points_to_areas(frame: pd.DataFrame, areas: pd.DataFrame) -> pd.Series:
    """area_code of the city's own area containing each point (null outside every area or without a point);
    a point in two areas (overlapping polygons, a shared border) goes to the first listed in ``areas``, as the
    cell of ``geo.h3index.area_cells`` does."""
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    has = frame["lat"].notna() & frame["lon"].notna()
    if not has.any() or areas.empty:
        return out
    pts = gpd.GeoDataFrame(frame.loc[has, ["city_id"]], crs=4326,
                           geometry=gpd.points_from_xy(frame.loc[has, "lon"], frame.loc[has, "lat"]))
    joined = gpd.sjoin(pts, _areas_frame(areas), how="inner", predicate="intersects")
    joined = joined[joined["city_id_left"] == joined["city_id_right"]]
    joined = joined.sort_values("index_right", kind="stable")  # sjoin's order is not the listing order
    joined = joined[~joined.index.duplicated(keep="first")]
    out.loc[joined.index] = joined["area_code"].astype("string")
    return out


def gazetteer(areas: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """Names that place a post: each area's name, local-language name (e.g. Arabic) and code, and the city's
    registry name and id. A name shared by two areas of a city is dropped (ambiguous); area beats city."""
    parts = []
    for col in ("area_name", "area_name_local", "area_code"):  # three name columns
        if col in areas and len(areas):
            parts.append(pd.DataFrame({"city_id": areas["city_id"], "key": normalise_names(areas[col]),
                                       "area_code": areas["area_code"].astype("string"), "level": "area"}))
    for col in ("name", "name_local", "city_id"):
        if col in cities and len(cities):
            parts.append(pd.DataFrame({"city_id": cities["city_id"], "key": normalise_names(cities[col]),
                                       "area_code": pd.Series(pd.NA, index=cities.index, dtype="string"),
                                       "level": "city"}))
    if not parts:
        return pd.DataFrame(columns=GAZETTEER_COLUMNS)
    gaz = pd.concat(parts, ignore_index=True).dropna(subset=["key"])
    gaz = gaz[gaz["key"] != ""].drop_duplicates(["city_id", "key", "area_code", "level"])
    areas_per_key = gaz[gaz["level"] == "area"].groupby(["city_id", "key"])["area_code"].transform("nunique")
    gaz = gaz.drop(areas_per_key.index[areas_per_key > 1])
    return gaz.sort_values("level").drop_duplicates(["city_id", "key"], ignore_index=True)[GAZETTEER_COLUMNS]


def match_places(city_id: pd.Series, place: pd.Series, gaz: pd.DataFrame) -> pd.DataFrame:
    """Gazetteer hits for place strings: the whole string or any comma/slash-separated part ("Hackney,
    London" -> Hackney). Returns (row index ->) level and area_code, the most specific hit per row: an area
    before the city, then the whole string before its parts, then the parts in the order they are written.
    Each distinct (city, place) pair is matched once (posts repeat a handful of place strings)."""
    pairs = pd.DataFrame({"city_id": city_id.to_numpy(), "place": place.astype("string").to_numpy()})
    code = pairs.groupby(["city_id", "place"], sort=False, dropna=False).ngroup().to_numpy()
    uniq, first = np.unique(code, return_index=True)
    hits = _match_distinct(pairs["city_id"].iloc[first].reset_index(drop=True),
                           pairs["place"].iloc[first].reset_index(drop=True), gaz)
    found = np.full(len(uniq), -1, dtype=np.int64)
    found[hits.index.to_numpy()] = np.arange(len(hits))
    at = found[code]  # code values are 0..k-1 in the order np.unique lists them
    rows = at >= 0
    out = hits.iloc[at[rows]]
    return out.set_axis(place.index[rows])


def _match_distinct(city_id: pd.Series, place: pd.Series, gaz: pd.DataFrame) -> pd.DataFrame:
    """``match_places`` on rows 0..n-1 (each a distinct pair)."""
    probe = pd.DataFrame({"city_id": city_id, "row": place.index, "part": place})
    whole = probe.assign(part_key=normalise_names(probe["part"]))
    parts = probe.assign(part=probe["part"].str.split(r"[,/|;]")).explode("part")
    parts = parts.assign(part_key=normalise_names(parts["part"]))
    keys = pd.concat([whole, parts], ignore_index=True).rename(columns={"part_key": "key"})
    hits = keys.merge(gaz, on=["city_id", "key"], how="inner")  # the keys' order: whole, then parts in order
    hits = hits.sort_values("level", kind="stable").drop_duplicates("row").set_index("row")  # "area" < "city"
    return hits[["level", "area_code"]]


def _located_frame(keys: pd.Series, frame: pd.DataFrame, areas: pd.DataFrame, res: int) -> pd.DataFrame:
    """Key, valid coordinates, cell and containing area per row; precision cell where a cell, else unknown."""
    lat = pd.to_numeric(frame["lat"], errors="coerce").astype("float64")
    lon = pd.to_numeric(frame["lon"], errors="coerce").astype("float64")
    cell = pd.Series(cells(lat.to_numpy(), lon.to_numpy(), res), index=frame.index, dtype="string")
    valid = cell.notna()
    out = pd.DataFrame({keys.name: keys, "lat": lat.where(valid), "lon": lon.where(valid), "cell": cell})
    out["area_code"] = points_to_areas(pd.concat([frame[["city_id"]], out[["lat", "lon"]]], axis=1), areas)
    out["precision"] = np.where(valid, "cell", "unknown")
    return out


def _finish(out: pd.DataFrame, key: str, res: int) -> pd.DataFrame:
    """The key and ``LOCATED_COLUMNS``, with the resolution where a row has a cell."""
    out["resolution"] = pd.array(np.where(out["cell"].notna(), res, pd.NA), dtype="Int32")
    return out[[key, *LOCATED_COLUMNS]].reset_index(drop=True)


def locate_posts(posts: pd.DataFrame, areas: pd.DataFrame, cities: pd.DataFrame, res: int) -> pd.DataFrame:
    """post_key, precision, lat, lon, area_code, cell, resolution per post.

    Valid coordinates -> cell, and the area containing the point (null outside the city's areas). Otherwise a
    place naming an area -> precision area (area_code, no cell, no coordinates); naming the city -> city;
    else unknown."""
    posts = posts.reset_index(drop=True)
    out = _located_frame(posts["post_key"], posts, areas, res)
    if "place" in posts:
        named = out["cell"].isna() & posts["place"].notna()
        hits = match_places(posts.loc[named, "city_id"], posts.loc[named, "place"], gazetteer(areas, cities))
        out.loc[hits.index, "precision"] = hits["level"]
        out.loc[hits.index, "area_code"] = hits["area_code"]
    return _finish(out, "post_key", res)


def locate_crimes(crimes: pd.DataFrame, areas: pd.DataFrame, res: int) -> pd.DataFrame:
    """crime_key, precision, lat, lon, area_code, cell, resolution per crime.

    Valid coordinates -> cell and the area containing the point; where no area contains it (or there is no
    point), a ``lsoa_code`` that is a known area_code of the city is used; a crime without coordinates and
    without a known area is placed to its city."""
    crimes = crimes.reset_index(drop=True)
    out = _located_frame(crimes["crime_key"], crimes, areas, res)
    out["precision"] = np.where(out["cell"].notna(), "cell", "city")
    if "lsoa_code" in crimes and len(areas):
        known = pd.MultiIndex.from_frame(areas[["city_id", "area_code"]].astype(str))
        probe = pd.MultiIndex.from_arrays([crimes["city_id"].astype(str), crimes["lsoa_code"].astype(str)])
        use = out["area_code"].isna() & crimes["lsoa_code"].notna() & probe.isin(known)
        out.loc[use, "area_code"] = crimes.loc[use, "lsoa_code"].astype("string")
        out.loc[use & out["cell"].isna(), "precision"] = "area"
    return _finish(out, "crime_key", res)
