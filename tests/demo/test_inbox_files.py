"""Every inbox file the demo writes has the columns of docs/CONTRACTS.md ("Inbox file formats")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from scn.demo.spec import ARABIC_CITIES, registry
from scn.registry import slugify

CITIES = ["city_id", "name", "country", "country_code", "region", "continent", "lat", "lon", "population",
          "steering_committee", "joined_year", "themes", "timezone"]
POSTS = ["id", "created_at", "text", "lang", "lat", "lon", "place", "author", "platform", "url"]
POLICE = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code",
          "LSOA name", "Crime type", "Last outcome category", "Context"]
REGIONS = {"Europe", "MENA", "Sub-Saharan Africa", "South Asia", "Central Asia", "North America",
           "Latin America & Caribbean", "Asia-Pacific"}


def _posts(inbox: Path, city_id: str) -> pd.DataFrame:
    files = sorted((inbox / "social" / city_id).glob("posts-*"))
    return pd.concat([pd.read_json(p, lines=True, dtype=False) if p.suffix == ".jsonl" else
                      pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""]) for p in files])


def test_cities_registry(demo_world: tuple[Path, dict]) -> None:
    inbox, _ = demo_world
    cities = pd.read_csv(inbox / "cities" / "cities.csv")
    assert list(cities.columns) == CITIES
    assert (cities["city_id"] == cities["name"].map(slugify)).all() and cities["city_id"].is_unique
    assert set(cities["region"]) <= REGIONS
    assert cities["steering_committee"].sum() == 25 and len(cities) >= 120
    assert cities["lat"].between(-90, 90).all() and cities["lon"].between(-180, 180).all()
    assert {"london", "mombasa", "saida", "kumanovo", "chattanooga", "peshawar", "al-karak",
            "majdal-anjar"} <= set(cities["city_id"])
    assert cities["country_code"].str.fullmatch(r"[A-Z]{2}").all()
    zones = cities.set_index("city_id")["timezone"]
    assert zones["mombasa"] == "Africa/Nairobi" and zones["london"] == "Europe/London"  # local months and weeks
    assert len(registry()) == len(cities)


def test_boundaries(demo_world: tuple[Path, dict]) -> None:
    inbox, summary = demo_world
    for city in summary["cities"]:
        fc = json.loads((inbox / "boundaries" / city["city_id"] / "areas.geojson").read_text("utf-8"))
        props = pd.DataFrame([f["properties"] for f in fc["features"]])
        assert list(props.columns) == ["area_code", "area_name", "area_name_local", "population"]
        assert 20 <= len(props) <= 40 and props["area_code"].is_unique
        if city["city_id"] == "london":
            assert props["area_code"].str.fullmatch(r"E01\d{6}").all()
        if city["city_id"] in ARABIC_CITIES:
            assert props["area_name_local"].str.contains(r"[\u0600-\u06FF]").all()


def test_posts(demo_world: tuple[Path, dict]) -> None:
    inbox, summary = demo_world
    kinds = set()
    for city in summary["cities"]:
        cid = city["city_id"]
        files = sorted((inbox / "social" / cid).iterdir())
        assert len(files) == 24
        kinds |= {p.suffix for p in files}
        posts = _posts(inbox, cid)
        assert list(posts.columns) == POSTS and posts["id"].is_unique
        assert posts["created_at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d").all()
        assert posts["author"].str.fullmatch(r"@[a-z]+\d+").all()
        has_xy = posts["lat"].notna()
        place_only = ~has_xy & posts["place"].notna() & (posts["place"] != city_name(cid))
        city_only = ~has_xy & (posts["place"] == city_name(cid))
        assert has_xy.sum() > 0 and place_only.sum() > 0 and city_only.sum() > 0
        if cid in ARABIC_CITIES:
            assert posts.loc[place_only, "place"].str.contains(r"[\u0600-\u06FF]").all()
        # month of the file = the city's local month of each post (written with the city's offset: its wall clock)
        month = posts["created_at"].str[:7]
        assert month.nunique() == 24
        utc = pd.to_datetime(posts["created_at"], utc=True).dt.strftime("%Y-%m")
        assert (utc != month).sum() <= 0.01 * len(posts)  # a few near a month's edge fall in another UTC month
    assert kinds == {".csv", ".jsonl"}


def city_name(city_id: str) -> str:
    return registry().set_index("city_id").loc[city_id, "name"]


def test_coordinated_campaign_in_every_city(demo_world: tuple[Path, dict]) -> None:
    inbox, summary = demo_world
    for city in summary["cities"]:
        posts = _posts(inbox, city["city_id"])
        posts["t"] = pd.to_datetime(posts["created_at"], utc=True)
        posts["stem"] = posts["text"].str.replace(r"^(RT )?(@user:? ?)+", "", regex=True).str.slice(0, 25)
        found = False
        for shift in (pd.Timedelta(0), pd.Timedelta(hours=12)):  # a 3-hour burst fits one of the two day grids
            day = (posts["t"] + shift).dt.floor("D")
            burst = posts.groupby([posts["stem"], day]).agg(accounts=("author", "nunique"), first=("t", "min"),
                                                            last=("t", "max"))
            found |= bool(((burst["accounts"] >= 8) & (burst["last"] - burst["first"] <= pd.Timedelta(hours=3)))
                          .any())
        assert found, city["city_id"]


def test_london_police_uk_files(demo_world: tuple[Path, dict]) -> None:
    inbox, _ = demo_world
    files = sorted((inbox / "crime" / "london").glob("*.csv"))
    assert len(files) == 24 and all(re.fullmatch(r"\d{4}-\d\d-metropolitan-street\.csv", p.name) for p in files)
    crimes = pd.concat([pd.read_csv(p, dtype=str) for p in files])
    assert list(crimes.columns) == POLICE + ["Hate flag"]
    assert crimes["Longitude"].isna().any() and (crimes.loc[crimes["Longitude"].isna(), "Location"]
                                                 == "No Location").all()
    assert crimes["Crime ID"].isna().any()
    assert crimes["Crime ID"].dropna().str.fullmatch(r"[0-9a-f]{64}").all() and crimes["Crime ID"].dropna().is_unique
    assert set(crimes["Hate flag"]) == {"Y", "N"}
    assert not crimes.duplicated().any()  # rows without an id are still distinct rows


def test_generic_crime_files(demo_world: tuple[Path, dict]) -> None:
    inbox, summary = demo_world
    for city in summary["cities"]:
        if city["city_id"] == "london":
            continue
        crimes = pd.concat([pd.read_csv(p) for p in sorted((inbox / "crime" / city["city_id"]).glob("*.csv"))])
        assert list(crimes.columns) == ["id", "time", "lat", "lon", "category", "hate_flag"]
        assert crimes["id"].is_unique and set(crimes["hate_flag"]) == {0, 1}
        assert 0.05 < crimes["hate_flag"].mean() < 0.3


def test_surveys_and_codebook(demo_world: tuple[Path, dict]) -> None:
    inbox, _ = demo_world
    book = pd.read_csv(inbox / "survey" / "codebook.csv")
    assert list(book.columns) == ["question", "construct", "label", "scale_min", "scale_max", "reverse"]
    assert book["construct"].nunique() == 3 and book["reverse"].any()
    files = sorted((inbox / "survey").glob("*/resilience-*.csv"))
    assert len(files) == 6
    for path in files:
        df = pd.read_csv(path, sep=None, engine="python")
        for col in ("_id", "_uuid", "_submission_time", "weight", "wave", "programme_id", "group_demo/gender",
                    "group_demo/age_group", "group_demo/area_code", "group_exposure/hate_seen_where",
                    "group_exposure/hate_seen_where/online"):
            assert col in df.columns, (path, col)
        leaves = {c.split("/")[-1] for c in df.columns if c.startswith("group_")}
        assert set(book["question"]) <= leaves
        assert df[[c for c in df.columns if c.split("/")[-1] in set(book["question"])]].stack().dropna().between(1, 5).all()


def test_survey_planted_improvement(demo_world: tuple[Path, dict]) -> None:
    inbox, _ = demo_world
    book = pd.read_csv(inbox / "survey" / "codebook.csv").set_index("question")
    res = book.index[book["construct"] == "resilience_extremist_narratives"]

    def score(city: str, year: int) -> float:
        df = pd.read_csv(inbox / "survey" / city / f"resilience-{year}.csv", sep=None, engine="python")
        df.columns = [c.split("/")[-1] for c in df.columns]
        items = df[list(res)].astype(float)
        rev = [q for q in res if book.loc[q, "reverse"]]
        items[rev] = 6 - items[rev]
        return float(items.mean().mean())

    assert score("saida", 2026) - score("saida", 2025) > 0.25
    assert abs(score("dakar", 2026) - score("dakar", 2025)) < 0.12
