"""Write the simulated world as the inbox files a real user would hand us (formats: docs/CONTRACTS.md)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from scn.demo.geography import CityGeo
from scn.demo.spec import DATA, JSONL_CITIES, TIMEZONES
from scn.demo.survey import SEMICOLON_CITIES
from scn.demo.timefmt import iso_with_offset

POST_COLUMNS = ["id", "created_at", "text", "lang", "lat", "lon", "place", "author", "platform", "url"]
CRIME_COLUMNS = ["id", "time", "lat", "lon", "category", "hate_flag"]
STREETS = ["High Street", "Station Road", "Church Lane", "Park Road", "Victoria Road", "Mill Lane", "Supermarket",
           "Parking Area", "Petrol Station", "Shopping Area", "Sports/Recreation Area", "Nightclub",
           "Further/Higher Educational Building", "Green Lane", "King Street", "Queens Road", "London Road",
           "Hospital", "Bus/Coach Station", "Conference/Exhibition Centre"]
OUTCOMES = ["Investigation complete; no suspect identified", "Unable to prosecute suspect", "Under investigation",
            "Status update unavailable", "Awaiting court outcome", "Local resolution", "Offender given a caution",
            "Court result unavailable"]
CSV = {"index": False, "lineterminator": "\n", "encoding": "utf-8"}


def _csv(frame: pd.DataFrame, path: Path, sep: str = ",", float_format: str | None = "%.6f") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=sep, float_format=float_format, **CSV)
    return path


def write_cities(inbox: Path) -> list[Path]:
    """The shipped member registry, values as written there, plus the demo cities' ``timezone`` (others blank:
    UTC), so their months and weeks are cut in their local calendars."""
    reg = pd.read_csv(DATA / "cities.csv", dtype=str, keep_default_na=False)
    return [_csv(reg.assign(timezone=reg["city_id"].map(TIMEZONES).fillna("")), inbox / "cities" / "cities.csv",
                 float_format=None)]


def write_boundaries(geo: CityGeo, inbox: Path) -> list[Path]:
    """One GeoJSON FeatureCollection of the city's areas."""
    a = geo.areas
    features = [{"type": "Feature",
                 "properties": {"area_code": code, "area_name": name,
                                "area_name_local": None if pd.isna(local) else local, "population": int(pop)},
                 "geometry": json.loads(shapely.to_geojson(geom))}
                for code, name, local, pop, geom in a[["area_code", "area_name", "area_name_local", "population",
                                                       "geometry"]].itertuples(index=False)]  # 20-80 areas
    path = inbox / "boundaries" / geo.city_id / "areas.geojson"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
    return [path]


def write_posts(city_id: str, posts: pd.DataFrame, inbox: Path) -> list[Path]:
    """posts-YYYY-MM.csv (JSON Lines for the cities in JSONL_CITIES), sorted by time."""
    out = posts.copy()
    out["created_at"] = iso_with_offset(out["created_at"], TIMEZONES[city_id]).to_numpy()
    paths = []
    for month, part in out.groupby("month", sort=True):
        part = part[POST_COLUMNS]
        if city_id in JSONL_CITIES:
            path = inbox / "social" / city_id / f"posts-{month}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            part.to_json(path, orient="records", lines=True, force_ascii=False, double_precision=6)
        else:
            path = _csv(part, inbox / "social" / city_id / f"posts-{month}.csv")
        paths.append(path)
    return paths


def write_crimes(geo: CityGeo, crimes: pd.DataFrame, seed: int, inbox: Path, hate_flag: bool = True) -> list[Path]:
    """police.uk street-level files for London (``hate_flag=False``: without the demo's ``Hate flag`` column, as
    police.uk publishes them), generic crimes-YYYY-MM.csv elsewhere."""
    paths = []
    if geo.city_id == "london":
        rng = np.random.default_rng(np.random.SeedSequence([seed, 55]))
        n = len(crimes)
        located = crimes["located"].to_numpy()
        area = geo.areas.iloc[crimes["area"].to_numpy()]
        asb = (crimes["category"] == "Anti-social behaviour").to_numpy()
        out = pd.DataFrame({
            "Crime ID": crimes["crime_id"].to_numpy(), "Month": crimes["month"].to_numpy(),
            "Reported by": "Metropolitan Police Service", "Falls within": "Metropolitan Police Service",
            "Longitude": crimes["lon"].to_numpy(), "Latitude": crimes["lat"].to_numpy(),
            "Location": np.where(located, "On or near " + np.array(STREETS)[rng.integers(0, len(STREETS), n)],
                                 "No Location"),
            "LSOA code": np.where(located, area["area_code"].to_numpy(), ""),
            "LSOA name": np.where(located, area["area_name"].to_numpy(), ""),
            "Crime type": crimes["category"].to_numpy(),
            "Last outcome category": np.where(asb, "", np.array(OUTCOMES)[rng.integers(0, len(OUTCOMES), n)]),
            "Context": "", "Hate flag": np.where(crimes["is_hate"].to_numpy(), "Y", "N"),
        })
        if not hate_flag:
            out = out.drop(columns="Hate flag")
        for month, part in out.groupby("Month", sort=True):
            paths.append(_csv(part, inbox / "crime" / "london" / f"{month}-metropolitan-street.csv"))
        return paths
    out = pd.DataFrame({"id": crimes["crime_id"], "time": iso_with_offset(crimes["time"], TIMEZONES[geo.city_id]),
                        "lat": crimes["lat"], "lon": crimes["lon"], "category": crimes["category"],
                        "hate_flag": crimes["is_hate"].astype(int), "month": crimes["month"]})
    for month, part in out.groupby("month", sort=True):
        paths.append(_csv(part[CRIME_COLUMNS], inbox / "crime" / geo.city_id / f"crimes-{month}.csv"))
    return paths


def write_surveys(surveys: dict[str, pd.DataFrame], codebook: pd.DataFrame, inbox: Path) -> list[Path]:
    paths = [_csv(codebook, inbox / "survey" / "codebook.csv", float_format=None)]
    for key, frame in sorted(surveys.items()):
        city_id = key.split("/")[0]
        paths.append(_csv(frame, inbox / "survey" / f"{key}.csv", sep=";" if city_id in SEMICOLON_CITIES else ",",
                          float_format="%.4f"))
    return paths


def write_programme(frames: dict[str, pd.DataFrame], inbox: Path) -> list[Path]:
    return [_csv(frames[name], inbox / "programme" / f"{name}.csv", float_format="%.2f")
            for name in ("activities", "participants", "grants")]

